package dev.analytics.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.analytics.Analytics;
import dev.analytics.testing.RecordingSink;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The meter binder registered when Micrometer is on the class path. */
class AnalyticsMetersTest {
  @TempDir Path dir;

  private final ApplicationContextRunner contexts = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(AnalyticsAutoConfiguration.class, AnalyticsMetricsAutoConfiguration.class));

  /** Per test: the temporary directory is injected after the fields are initialized. */
  private ApplicationContextRunner runner() {
    return contexts.withPropertyValues("analytics.directory=" + dir);
  }

  @Test
  void countersAndQueueGaugesFollowStats() {
    runner().withBean(RecordingSink.class, RecordingSink::new).run(context -> {
      MeterRegistry registry = new SimpleMeterRegistry();
      context.getBean("analyticsMeterBinder", MeterBinder.class).bindTo(registry);
      Analytics analytics = context.getBean(Analytics.class);
      for (int i = 0; i < 3; i++) analytics.emit(Map.of("event_type", "Metered", "n", i));
      Waits.until("3 delivered", () -> registry.get("analytics.records.delivered").functionCounter().count() == 3.0,
          () -> analytics.stats() + " delivered counter " + registry.get("analytics.records.delivered").functionCounter().count());
      assertThat(registry.get("analytics.events.emitted").functionCounter().count()).isEqualTo(3.0);
      // A record counts as delivered when the sink answers; it leaves the queue when the dispatcher then
      // moves its cursor past it, a moment later.
      Waits.until("the queue empties", () -> registry.get("analytics.queue.records").gauge().value() == 0.0,
          () -> analytics.stats().toString());
      assertThat(registry.get("analytics.sinks.faulted").gauge().value()).isEqualTo(0.0);
      assertThat(registry.get("analytics.records.dead.lettered").functionCounter().count()).isEqualTo(0.0);
      // analytics-micrometer's meters: per sink, and the listener's, which the starter's instance feeds.
      String sink = analytics.stats().sinks().keySet().iterator().next();
      assertThat(registry.get("analytics.sink.records.delivered").tag("sink", sink).functionCounter().count())
          .isEqualTo(3.0);
      assertThat(registry.get("analytics.sink.queue.records").tag("sink", sink).gauge().value()).isEqualTo(0.0);
      Waits.until("the delivery latency timer counts the acknowledgements",
          () -> registry.get("analytics.delivery.latency").tag("sink", sink).timer().count() >= 1);
      assertThat(registry.get("analytics.sink.fault").tag("sink", sink).gauge().value()).isEqualTo(0.0);
    });
  }

  @Test
  void theHttpSinkBuiltFromPropertiesFeedsTheRequestMeters() {
    try (LoopbackReceiver receiver = new LoopbackReceiver()) {
      runner().withPropertyValues("analytics.http.endpoint=" + receiver.endpoint(), "analytics.http.name=collector",
              "analytics.http.adaptive-concurrency=false")
          .run(context -> assertRequestMetersCountWhatIsSent(context, receiver));
    }
  }

  @Test
  void theHttpSinkOfAConnectorFileFeedsTheRequestMetersToo() throws Exception {
    Path file = dir.resolve("amplitude-connector.yaml");
    Files.copy(Path.of("src/test/resources/amplitude-connector.yaml"), file);
    try (LoopbackReceiver receiver = new LoopbackReceiver()) {
      contexts.withPropertyValues("analytics.connector-file=" + file, "analytics.directory=" + dir.resolve("logs"),
              "analytics.endpoint=" + receiver.endpoint(), "AMPLITUDE_API_TOKEN=api-key-for-the-meters-test")
          .run(context -> assertRequestMetersCountWhatIsSent(context, receiver));
    }
  }

  /** Emits 3 events; the sink's request meters (tagged with its name) must count them and every request. */
  private static void assertRequestMetersCountWhatIsSent(AssertableApplicationContext context, LoopbackReceiver receiver) {
    assertThat(context).hasNotFailed();
    MeterRegistry registry = new SimpleMeterRegistry();
    context.getBean("analyticsMeterBinder", MeterBinder.class).bindTo(registry);
    Analytics analytics = context.getBean(Analytics.class);
    for (int i = 0; i < 3; i++) analytics.emit(Map.of("event_type", "Posted", "n", i));
    String sink = analytics.stats().sinks().keySet().iterator().next();
    Waits.until("the request meters count the 3 records sent", () -> registry.find("analytics.http.request.records")
        .tag("sink", sink).summary() != null
        && registry.get("analytics.http.request.records").tag("sink", sink).summary().totalAmount() == 3.0,
        () -> registry.getMeters().stream().map(m -> m.getId().toString()).toList().toString());
    assertThat(receiver.accepted()).isNotEmpty();
    assertThat(registry.get("analytics.http.requests").tag("sink", sink).tag("status", "2xx")
        .timer().count()).isEqualTo(receiver.accepted().size());
  }

  @Test
  void queueGaugesShowWhatIsWaiting() {
    runner().withBean(TestSinks.Stalled.class, TestSinks.Stalled::new)
        .withPropertyValues("analytics.close-timeout=100ms")
        .run(context -> {
          MeterRegistry registry = new SimpleMeterRegistry();
          context.getBean("analyticsMeterBinder", MeterBinder.class).bindTo(registry);
          context.getBean(Analytics.class).emit(Map.of("event_type", "Waiting"));
          assertThat(registry.get("analytics.queue.records").gauge().value()).isEqualTo(1.0);
          assertThat(registry.get("analytics.queue.bytes").gauge().value()).isPositive();
          Waits.until("the oldest record ages", () -> registry.get("analytics.queue.oldest.age").timeGauge()
              .value(java.util.concurrent.TimeUnit.MILLISECONDS) > 0);
        });
  }
}
