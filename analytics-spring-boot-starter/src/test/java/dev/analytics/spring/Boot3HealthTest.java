package dev.analytics.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.analytics.Analytics;
import dev.analytics.testing.RecordingSink;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The health indicator on Spring Boot 3.5's Actuator; runs only with {@code -Pboot3} (the default build
 * tests Boot 4's in {@link AnalyticsHealthTest}). The assessment itself is shared and tested there.
 */
class Boot3HealthTest {
  @TempDir Path dir;

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(AnalyticsAutoConfiguration.class, AnalyticsHealthAutoConfiguration.class,
          AnalyticsBoot3HealthAutoConfiguration.class))
      .withPropertyValues("analytics.close-timeout=100ms");

  @Test
  void downWhileASinkIsHeldAndUpWhenItClears() {
    runner.withBean(RecordingSink.class, RecordingSink::new)
        .withPropertyValues("analytics.directory=" + dir)
        .run(context -> {
          HealthIndicator indicator = context.getBean("analyticsHealthIndicator", HealthIndicator.class);
          assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
          SinkFaultTracker faults = context.getBean(SinkFaultTracker.class);
          faults.onSinkFault("recording", "HTTP 401");
          assertThat(indicator.health().getStatus()).isEqualTo(Status.DOWN);
          assertThat(indicator.health().getDetails()).containsKey("sinkFaults").containsKey("queuedRecords");
          faults.onSinkFaultCleared("recording");
          assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
        });
  }

  @Test
  void outOfServiceWhenTheQueueIsStale() {
    runner.withBean(TestSinks.Stalled.class, TestSinks.Stalled::new)
        .withPropertyValues("analytics.directory=" + dir, "analytics.health.max-queue-age=50ms")
        .run(context -> {
          HealthIndicator indicator = context.getBean("analyticsHealthIndicator", HealthIndicator.class);
          context.getBean(Analytics.class).emit(Map.of("event_type", "Stuck"));
          Waits.until("OUT_OF_SERVICE", () -> Status.OUT_OF_SERVICE.equals(indicator.health().getStatus()));
        });
  }

  @Test
  void switchedOffWithManagementHealthAnalyticsEnabled() {
    runner.withBean(RecordingSink.class, RecordingSink::new)
        .withPropertyValues("analytics.directory=" + dir, "management.health.analytics.enabled=false")
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean("analyticsHealthIndicator"));
  }
}
