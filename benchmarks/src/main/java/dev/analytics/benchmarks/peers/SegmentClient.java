package dev.analytics.benchmarks.peers;

import com.segment.analytics.Analytics;
import com.segment.analytics.messages.TrackMessage;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Segment's {@code analytics-java} with its defaults (in-memory queue, 250 messages or 10 s per batch,
 * one network thread, OkHttp), pointed at the loopback receiver with its {@code endpoint} option.
 * {@code enqueue} is the call its users make.
 */
final class SegmentClient implements PeerClient {
  private final Analytics analytics;

  SegmentClient(String base) {
    analytics = Analytics.builder("bench-write-key").endpoint(base).build();
  }

  @Override
  public void emit(int i) {
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("app_version", SampleEvent.APP_VERSION);
    properties.put("event_id", i);
    properties.put("session_id", SampleEvent.SESSION_ID);
    properties.put("plan", SampleEvent.plan(i));
    properties.put("source", SampleEvent.source());
    properties.put("items", SampleEvent.items(i));
    analytics.enqueue(TrackMessage.builder(SampleEvent.NAME)
        .userId(SampleEvent.userId(i))
        .anonymousId(SampleEvent.deviceId(i))
        .timestamp(new Date(SampleEvent.time(i)))
        .properties(properties));
  }

  @Override
  public void flush() {
    analytics.flush();
  }

  @Override
  public void close() {
    analytics.shutdown();
  }
}
