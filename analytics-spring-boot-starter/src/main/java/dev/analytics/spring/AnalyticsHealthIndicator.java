package dev.analytics.spring;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/** Actuator's view of {@link AnalyticsHealth}, contributed as {@code analytics}. */
final class AnalyticsHealthIndicator implements HealthIndicator {
  private final AnalyticsHealth health;

  AnalyticsHealthIndicator(AnalyticsHealth health) {
    this.health = health;
  }

  @Override
  public Health health() {
    AnalyticsHealth.Assessment assessment = health.assess();
    return Health.status(new Status(assessment.status)).withDetails(assessment.details).build();
  }
}
