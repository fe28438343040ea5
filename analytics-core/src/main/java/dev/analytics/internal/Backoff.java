package dev.analytics.internal;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/** Capped exponential backoff with jitter: attempt n waits between half and all of min(max, initial * 2^(n-1)). */
final class Backoff {
  private final long initialNanos;
  private final long maxNanos;
  private final DoubleSupplier random;

  Backoff(Duration initial, Duration max, DoubleSupplier random) {
    this.initialNanos = initial.toNanos();
    this.maxNanos = max.toNanos();
    this.random = random;
  }

  long delayNanos(int attempt) {
    long ceiling = initialNanos;
    for (int i = 1; i < attempt && ceiling < maxNanos; i++) ceiling *= 2;
    ceiling = Math.min(ceiling, maxNanos);
    return ceiling / 2 + (long) (random.getAsDouble() * (ceiling / 2));
  }
}
