package dev.analytics.spring;

import dev.analytics.Analytics;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;

/**
 * Meters from {@link Analytics#stats()} when Micrometer is on the class path; Spring Boot binds every
 * {@link MeterBinder} bean to its registries.
 */
@AutoConfiguration(after = AnalyticsAutoConfiguration.class)
@ConditionalOnClass(MeterBinder.class)
@ConditionalOnSingleCandidate(Analytics.class)
public class AnalyticsMetricsAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean(name = "analyticsMeterBinder")
  public MeterBinder analyticsMeterBinder(Analytics analytics, ObjectProvider<SinkFaultTracker> faults) {
    return new AnalyticsMeters(analytics, faults.getIfAvailable());
  }
}
