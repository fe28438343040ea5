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
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A known scenario through a real HttpSink and a receiver on loopback: 5 events delivered at once, 1
 * answered 503 then 200 (one in-request retry), 2 refused with 400 (dead-lettered); one record per
 * request so the counts are exact.
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
    receiver.stubFor(post(urlEqualTo("/collect")).atPriority(1).withRequestBody(containing("\"flaky\""))
        .inScenario("flaky").whenScenarioStateIs(STARTED).willSetStateTo("recovered")
        .willReturn(aResponse().withStatus(503)));
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
  void countsRequestsByStatusTheirSizesAndResilience4jRetries() {
    HttpSinkMetrics metrics = new HttpSinkMetrics(registry, Tags.of("service", "checkout"));
    HttpSink http = sink(metrics).build();
    metrics.bindRetries(http);
    try (Analytics analytics = Analytics.builder().directory(dir).sink("collector", http)
        .retryBackoff(Duration.ofMillis(10), Duration.ofMillis(50)).build()) {
      for (int i = 0; i < 5; i++) analytics.emit(Map.of("n", i));
      analytics.emit(Map.of("flaky", true));
      analytics.emit(Map.of("bad", 1));
      analytics.emit(Map.of("bad", 2));
      assertThat(analytics.flush(Duration.ofSeconds(20))).as("flushed").isTrue();
      assertThat(analytics.stats().delivered()).isEqualTo(6);
      assertThat(analytics.stats().deadLettered()).isEqualTo(2);
      // resilience4j's meters live as long as the sink's Retry: read them before close.
      assertThat(registry.get("resilience4j.retry.calls").tags("name", "analytics-http-collector",
          "kind", "successful_with_retry").functionCounter().count()).isEqualTo(1);
    }

    assertThat(requests("2xx", "SUCCESS")).isEqualTo(6);
    assertThat(requests("5xx", "SERVER_ERROR")).isEqualTo(1);
    assertThat(requests("4xx", "CLIENT_ERROR")).isEqualTo(2);
    assertThat(registry.get("analytics.http.requests").tag("service", "checkout").tag("exception", "none").timers())
        .allSatisfy(timer -> assertThat(timer.totalTime(java.util.concurrent.TimeUnit.NANOSECONDS)).isPositive());
    var records = registry.get("analytics.http.request.records").tag("sink", "collector").summary();
    assertThat(records.count()).isEqualTo(9);
    assertThat(records.totalAmount()).isEqualTo(9);
    var bytes = registry.get("analytics.http.request.bytes").tag("sink", "collector").summary();
    assertThat(bytes.count()).isEqualTo(9);
    assertThat(bytes.max()).isPositive();
    assertThat(registry.find("analytics.http.request.gzip.ratio").summary()).as("bodies under gzipMinBytes").isNull();

    assertThat(registry.find("resilience4j.retry.calls").meters()).as("removed with the sink's Retry at close").isEmpty();
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
