/**
 * Micrometer metrics for an {@link dev.analytics.Analytics} instance.
 *
 * <pre>{@code
 * MetricsListener listener = MetricsListener.builder(registry).build();
 * Analytics analytics = Analytics.builder()
 *     .directory(dir).sink("amplitude", sink)
 *     .listener(listener)
 *     .build();
 * new AnalyticsMetrics(analytics).bindTo(registry);
 * }</pre>
 */
package dev.analytics.micrometer;
