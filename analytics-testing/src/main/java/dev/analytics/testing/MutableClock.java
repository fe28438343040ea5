package dev.analytics.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link Clock} that tests move by hand, for everything that takes a clock ({@code Analytics.Builder},
 * {@code HttpSink.Builder}, the receiver): time stands still until {@link #advance} or {@link #set}.
 * Thread-safe.
 *
 * <pre>{@code
 * MutableClock clock = MutableClock.at(Instant.parse("2026-01-01T00:00:00Z"));
 * clock.advance(Duration.ofMinutes(61));   // past a one-hour timeout, at once
 * }</pre>
 */
public final class MutableClock extends Clock {
  private final AtomicReference<Instant> now;
  private final ZoneId zone;

  private MutableClock(AtomicReference<Instant> now, ZoneId zone) {
    this.now = now;
    this.zone = zone;
  }

  /** A clock standing at {@code instant}, in UTC. */
  public static MutableClock at(Instant instant) {
    return new MutableClock(new AtomicReference<>(Objects.requireNonNull(instant, "instant == null")), ZoneOffset.UTC);
  }

  /** Moves the time forward by {@code amount} (never backward: a negative amount is refused). */
  public MutableClock advance(Duration amount) {
    Objects.requireNonNull(amount, "amount == null");
    if (amount.isNegative()) throw new IllegalArgumentException("amount < 0: " + amount);
    now.updateAndGet(t -> t.plus(amount));
    return this;
  }

  /** Sets the time; it may go backward, as a wall clock stepped by NTP does. */
  public MutableClock set(Instant instant) {
    now.set(Objects.requireNonNull(instant, "instant == null"));
    return this;
  }

  @Override
  public Instant instant() {
    return now.get();
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  /** The same time line seen in another zone: advancing either moves both. */
  @Override
  public Clock withZone(ZoneId other) {
    return new MutableClock(now, Objects.requireNonNull(other, "zone == null"));
  }
}
