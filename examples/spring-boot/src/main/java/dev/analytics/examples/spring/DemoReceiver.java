package dev.analytics.examples.spring;

import dev.analytics.testing.AmplitudeReceiver;

/** The receiver {@link ShopApplication#main} started, if any, for the {@code /receiver} endpoint. */
final class DemoReceiver {
  private static volatile AmplitudeReceiver receiver;

  private DemoReceiver() {}

  static void set(AmplitudeReceiver started) {
    receiver = started;
  }

  static AmplitudeReceiver get() {
    return receiver;
  }
}
