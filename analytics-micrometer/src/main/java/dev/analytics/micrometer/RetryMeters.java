package dev.analytics.micrometer;

import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.core.instrument.MeterRegistry;

/** The only class that names resilience4j-micrometer: loaded only once {@link HttpSinkMetrics} found it. */
final class RetryMeters {
  private RetryMeters() {}

  /** resilience4j's meters carry its own tags ({@code name}, {@code kind}), not this module's. */
  static void bind(RetryRegistry retries, MeterRegistry registry) {
    TaggedRetryMetrics.ofRetryRegistry(retries).bindTo(registry);
  }
}
