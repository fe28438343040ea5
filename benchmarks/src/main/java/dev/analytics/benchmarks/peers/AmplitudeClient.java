package dev.analytics.benchmarks.peers;

import com.amplitude.Amplitude;
import com.amplitude.Event;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Amplitude's {@code java-sdk} with its defaults (in-memory queue, 200 events or 10 s per upload,
 * {@code HttpsURLConnection}), pointed at the loopback HTTPS receiver with {@code setServerUrl}; it
 * speaks HTTPS only. {@code logEvent} is the call its users make.
 */
final class AmplitudeClient implements PeerClient {
  private final Amplitude amplitude;

  AmplitudeClient(String base) {
    amplitude = Amplitude.getInstance("peers-bench");
    amplitude.init("bench-api-key-0123");
    amplitude.setServerUrl(base + "/2/httpapi");
  }

  @Override
  public void emit(int i) {
    Event event = new Event(SampleEvent.NAME, SampleEvent.userId(i), SampleEvent.deviceId(i));
    event.timestamp = SampleEvent.time(i);
    event.appVersion = SampleEvent.APP_VERSION;
    event.eventId = i;
    event.sessionId = SampleEvent.SESSION_ID;
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("plan", SampleEvent.plan(i));
    properties.put("source", SampleEvent.source());
    properties.put("items", SampleEvent.items(i));
    event.setEventProperties(properties);
    amplitude.logEvent(event);
  }

  @Override
  public void flush() {
    amplitude.flushEvents();
  }

  @Override
  public void close() {
    try {
      amplitude.shutdown();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
