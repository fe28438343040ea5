package dev.analytics.spring;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;

/** Spring Boot 3's Actuator view of {@link AnalyticsHealth}, contributed as {@code analytics}. */
final class Boot3HealthIndicator implements HealthIndicator {
  private final AnalyticsHealth health;

  Boot3HealthIndicator(AnalyticsHealth health) {
    this.health = health;
  }

  @Override
  public Health health() {
    AnalyticsHealth.Assessment assessment = health.assess();
    return Health.status(new Status(assessment.status)).withDetails(assessment.details).build();
  }
}
