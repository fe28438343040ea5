package dev.analytics.spring;

import dev.analytics.Analytics;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The Actuator health indicator {@code analytics} (Spring Boot 4's health module), for the context's one
 * {@link Analytics}; {@code management.health.analytics.enabled=false} switches it off.
 */
@AutoConfiguration(after = AnalyticsAutoConfiguration.class)
@ConditionalOnClass({HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class})
@ConditionalOnSingleCandidate(Analytics.class)
@ConditionalOnEnabledHealthIndicator("analytics")
@EnableConfigurationProperties(AnalyticsProperties.class)
public class AnalyticsHealthAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean(name = "analyticsHealthIndicator")
  public HealthIndicator analyticsHealthIndicator(
      Analytics analytics, ObjectProvider<SinkFaultTracker> faults, AnalyticsProperties properties) {
    AnalyticsProperties.Health health = properties.getHealth();
    if (health.getStaleStatus() == null || health.getStaleStatus().isBlank()) {
      throw new InvalidConfigurationPropertyValueException("analytics.health.stale-status",
          health.getStaleStatus(), "required: a status code such as OUT_OF_SERVICE or DOWN");
    }
    if (health.getMaxQueueAge() != null && health.getMaxQueueAge().isNegative()) {
      throw new InvalidConfigurationPropertyValueException("analytics.health.max-queue-age",
          health.getMaxQueueAge(), "must not be negative");
    }
    return new AnalyticsHealthIndicator(new AnalyticsHealth(analytics, faults.getIfAvailable(),
        health.getMaxQueueAge(), health.getStaleStatus().trim()));
  }
}
