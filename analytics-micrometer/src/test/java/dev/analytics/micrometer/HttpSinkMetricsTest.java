package dev.analytics.micrometer;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.analytics.Analytics;
import dev.analytics.http.BodyMode;
import dev.analytics.http.HttpSink;
import dev.analytics.spi.Outcome;
import dev.analytics.spi.Record;
import dev.analytics.spi.Sink;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.time.Instant;
import dev.analytics.testing.Await;
import dev.analytics.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A known scenario through a real HttpSink and a receiver on loopback: 5 events delivered at once, 2
 * answered 503 then 200 (one in-request retry each), 2 refused with 400 (dead-lettered); one record per
 * request so the counts are exact. Every meter of the module is read: the core's (AnalyticsMetrics, per
 * sink too), the listener's (MetricsListener: delivery latency, dead letters) and the HTTP sink's.
 */
class HttpSinkMetricsTest {
  @TempDir Path dir;
  final WireMockServer receiver = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @BeforeEach
  void start() {
    receiver.start();
    receiver.stubFor(post(urlEqualTo("/collect")).atPriority(5).willReturn(aResponse().withStatus(200)));
    receiver.stubFor(post(urlEqualTo("/collect")).atPriority(1).withRequestBody(containing("\"bad\""))
        .willReturn(aResponse().withStatus(400).withBody("{\"error\":\"invalid event\"}")));
    for (int flaky = 1; flaky <= 2; flaky++) {
      receiver.stubFor(post(urlEqualTo("/collect")).atPriority(1).withRequestBody(containing("\"flaky\":" + flaky))
          .inScenario("flaky " + flaky).whenScenarioStateIs(STARTED).willSetStateTo("recovered")
          .willReturn(aResponse().withStatus(503)));
    }
  }

  @AfterEach
  void stop() {
    receiver.stop();
  }

  private HttpSink.Builder sink(HttpSinkMetrics metrics) {
    return HttpSink.builder().name("collector").endpoint("http://127.0.0.1:" + receiver.port() + "/collect")
        .bodyMode(BodyMode.perRecord()).maxBatchRecords(1).maxInFlight(1)
        .backoff(Duration.ofMillis(10), Duration.ofMillis(50)).requestListener(metrics);
  }

  private double requests(String status, String outcome) {
    var timer = registry.find("analytics.http.requests").tags("sink", "collector", "status", status, "outcome", outcome)
        .timer();
    return timer == null ? 0 : timer.count();
  }

