package dev.analytics.spring;

import dev.analytics.Analytics;

/**
 * A bean that adjusts the {@link Analytics.Builder} after the starter has applied the properties (or the
 * connector file) and before it builds: an {@code ObjectMapper}, a clock, one more sink. Customizers run
 * in {@link org.springframework.core.annotation.Order @Order}.
 */
@FunctionalInterface
public interface AnalyticsBuilderCustomizer {
  void customize(Analytics.Builder builder);
}
