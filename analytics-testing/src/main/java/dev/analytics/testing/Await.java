package dev.analytics.testing;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits in tests for something the library does on its own threads, with a deadline: a wait that
 * would hang fails instead, saying what it waited for.
 *
 * <pre>{@code
 * Await.until(Duration.ofSeconds(10), () -> sink.delivered().size() == 100, "100 records delivered");
 * }</pre>
 *
 * <p>Where the condition is costly (it asks a broker, or reads thousands of received events), poll it
 * less often, and describe what is still missing when the wait fails:
 *
 * <pre>{@code
 * Await.until(Duration.ofSeconds(60), Duration.ofMillis(100), () -> arrived().containsAll(emitted),
 *     () -> missing() + " ids missing");
 * }</pre>
 */
public final class Await {
  private static final Duration DEFAULT_INTERVAL = Duration.ofMillis(2);

  private Await() {}

  /**
   * Returns as soon as {@code condition} holds; throws {@link AssertionError} naming {@code what} if it
   * does not within {@code timeout}.
   */
  public static void until(Duration timeout, BooleanSupplier condition, String what) {
    Objects.requireNonNull(what, "what == null");
    until(timeout, DEFAULT_INTERVAL, condition, () -> what);
  }

  /**
   * As {@link #until(Duration, BooleanSupplier, String)}; {@code whatIsMissing} is asked only when the
   * wait fails, so the message can say what the state was at the deadline.
   */
  public static void until(Duration timeout, BooleanSupplier condition, Supplier<String> whatIsMissing) {
    until(timeout, DEFAULT_INTERVAL, condition, whatIsMissing);
  }

  /**
   * As {@link #until(Duration, BooleanSupplier, Supplier)}, asking {@code condition} every
   * {@code interval} (the default is 2 ms).
   */
  public static void until(Duration timeout, Duration interval, BooleanSupplier condition,
      Supplier<String> whatIsMissing) {
    Objects.requireNonNull(timeout, "timeout == null");
    Objects.requireNonNull(interval, "interval == null");
    Objects.requireNonNull(condition, "condition == null");
    Objects.requireNonNull(whatIsMissing, "whatIsMissing == null");
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline >= 0) {
        throw new AssertionError("timed out after " + timeout + " waiting for: " + whatIsMissing.get());
      }
      LockSupport.parkNanos(interval.toNanos());
      if (Thread.interrupted()) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for: " + whatIsMissing.get());
      }
    }
  }
}
