/**
 * Micrometer metrics for an {@link dev.analytics.Analytics} instance:
 * {@link dev.analytics.micrometer.AnalyticsMetrics} (a {@code MeterBinder} over {@code stats()}) and
 * {@link dev.analytics.micrometer.MetricsListener} (retries, sink faults and dead letters per sink).
 */
module dev.analytics.micrometer {
  requires transitive dev.analytics.core;
  requires transitive micrometer.core;

  exports dev.analytics.micrometer;
}
