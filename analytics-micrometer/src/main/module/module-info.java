/**
 * Micrometer metrics for an {@link dev.analytics.Analytics} instance:
 * {@link dev.analytics.micrometer.AnalyticsMetrics} (a {@code MeterBinder} over {@code stats()}),
 * {@link dev.analytics.micrometer.MetricsListener} (retries, sink faults and dead letters per sink) and
 * {@link dev.analytics.micrometer.HttpSinkMetrics} (the HTTP sink's requests, with analytics-http).
 */
module dev.analytics.micrometer {
  requires transitive dev.analytics.core;
  requires transitive micrometer.core;
  // Optional: HttpSinkMetrics only, and its bindRetries (resilience4j's own retry meters).
  requires static dev.analytics.http;
  requires static io.github.resilience4j.micrometer;

  exports dev.analytics.micrometer;
}
