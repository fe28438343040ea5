package dev.analytics.spring;

import dev.analytics.Analytics;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * analytics-micrometer's meters when Micrometer is on the class path; Spring Boot binds every
 * {@link MeterBinder} bean to its registries. The bean sits in a nested class so that nothing of
 * Micrometer is loaded where it is absent.
 */
@AutoConfiguration(after = AnalyticsAutoConfiguration.class)
@ConditionalOnClass(name = "io.micrometer.core.instrument.binder.MeterBinder")
@ConditionalOnSingleCandidate(Analytics.class)
public class AnalyticsMetricsAutoConfiguration {

  @Configuration(proxyBeanMethods = false)
  static class Meters {
    /** Typed as its class, so that the starter's instance finds it among its listeners. */
    @Bean
    @ConditionalOnMissingBean(name = "analyticsMeterBinder")
    AnalyticsMeters analyticsMeterBinder(ObjectProvider<Analytics> analytics, ObjectProvider<SinkFaultTracker> faults) {
      return new AnalyticsMeters(analytics::getObject, faults.getIfAvailable());
    }
  }
}
