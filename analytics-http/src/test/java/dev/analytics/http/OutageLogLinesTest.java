package dev.analytics.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.analytics.http.testing.HttpTesting.kinds;
import static dev.analytics.http.testing.HttpTesting.seedRecords;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.analytics.spi.Outcome;
import dev.analytics.spi.Outcome.Kind;
import dev.analytics.http.testing.HttpTesting.LogCapture;
import dev.analytics.http.testing.HttpTesting.RecordingContext;
import dev.analytics.http.testing.HttpTesting.RecordingScheduler;
import dev.analytics.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An outage of the endpoint logs one line when it starts, a summary at most once a minute while it
 * lasts, and one line when it ends: never a line per failed request. The clock is driven by the test.
 */
class OutageLogLinesTest {
  final WireMockServer receiver = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
  final MutableClock clock = MutableClock.at(Instant.parse("2026-03-01T10:00:00Z"));
  final RecordingScheduler scheduler = new RecordingScheduler();
  HttpSink sink;

  @BeforeEach
  void start() {
    receiver.start();
    receiver.stubFor(post(urlEqualTo("/collect")).willReturn(aResponse().withStatus(503)));
    sink = HttpSink.builder().name("collector").endpoint("http://127.0.0.1:" + receiver.port() + "/collect")
        .clock(clock).scheduler(scheduler).maxAttempts(1).build();
    sink.open(new RecordingContext());
  }

  @AfterEach
  void stop() {
    sink.close();
    scheduler.shutdownNow();
    receiver.stop();
  }

  private List<Outcome> send() throws Exception {
    return sink.send(seedRecords(2)).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** Fails {@code requests} times, the clock advancing evenly over {@code outage}. */
  private void outage(int requests, Duration outage) throws Exception {
    Duration step = outage.dividedBy(requests);
    for (int i = 0; i < requests; i++) {
      assertThat(kinds(send())).containsOnly(Kind.RETRY);
      clock.advance(step);
    }
  }

  private void recover() throws Exception {
    receiver.resetAll();
    receiver.stubFor(post(urlEqualTo("/collect")).willReturn(aResponse().withStatus(200)));
    assertThat(kinds(send())).containsOnly(Kind.DELIVERED);
  }

  @Test
  void thirtySecondsDownWithAThousandFailedRequestsIsTwoLines() throws Exception {
    try (LogCapture logs = new LogCapture()) {
      outage(1000, Duration.ofSeconds(30));
      recover();

      List<String> lines = logs.lines.stream().filter(l -> !l.startsWith("FINE")).toList();
      assertThat(lines).hasSize(2);
      assertThat(lines.get(0)).startsWith("WARNING collector: endpoint unavailable: HTTP 503; records are kept");
      assertThat(lines.get(1)).isEqualTo("INFO collector: endpoint unavailable is over after 30 s "
          + "(1000 failure(s) in all): requests succeed again");
    }
  }

  @Test
  void aLongOutageAddsOneSummaryAMinute() throws Exception {
    try (LogCapture logs = new LogCapture()) {
      outage(300, Duration.ofMinutes(3).plusSeconds(30));
      recover();

      List<String> lines = logs.lines.stream().filter(l -> !l.startsWith("FINE")).toList();
      assertThat(lines).hasSize(5); // start, summaries at 1, 2 and 3 min, end
      assertThat(lines.subList(1, 4)).allSatisfy(l -> assertThat(l).startsWith("WARNING collector: endpoint unavailable for "));
      assertThat(lines.get(1)).contains("for 60 s: ").contains(" in all; last: HTTP 503");
      assertThat(lines.get(4)).startsWith("INFO collector: endpoint unavailable is over after 3 min 30 s (300 failure(s)");
    }
  }

  @Test
  void aNewOutageAfterRecoveryStartsAgain() throws Exception {
    try (LogCapture logs = new LogCapture()) {
      outage(3, Duration.ofSeconds(3));
      recover();
      receiver.resetAll();
      receiver.stubFor(post(urlEqualTo("/collect")).willReturn(aResponse().withStatus(502)));
      outage(3, Duration.ofSeconds(3));

      List<String> lines = logs.lines.stream().filter(l -> !l.startsWith("FINE")).toList();
      assertThat(lines).hasSize(3);
      assertThat(lines.get(2)).startsWith("WARNING collector: endpoint unavailable: HTTP 502");
    }
  }
}
