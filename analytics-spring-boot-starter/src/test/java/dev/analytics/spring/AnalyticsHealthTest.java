package dev.analytics.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.analytics.Analytics;
import dev.analytics.spi.Listener;
import dev.analytics.testing.RecordingSink;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The {@code analytics} health indicator: UP, DOWN on a sink's configuration fault, stale queue status. */
class AnalyticsHealthTest {
  @TempDir Path dir;
  private final LoopbackReceiver receiver = new LoopbackReceiver();

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      // Both adapters: on Boot 4 the Boot 3 one must stand aside (its HealthIndicator type is absent).
      .withConfiguration(AutoConfigurations.of(AnalyticsAutoConfiguration.class, AnalyticsHealthAutoConfiguration.class,
          AnalyticsBoot3HealthAutoConfiguration.class))
      .withPropertyValues("analytics.close-timeout=100ms");

  @AfterEach
  void stopReceiver() {
    receiver.close();
  }

  @Test
  void upWithQueueDepthAndDeadLetterCountInTheDetails() {
    runner.withBean(RecordingSink.class, RecordingSink::new)
        .withPropertyValues("analytics.directory=" + dir)
        .run(context -> {
          Health health = health(context);
          assertThat(health.getStatus()).isEqualTo(Status.UP);
          assertThat(health.getDetails()).containsEntry("queuedRecords", 0L).containsEntry("deadLettered", 0L)
              .containsKeys("queuedBytes", "oldestQueuedAge", "dropped", "storageErrors");
        });
  }

  @Test
  void downWhileTheSinkIsHeldByAnAuthenticationFaultThenUpWhenItClears() {
    receiver.answer(401, "{\"code\":401,\"error\":\"unauthorized\"}");
    runner.withPropertyValues("analytics.directory=" + dir, "analytics.http.endpoint=" + receiver.endpoint(),
            "analytics.http.fault-retry-delay=50ms", "analytics.retry-backoff-min=10ms",
            "analytics.retry-backoff-max=50ms")
        // A user's listener that throws must not keep the tracker from hearing the fault.
        .withBean("throwingListener", Listener.class, () -> new Listener() {
          @Override
          public void onSinkFault(String sink, String message) {
            throw new IllegalStateException("a broken user listener");
          }
        })
        .run(context -> {
          context.getBean(Analytics.class).emit(Map.of("event_type", "Held", "user_id", "user-00003"));
          Waits.until("health DOWN", () -> Status.DOWN.equals(health(context).getStatus()), () -> health(context));
          Health down = health(context);
          assertThat(down.getDetails()).containsKey("sinkFaults").containsEntry("queuedRecords", 1L);
          assertThat(String.valueOf(down.getDetails().get("sinkFaults"))).contains("http");

          receiver.answer(200, "{\"code\":200}");
          Waits.until("health UP after the fault clears", () -> Status.UP.equals(health(context).getStatus()),
              () -> health(context));
          assertThat(receiver.accepted()).hasSize(1); // held, not dead-lettered: delivered once the key works
          assertThat(health(context).getDetails()).containsEntry("deadLettered", 0L);
        });
  }

  @Test
  void outOfServiceWhenTheOldestQueuedRecordIsOlderThanTheThreshold() {
    runner.withBean(TestSinks.Stalled.class, TestSinks.Stalled::new)
        .withPropertyValues("analytics.directory=" + dir, "analytics.health.max-queue-age=50ms")
        .run(context -> {
          context.getBean(Analytics.class).emit(Map.of("event_type", "Stuck"));
          Waits.until("health OUT_OF_SERVICE", () -> Status.OUT_OF_SERVICE.equals(health(context).getStatus()),
              () -> health(context));
          assertThat(health(context).getDetails()).containsEntry("queuedRecords", 1L)
              .hasEntrySatisfying("reason", r -> assertThat(r.toString()).contains("analytics.health.max-queue-age"));
        });
  }

  @Test
  void theStaleStatusIsConfigurable() {
    runner.withBean(TestSinks.Stalled.class, TestSinks.Stalled::new)
        .withPropertyValues("analytics.directory=" + dir, "analytics.health.max-queue-age=50ms",
            "analytics.health.stale-status=DEGRADED")
        .run(context -> {
          context.getBean(Analytics.class).emit(Map.of("event_type", "Stuck"));
          Waits.until("health DEGRADED", () -> "DEGRADED".equals(health(context).getStatus().getCode()),
              () -> health(context));
        });
  }

  @Test
  void switchedOffWithManagementHealthAnalyticsEnabled() {
    runner.withBean(RecordingSink.class, RecordingSink::new)
        .withPropertyValues("analytics.directory=" + dir, "management.health.analytics.enabled=false")
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean("analyticsHealthIndicator"));
  }

  @Test
  void aBlankStaleStatusNamesTheProperty() {
    runner.withBean(RecordingSink.class, RecordingSink::new)
        .withPropertyValues("analytics.directory=" + dir, "analytics.health.stale-status= ")
        .run(context -> StartupFailureTest.assertFailure(context, "analytics.health.stale-status", "required"));
  }

  private static Health health(AssertableApplicationContext context) {
    return context.getBean("analyticsHealthIndicator", HealthIndicator.class).health();
  }
}
