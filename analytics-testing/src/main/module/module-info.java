/**
 * Test support for users' tests and this project's: a {@link dev.analytics.testing.RecordingSink}, a
 * {@link dev.analytics.testing.MutableClock}, and an Amplitude-compatible receiver on loopback
 * ({@link dev.analytics.testing.AmplitudeReceiver}).
 */
module dev.analytics.testing {
  requires transitive dev.analytics.core;
  requires jdk.httpserver;

  exports dev.analytics.testing;
}
