package dev.analytics.kafka.harness;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a condition with a deadline; fails with a description of what was still missing. */
public final class Poll {
  private Poll() {}

  public static void until(Duration deadline, BooleanSupplier condition, Supplier<String> whatIsMissing) {
    long end = System.nanoTime() + deadline.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) throw new AssertionError("not within " + deadline + ": " + whatIsMissing.get());
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting: " + whatIsMissing.get());
      }
    }
  }
}
