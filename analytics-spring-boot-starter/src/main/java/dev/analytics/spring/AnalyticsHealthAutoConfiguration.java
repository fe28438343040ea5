package dev.analytics.spring;

import dev.analytics.Analytics;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The Actuator health indicator {@code analytics} on Spring Boot 4 (its health module), for the context's
 * one {@link Analytics}; {@code management.health.analytics.enabled=false} switches it off. The bean sits
 * in a nested class so that nothing of Boot 4's health API is loaded where it is absent (Boot 3.5:
 * {@link AnalyticsBoot3HealthAutoConfiguration} applies there).
 */
@AutoConfiguration(after = AnalyticsAutoConfiguration.class)
@ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
@ConditionalOnSingleCandidate(Analytics.class)
@EnableConfigurationProperties(AnalyticsProperties.class)
public class AnalyticsHealthAutoConfiguration {

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnEnabledHealthIndicator("analytics")
  static class Boot4Health {
    @Bean
    @ConditionalOnMissingBean(name = "analyticsHealthIndicator")
    HealthIndicator analyticsHealthIndicator(
        Analytics analytics, ObjectProvider<SinkFaultTracker> faults, AnalyticsProperties properties) {
      return new AnalyticsHealthIndicator(AnalyticsHealth.from(analytics, faults.getIfAvailable(), properties));
    }
  }
}
