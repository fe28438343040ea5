package dev.analytics.testing;

import java.time.Duration;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * Waits in tests for something the library does on its own threads, with a deadline: a wait that
 * would hang fails instead, saying what it waited for.
 *
 * <pre>{@code
 * Await.until(Duration.ofSeconds(10), () -> sink.delivered().size() == 100, "100 records delivered");
 * }</pre>
 */
public final class Await {
  private static final long POLL_NANOS = Duration.ofMillis(2).toNanos();

  private Await() {}

  /**
   * Returns as soon as {@code condition} holds; throws {@link AssertionError} naming {@code what} if it
   * does not within {@code timeout}.
   */
  public static void until(Duration timeout, BooleanSupplier condition, String what) {
    Objects.requireNonNull(timeout, "timeout == null");
    Objects.requireNonNull(condition, "condition == null");
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline >= 0) {
        throw new AssertionError("timed out after " + timeout + " waiting for: " + what);
      }
      java.util.concurrent.locks.LockSupport.parkNanos(POLL_NANOS);
      if (Thread.interrupted()) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for: " + what);
      }
    }
  }
}
