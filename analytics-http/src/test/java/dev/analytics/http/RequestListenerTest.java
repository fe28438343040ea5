package dev.analytics.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static dev.analytics.http.testing.HttpTesting.kinds;
import static dev.analytics.http.testing.HttpTesting.seedRecords;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.analytics.spi.Outcome;
import dev.analytics.spi.Outcome.Kind;
import dev.analytics.http.testing.HttpTesting;
import dev.analytics.http.testing.HttpTesting.RecordingContext;
import dev.analytics.http.testing.HttpTesting.RecordingScheduler;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** HttpSink.Builder.requestListener hears every exchange, in-request retries included, with its sizes. */
class RequestListenerTest {
  static WireMockServer server;
  final RecordingScheduler scheduler = new RecordingScheduler();
  final List<RequestListener.Exchange> heard = new CopyOnWriteArrayList<>();
  HttpSink sink;

  @BeforeAll
  static void startServer() {
    server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    server.start();
  }

  @AfterAll
  static void stopServer() {
    server.stop();
  }

  @BeforeEach
  void reset() {
    server.resetAll();
  }

  @AfterEach
  void tearDown() {
    if (sink != null) sink.close();
    scheduler.shutdownNow();
  }

  private HttpSink.Builder builder(int port) {
    return HttpSink.builder().name("events").endpoint("http://127.0.0.1:" + port + "/collect")
        .scheduler(scheduler).jitter(() -> 0.5).backoff(Duration.ofMillis(10), Duration.ofMillis(100))
        .requestListener(heard::add);
  }

  private List<Outcome> send(HttpSink.Builder builder, int records) throws Exception {
    sink = builder.build();
    sink.open(new RecordingContext());
    return sink.send(seedRecords(records)).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void hearsEachAttemptWithItsStatusRecordsAndBytesBeforeAndAfterGzip() throws Exception {
    server.stubFor(post(urlEqualTo("/collect")).inScenario("flaky").whenScenarioStateIs(STARTED)
        .willSetStateTo("recovered").willReturn(aResponse().withStatus(503)));
    server.stubFor(post(urlEqualTo("/collect")).inScenario("flaky").whenScenarioStateIs("recovered")
        .willReturn(aResponse().withStatus(200).withBody("{\"code\":200}")));

    List<Outcome> outcomes = send(builder(server.port()).gzipMinBytes(0), 20);

    assertThat(kinds(outcomes)).containsOnly(Kind.DELIVERED).hasSize(20);
    assertThat(heard).extracting(RequestListener.Exchange::status).containsExactly(503, 200);
    assertThat(heard).extracting(RequestListener.Exchange::statusClass).containsExactly("5xx", "2xx");
    for (RequestListener.Exchange exchange : heard) {
      assertThat(exchange.sink()).isEqualTo("events");
      assertThat(exchange.records()).isEqualTo(20);
      assertThat(exchange.error()).isNull();
      assertThat(exchange.gzipped()).isTrue();
      assertThat(exchange.sentBytes()).isPositive().isLessThan(exchange.bodyBytes());
      assertThat(exchange.duration()).isPositive();
    }
    String wireLength = server.getAllServeEvents().get(0).getRequest().getHeader("Content-Length");
    assertThat(heard.get(0).sentBytes()).as("the bytes on the wire").isEqualTo(Long.parseLong(wireLength));
  }

  @Test
  void anUngzippedBodyHasTheSameSizeBeforeAndAfter() throws Exception {
    server.stubFor(post(urlEqualTo("/collect")).willReturn(aResponse().withStatus(400).withBody("bad")));

    List<Outcome> outcomes = send(builder(server.port()).gzip(false).maxAttempts(1), 1);

    assertThat(kinds(outcomes)).containsOnly(Kind.REJECTED);
    assertThat(heard).singleElement().satisfies(exchange -> {
      assertThat(exchange.statusClass()).isEqualTo("4xx");
      assertThat(exchange.gzipped()).isFalse();
      assertThat(exchange.sentBytes()).isEqualTo(exchange.bodyBytes());
    });
  }

  @Test
  void aRefusedConnectionIsHeardWithoutAStatus() throws Exception {
    try (Socket refusing = HttpTesting.refusingPort()) {
      List<Outcome> outcomes = send(builder(refusing.getLocalPort()).maxAttempts(2), 2);

      assertThat(kinds(outcomes)).containsOnly(Kind.RETRY);
      assertThat(heard).hasSize(2).allSatisfy(exchange -> {
        assertThat(exchange.status()).isEqualTo(-1);
        assertThat(exchange.statusClass()).isEqualTo("none");
        assertThat(exchange.error()).isEqualTo("ConnectException");
      });
    }
  }

  @Test
  void aThrowingListenerDoesNotFailTheDelivery() throws Exception {
    server.stubFor(post(urlEqualTo("/collect")).willReturn(aResponse().withStatus(200)));

    List<Outcome> outcomes = send(builder(server.port()).requestListener(exchange -> {
      throw new IllegalStateException("listener bug");
    }), 4);

    assertThat(kinds(outcomes)).containsOnly(Kind.DELIVERED).hasSize(4);
  }
}
