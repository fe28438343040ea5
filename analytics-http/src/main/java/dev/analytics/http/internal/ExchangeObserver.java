package dev.analytics.http.internal;

import java.time.Duration;

/**
 * Hears each HTTP exchange, for {@code HttpSink}'s public {@code RequestListener}, which it adapts: the
 * internals name no type of the public package (no package cycle).
 */
@FunctionalInterface
public interface ExchangeObserver {
  /** Adds no link to the chain. */
  ExchangeObserver NONE = (sink, status, error, duration, records, serializedBytes, sentBytes) -> {};

  /** {@code status} is -1 and {@code error} the failure's simple class name when there was no response. */
  void observe(String sink, int status, String error, Duration duration, int records, long serializedBytes,
      long sentBytes);
}
