package dev.analytics.spi;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link Sink} did with one record of a batch: {@linkplain #delivered() delivered},
 * {@linkplain #retryLater() retry later} (optionally not before a given delay), or
 * {@linkplain #rejected(String) rejected} with a reason, in which case the record can never succeed as
 * it is and goes to the dead-letter log.
 */
public final class Outcome {
  /** The three things that can happen to a record. */
  public enum Kind {
    DELIVERED,
    RETRY,
    REJECTED
  }

  private static final Outcome DELIVERED = new Outcome(Kind.DELIVERED, null, null);
  private static final Outcome RETRY = new Outcome(Kind.RETRY, null, null);

  private final Kind kind;
  private final Duration retryAfter;
  private final String reason;

  private Outcome(Kind kind, Duration retryAfter, String reason) {
    this.kind = kind;
    this.retryAfter = retryAfter;
    this.reason = reason;
  }

  /** The endpoint accepted the record. */
  public static Outcome delivered() {
    return DELIVERED;
  }

  /** Not delivered yet; the dispatcher retries with its backoff. Nothing is ever dropped. */
  public static Outcome retryLater() {
    return RETRY;
  }

  /** Not delivered yet; retry no sooner than {@code delay} (for example from {@code Retry-After}). */
  public static Outcome retryAfter(Duration delay) {
    Objects.requireNonNull(delay, "delay == null");
    if (delay.isNegative()) throw new IllegalArgumentException("delay < 0: " + delay);
    return new Outcome(Kind.RETRY, delay, null);
  }

  /** Not deliverable as it is (for example a 400 naming this event); it is dead-lettered with the reason. */
  public static Outcome rejected(String reason) {
    Objects.requireNonNull(reason, "reason == null");
    return new Outcome(Kind.REJECTED, null, reason);
  }

  public Kind kind() {
    return kind;
  }

  /** The earliest time to retry, when the sink knows one. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  /** Why the record was rejected; empty unless {@link #kind()} is {@code REJECTED}. */
  public Optional<String> reason() {
    return Optional.ofNullable(reason);
  }

  @Override
  public String toString() {
    switch (kind) {
      case DELIVERED:
        return "delivered";
      case RETRY:
        return retryAfter == null ? "retry" : "retry after " + retryAfter;
      default:
        return "rejected: " + reason;
    }
  }
}
