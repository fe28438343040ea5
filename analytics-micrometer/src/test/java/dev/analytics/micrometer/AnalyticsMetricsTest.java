package dev.analytics.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.analytics.Analytics;
import dev.analytics.spi.Outcome;
import dev.analytics.spi.Record;
import dev.analytics.spi.Sink;
import dev.analytics.testing.Await;
import dev.analytics.testing.MutableClock;
import dev.analytics.testing.RecordingSink;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AnalyticsMetricsTest {
  @TempDir Path base;

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  private double counter(String name, String... tags) {
    return registry.get(name).tags(tags).functionCounter().count();
  }

  private double listenerCounter(String name, String sink) {
    return registry.get(name).tag(MetricsListener.SINK_TAG, sink).counter().count();
  }

  private double gauge(String name, String... tags) {
    return registry.get(name).tags(tags).gauge().value();
  }

  @Test
  void countsAKnownScenario() {
    // 10 events delivered at once, 2 rejected (dead-lettered), 1 answered "retry later" once, then delivered.
    Set<String> retriedOnce = ConcurrentHashMap.newKeySet();
    RecordingSink sink = new RecordingSink().respondWith(record -> {
      var event = record.value().path("event");
      if (event.path("bad").asBoolean()) return Outcome.rejected("400 invalid");
      if (event.path("flaky").asBoolean() && retriedOnce.add(record.id())) return Outcome.retryLater();
      return Outcome.delivered();
    });
    MetricsListener listener = MetricsListener.builder(registry).tags(Tags.of("service", "checkout")).build();
    try (Analytics analytics = Analytics.builder().directory(base.resolve("events")).sink("amplitude", sink)
        .listener(listener).retryBackoff(Duration.ofMillis(10), Duration.ofMillis(50)).build()) {
      new AnalyticsMetrics(analytics, Tags.of("service", "checkout")).bindTo(registry);
      for (int i = 0; i < 10; i++) analytics.emit(Map.of("n", i));
      analytics.emit(Map.of("bad", true));
      analytics.emit(Map.of("bad", true));
      analytics.emit(Map.of("flaky", true));
      assertThat(analytics.flush(Duration.ofSeconds(20))).as("flushed").isTrue();
      Await.until(Duration.ofSeconds(10), () -> registry.find("analytics.sink.dead.letters").counter() != null
          && listenerCounter("analytics.sink.dead.letters", "amplitude") == 2, "listener heard 2 dead letters");

      String[] tags = {"log", "events", "service", "checkout"};
      assertThat(counter("analytics.events.emitted", tags)).isEqualTo(13);
      assertThat(counter("analytics.records.delivered", tags)).isEqualTo(11);
      assertThat(counter("analytics.records.dead.lettered", tags)).isEqualTo(2);
      assertThat(counter("analytics.records.retried", tags)).isEqualTo(1);
      assertThat(counter("analytics.events.dropped", tags)).isZero();
      assertThat(counter("analytics.records.corrupt.skipped", tags)).isZero();
      assertThat(counter("analytics.storage.errors", tags)).isZero();
      assertThat(gauge("analytics.queue.records", tags)).isZero();
      assertThat(gauge("analytics.queue.bytes", tags)).isZero();
      assertThat(registry.get("analytics.queue.oldest.age").tags(tags).timeGauge().value(TimeUnit.SECONDS)).isZero();

      // Every meter of the sink was registered with the first callback (a dead letter): wait for the retry's
      // own callback, which the listener thread may run after the dead letters'.
      Await.until(Duration.ofSeconds(10), () -> listenerCounter("analytics.sink.retries", "amplitude") >= 1
          && listenerCounter("analytics.sink.retried.records", "amplitude") >= 1, "listener heard the retry");
      assertThat(listenerCounter("analytics.sink.retried.records", "amplitude")).isEqualTo(1);
      assertThat(listenerCounter("analytics.sink.retries", "amplitude")).isEqualTo(1);
      assertThat(registry.get("analytics.sink.dead.letters").tag("service", "checkout").counter().count()).isEqualTo(2);
    }
  }

  @Test
  void queueGaugesShowTheBacklogAndTheOldestRecordsAge() {
    MutableClock clock = MutableClock.at(Instant.parse("2026-03-01T10:00:00Z"));
    RecordingSink held = new RecordingSink().respondWith(record -> Outcome.retryLater());
    try (Analytics analytics = Analytics.builder().directory(base.resolve("held")).sink("amplitude", held)
        .clock(clock).closeTimeout(Duration.ZERO).retryBackoff(Duration.ofHours(1), Duration.ofHours(1)).build()) {
      new AnalyticsMetrics(analytics).bindTo(registry);
      for (int i = 0; i < 5; i++) analytics.emit(Map.of("n", i));
      Await.until(Duration.ofSeconds(10), () -> !held.sent().isEmpty(), "the first batch sent and held");
      clock.advance(Duration.ofSeconds(90));

      assertThat(gauge("analytics.queue.records", "log", "held")).isEqualTo(5);
      assertThat(gauge("analytics.queue.bytes", "log", "held")).isPositive();
      // The dispatcher notes the oldest pending record's time right after it sends the batch.
      Await.until(Duration.ofSeconds(10), () -> registry.get("analytics.queue.oldest.age").tag("log", "held")
          .timeGauge().value(TimeUnit.SECONDS) == 90, "oldest queued age 90 s");
    }
  }

  @Test
  void theFaultGaugeIsOneWhileTheSinkReportsAFaultAndZeroAfter() {
    FaultySink sink = new FaultySink();
    MetricsListener listener = MetricsListener.builder(registry).sinks("amplitude").build();
    assertThat(registry.get("analytics.sink.fault").tag("sink", "amplitude").gauge().value()).as("registered at once").isZero();
    try (Analytics analytics = Analytics.builder().directory(base.resolve("faulty")).sink("amplitude", sink)
        .listener(listener).build()) {
      Await.until(Duration.ofSeconds(10), () -> sink.context.get() != null, "sink opened");

      sink.context.get().reportFault("401 invalid api key");
      // The listener sets the gauge, then counts the fault: wait for both.
      Await.until(Duration.ofSeconds(10),
          () -> registry.get("analytics.sink.fault").tag("sink", "amplitude").gauge().value() == 1
              && listenerCounter("analytics.sink.faults", "amplitude") >= 1, "fault gauge 1 and the fault counted");
      assertThat(listenerCounter("analytics.sink.faults", "amplitude")).isEqualTo(1);

      sink.context.get().clearFault();
      Await.until(Duration.ofSeconds(10),
          () -> registry.get("analytics.sink.fault").tag("sink", "amplitude").gauge().value() == 0, "fault gauge 0");
      assertThat(analytics.stats().emitted()).isZero();
    }
  }

  @Test
  void forwardsEveryCallToTheNextListener() {
    List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
    dev.analytics.spi.Listener next = new dev.analytics.spi.Listener() {
      @Override
      public void onDeadLetter(dev.analytics.spi.DeadLetter letter) {
        heard.add("dead " + letter.sink());
      }
    };
    RecordingSink sink = new RecordingSink().respondWith(record -> Outcome.rejected("400"));
    try (Analytics analytics = Analytics.builder().directory(base.resolve("fwd")).sink("s", sink)
        .listener(MetricsListener.builder(registry).forwardTo(next).build()).build()) {
      analytics.emit(Map.of("n", 1));
      Await.until(Duration.ofSeconds(10), () -> heard.contains("dead s"), "forwarded dead letter");
      assertThat(listenerCounter("analytics.sink.dead.letters", "s")).isEqualTo(1);
    }
  }

  /** A sink whose test drives its fault reports through the context the core gives it. */
  private static final class FaultySink implements Sink {
    final AtomicReference<Context> context = new AtomicReference<>();

    @Override
    public void open(Context context) {
      this.context.set(context);
    }

    @Override
    public CompletionStage<List<Outcome>> send(List<Record> batch) {
      return java.util.concurrent.CompletableFuture.completedFuture(
          batch.stream().map(r -> Outcome.delivered()).toList());
    }
  }
}
