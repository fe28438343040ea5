package dev.analytics.http.internal;

import io.github.resilience4j.core.IntervalFunction;
import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * resilience4j's capped exponential {@link IntervalFunction} (factor {@value #MULTIPLIER}) with "equal
 * jitter": half of each delay fixed, half random, from an injectable source so tests know the delays.
 */
final class JitteredBackoff implements IntervalFunction {
  static final double MULTIPLIER = 1.5;

  /** Null when the minimum is under a millisecond: every delay is then 0 (IntervalFunction needs 1 ms). */
  private final IntervalFunction exponential;
  private final DoubleSupplier jitter;

  JitteredBackoff(Duration min, Duration max, DoubleSupplier jitter) {
    this.exponential = min.toMillis() < 1 ? null : IntervalFunction.ofExponentialBackoff(min, MULTIPLIER, max);
    this.jitter = jitter;
  }

  /** The delay in milliseconds before attempt {@code attempt + 1} (attempts count from 1). */
  @Override
  public Long apply(Integer attempt) {
    if (exponential == null) return 0L;
    double capped = exponential.apply(Math.max(1, attempt));
    double r = Math.min(1.0, Math.max(0.0, jitter.getAsDouble()));
    return (long) (capped / 2 + capped / 2 * r);
  }
}
