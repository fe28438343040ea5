package dev.analytics.spring;

import dev.analytics.Analytics;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The health indicator {@code analytics} on Spring Boot 3.5, whose Actuator keeps {@link HealthIndicator} in
 * {@code org.springframework.boot.actuate.health} (Boot 4 moved it to its health module: see
 * {@link AnalyticsHealthAutoConfiguration}). Exactly one of the two applies, by the class present;
 * {@code management.health.analytics.enabled=false} switches it off.
 */
@AutoConfiguration(after = AnalyticsAutoConfiguration.class)
@ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthIndicator")
@ConditionalOnSingleCandidate(Analytics.class)
@ConditionalOnProperty(prefix = "management.health.analytics", name = "enabled", havingValue = "true",
    matchIfMissing = true)
@EnableConfigurationProperties(AnalyticsProperties.class)
public class AnalyticsBoot3HealthAutoConfiguration {

  @Configuration(proxyBeanMethods = false)
  static class Boot3Health {
    @Bean
    @ConditionalOnMissingBean(name = "analyticsHealthIndicator")
    HealthIndicator analyticsHealthIndicator(
        Analytics analytics, ObjectProvider<SinkFaultTracker> faults, AnalyticsProperties properties) {
      return new Boot3HealthIndicator(AnalyticsHealth.from(analytics, faults.getIfAvailable(), properties));
    }
  }
}
