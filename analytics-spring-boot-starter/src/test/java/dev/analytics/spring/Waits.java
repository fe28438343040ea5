package dev.analytics.spring;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polls a condition until a deadline; fails the test with a description when it passes. */
final class Waits {
  static final Duration DEADLINE = Duration.ofSeconds(20);

  private Waits() {}

  static void until(String what, BooleanSupplier condition) {
    until(what, condition, () -> "");
  }

  static void until(String what, BooleanSupplier condition, Supplier<Object> state) {
    long end = System.nanoTime() + DEADLINE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) throw new AssertionError("timed out after " + DEADLINE + " waiting for " + what + "; " + state.get());
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what);
      }
    }
  }
}