  @Test
  void aKnownScenarioGivesKnownValues() {
    MutableClock clock = MutableClock.at(Instant.parse("2026-03-01T10:00:00Z"));
    Tags service = Tags.of("service", "checkout");
    HttpSinkMetrics http = new HttpSinkMetrics(registry, service);
    HttpSink sink = sink(http).build();
    http.bindRetries(sink);
    MetricsListener listener = MetricsListener.builder(registry).tags(service).sinks("collector").build();
    // Nothing is sent until the clock has moved 3 s on, so every record is delivered 3 s (by the
    // instance's clock) after its emit(). (A 300 ms answer delay used to stand for this gate: a test
    // thread paused longer than that on a busy machine would see the first record delivered at 0 s.)
    CompletableFuture<Void> clockMoved = new CompletableFuture<>();
    try (Analytics analytics = Analytics.builder().directory(dir).sink("collector", new GatedSink(sink, clockMoved))
        .listener(listener).clock(clock).retryBackoff(Duration.ofMillis(10), Duration.ofMillis(50)).build()) {
      new AnalyticsMetrics(analytics, service).bindTo(registry);
      for (int i = 0; i < 5; i++) analytics.emit(Map.of("n", i));
      analytics.emit(Map.of("flaky", 1));
      analytics.emit(Map.of("flaky", 2));
      analytics.emit(Map.of("bad", 1));
      analytics.emit(Map.of("bad", 2));
      clock.advance(Duration.ofSeconds(3));
      clockMoved.complete(null);
      assertThat(analytics.flush(Duration.ofSeconds(30))).as("flushed").isTrue();

      // The core, in all and for the sink.
      String[] tags = {"log", dir.getFileName().toString(), "service", "checkout"};
      assertThat(registry.get("analytics.events.emitted").tags(tags).functionCounter().count()).isEqualTo(9);
      assertThat(registry.get("analytics.records.delivered").tags(tags).functionCounter().count()).isEqualTo(7);
      assertThat(registry.get("analytics.records.dead.lettered").tags(tags).functionCounter().count()).isEqualTo(2);
      assertThat(registry.get("analytics.records.retried").tags(tags).functionCounter().count())
          .as("the HTTP sink's own retries succeeded: the core retried nothing").isZero();
      String[] sinkTags = {"sink", "collector", "service", "checkout"};
      assertThat(registry.get("analytics.sink.records.delivered").tags(sinkTags).functionCounter().count()).isEqualTo(7);
      assertThat(registry.get("analytics.sink.records.dead.lettered").tags(sinkTags).functionCounter().count())
          .isEqualTo(2);
      assertThat(registry.get("analytics.sink.records.retried").tags(sinkTags).functionCounter().count()).isZero();
      assertThat(registry.get("analytics.sink.queue.records").tags(sinkTags).gauge().value()).isZero();
      assertThat(registry.get("analytics.sink.queue.bytes").tags(sinkTags).gauge().value()).isZero();
      assertThat(registry.get("analytics.sink.cursor").tags(sinkTags).gauge().value())
          .isEqualTo(analytics.stats().sinks().get("collector").cursor());

      // resilience4j's meters live as long as the sink's Retry: read them before close.
      assertThat(registry.get("resilience4j.retry.calls").tags("name", "analytics-http-collector",
          "kind", "successful_with_retry").functionCounter().count()).isEqualTo(2);

      // The listener's: one latency sample per acknowledged batch (one record each here).
      Await.until(Duration.ofSeconds(10), () -> registry.get("analytics.delivery.latency").tags(sinkTags).timer()
          .count() == 7 && registry.get("analytics.sink.dead.letters").tags(sinkTags).counter().count() == 2,
          "the listener heard 7 deliveries and 2 dead letters");
      var latency = registry.get("analytics.delivery.latency").tags(sinkTags).timer();
      assertThat(latency.max(TimeUnit.SECONDS)).isEqualTo(3);
      assertThat(latency.totalTime(TimeUnit.SECONDS)).isEqualTo(21);
      assertThat(latency.takeSnapshot().percentileValues()).extracting(v -> v.percentile())
          .containsExactly(0.5, 0.9, 0.99);
    }

    // The HTTP sink's: 5 + 2 first answers 2xx, 2 answers 503 then retried in-request, 2 answers 400.
    assertThat(requests("2xx", "SUCCESS")).isEqualTo(7);
    assertThat(requests("5xx", "SERVER_ERROR")).isEqualTo(2);
    assertThat(requests("4xx", "CLIENT_ERROR")).isEqualTo(2);
    assertThat(registry.get("analytics.http.requests").tag("service", "checkout").tag("exception", "none").timers())
        .allSatisfy(timer -> assertThat(timer.totalTime(TimeUnit.NANOSECONDS)).isPositive());
    var records = registry.get("analytics.http.request.records").tag("sink", "collector").summary();
    assertThat(records.count()).isEqualTo(11);
    assertThat(records.totalAmount()).isEqualTo(11);
    var bytes = registry.get("analytics.http.request.bytes").tag("sink", "collector").summary();
    assertThat(bytes.count()).isEqualTo(11);
    assertThat(bytes.max()).isPositive();
    assertThat(registry.find("analytics.http.request.gzip.ratio").summary()).as("bodies under gzipMinBytes").isNull();
    assertThat(registry.find("resilience4j.retry.calls").meters()).as("removed with the sink's Retry at close").isEmpty();
  }

  /** {@code delegate}, but every batch waits for {@code gate} before it is sent. */
  private static final class GatedSink implements Sink {
    private final HttpSink delegate;
    private final CompletableFuture<Void> gate;

    GatedSink(HttpSink delegate, CompletableFuture<Void> gate) {
      this.delegate = delegate;
      this.gate = gate;
    }

    @Override
    public CompletionStage<List<Outcome>> send(List<Record> batch) {
      return gate.thenCompose(open -> delegate.send(batch));
    }

    @Override
    public void open(Context context) {
      delegate.open(context);
    }

    @Override
    public int maxBatchRecords() {
      return delegate.maxBatchRecords();
    }

    @Override
    public Duration linger() {
      return delegate.linger();
    }

    @Override
    public int maxInFlight() {
      return delegate.maxInFlight();
    }

    @Override
    public String redact(String text) {
      return delegate.redact(text);
    }

    @Override
    public String describe() {
      return delegate.describe();
    }

    @Override
    public void close() {
      delegate.close();
    }
  }

  @Test
  void gzippedBodiesRecordTheirRatio() {
    HttpSinkMetrics metrics = new HttpSinkMetrics(registry);
    HttpSink http = sink(metrics).gzipMinBytes(0).build();
    try (Analytics analytics = Analytics.builder().directory(dir).sink("collector", http).build()) {
      analytics.emit(Map.of("text", "a fairly repetitive event ".repeat(40)));
      assertThat(analytics.flush(Duration.ofSeconds(20))).as("flushed").isTrue();
    }
    var ratio = registry.get("analytics.http.request.gzip.ratio").tag("sink", "collector").summary();
    assertThat(ratio.count()).isEqualTo(1);
    assertThat(ratio.max()).isGreaterThan(0).isLessThan(0.5);
  }
}
