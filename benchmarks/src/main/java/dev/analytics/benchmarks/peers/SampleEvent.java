package dev.analytics.benchmarks.peers;

import java.nio.charset.StandardCharsets;

/**
 * The one event every library in the peer comparison sends, in Amplitude's shape (about 250 bytes of
 * JSON): each client builds its own native form of it from these fields, so all three carry the same
 * information. {@link #NAME} appears exactly once per event on the wire, which is how the receiver
 * counts events whatever the body format.
 */
final class SampleEvent {
  static final String NAME = "ServiceAbcExampleEvent";
  static final byte[] NAME_BYTES = NAME.getBytes(StandardCharsets.UTF_8);
  static final String APP_VERSION = "c738ca3";
  static final long SESSION_ID = 9876645851321L;
  static final long BASE_TIME = 1696629748241L;

  private SampleEvent() {}

  static String userId(int i) {
    return "user" + (i % 10_000) + "@example.com";
  }

  static String deviceId(int i) {
    return "device-" + String.format("%06d", i % 100_000);
  }

  static long time(int i) {
    return BASE_TIME + i;
  }

  static String plan(int i) {
    return (i & 1) == 0 ? "pro" : "free";
  }

  static String source() {
    return "checkout";
  }

  static int items(int i) {
    return 1 + i % 5;
  }

  /** The event as the JSON a user would log (what our library is handed), for its size in the report. */
  static String json(int i) {
    return "{\"user_id\":\"" + userId(i) + "\",\"device_id\":\"" + deviceId(i) + "\",\"event_type\":\"" + NAME
        + "\",\"time\":" + time(i) + ",\"app_version\":\"" + APP_VERSION + "\",\"event_id\":" + i
        + ",\"session_id\":" + SESSION_ID + ",\"event_properties\":{\"plan\":\"" + plan(i) + "\",\"source\":\""
        + source() + "\",\"items\":" + items(i) + "}}";
  }
}
