package dev.analytics.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static dev.analytics.http.testing.HttpTesting.kinds;
import static dev.analytics.http.testing.HttpTesting.seedRecords;
import static dev.analytics.http.testing.HttpTesting.seedRecordsWithOneLarge;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.analytics.http.testing.HttpTesting.RecordingContext;
import dev.analytics.http.testing.HttpTesting.RecordingScheduler;
import dev.analytics.spi.Outcome.Kind;
import dev.analytics.spi.Outcome;
import dev.analytics.spi.Record;
import dev.analytics.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 10 section 2: a 413 for one record within {@code maxRequestBytes} is the endpoint's fault. The
 * record is held and the incident reported once; it is dead-lettered only when the endpoint has kept
 * refusing it for {@code payloadTooLargeTimeout}. Only a record over the limit is rejected at once.
 */
class PayloadTooLargeTest {
  static final String TOO_LARGE = "{\"code\":413,\"error\":\"Payload too large\"}";
  @RegisterExtension
  static final WireMockExtension server = WireMockExtension.newInstance()
      .options(options().dynamicPort().bindAddress("127.0.0.1")).build();
  final RecordingScheduler scheduler = new RecordingScheduler();
  final RecordingContext context = new RecordingContext();
  final MutableClock clock = MutableClock.at(Instant.parse("2026-03-01T10:00:00Z"));
  HttpSink sink;

  @AfterEach
  void tearDown() {
    if (sink != null) sink.close();
    scheduler.shutdownNow();
  }

  HttpSink open(HttpSink.Builder b) {
    // One request at a time: WireMock's scenarios do not match concurrent requests reliably.
    sink = b.endpoint("http://127.0.0.1:" + server.getPort() + "/collect")
        .maxConcurrentRequests(1)
        .scheduler(scheduler)
        .clock(clock)
        .backoff(Duration.ofMillis(1), Duration.ofMillis(10))
        .build();
    sink.open(context);
    return sink;
  }

  List<Outcome> send(List<Record> batch) throws Exception {
    return sink.send(batch).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  static int requests() {
    return server.findAll(postRequestedFor(urlEqualTo("/collect"))).size();
  }

  /** The first {@code n} requests are answered 413, every later one 200. */
  static void tooLargeForRequests(int n) {
    String state = STARTED;
    for (int i = 0; i < n; i++) {
      String next = "refused-" + i;
      server.stubFor(post(urlEqualTo("/collect")).inScenario("413").whenScenarioStateIs(state)
          .willSetStateTo(next).willReturn(aResponse().withStatus(413).withBody(TOO_LARGE)));
      state = next;
    }
    server.stubFor(post(urlEqualTo("/collect")).inScenario("413").whenScenarioStateIs(state)
        .willReturn(aResponse().withStatus(200).withBody("{\"code\":200}")));
  }

  @Test
  void a413WindowHoldsSmallRecordsThenDeliversThemAllWithOneFaultAndOneClear() throws Exception {
    // 5 refusals: the merged body, its two halves, then the two records of the larger half alone.
    tooLargeForRequests(5);
    open(HttpSink.builder().amplitude(AmplitudeMode.OFF));
    List<Record> batch = seedRecords(3);

    List<Outcome> first = send(batch);
    assertThat(kinds(first)).containsExactly(Kind.RETRY, Kind.RETRY, Kind.RETRY);
    assertThat(context.faults).singleElement().asString().contains("413").contains("within maxRequestBytes");
    assertThat(context.cleared).isZero();

    List<Outcome> second = send(batch); // the core's retry, after its backoff
    assertThat(kinds(second)).containsExactly(Kind.DELIVERED, Kind.DELIVERED, Kind.DELIVERED);
    assertThat(requests()).isEqualTo(6);
    assertThat(context.faults).hasSize(1);
    assertThat(context.cleared).isEqualTo(1);
  }

  @Test
  void aLongerWindowIsReportedOnceAndDeadLettersNothing() throws Exception {
    tooLargeForRequests(12);
    open(HttpSink.builder().amplitude(AmplitudeMode.ON).bodyMode(BodyMode.perRecord()));
    List<Record> pending = new ArrayList<>(seedRecords(2));
    List<Outcome.Kind> seen = new ArrayList<>();
    for (int round = 0; round < 20 && !pending.isEmpty(); round++) {
      List<Outcome> outcomes = send(pending);
      List<Record> next = new ArrayList<>();
      for (int i = 0; i < outcomes.size(); i++) {
        seen.add(outcomes.get(i).kind());
        if (outcomes.get(i).kind() == Kind.RETRY) next.add(pending.get(i));
      }
      pending = next;
    }
    assertThat(pending).isEmpty();
    assertThat(seen).doesNotContain(Kind.REJECTED).contains(Kind.RETRY);
    assertThat(context.faults).hasSize(1);
    assertThat(context.cleared).isEqualTo(1);
  }

  @Test
  void aSmallRecordRefusedForLongerThanTheTimeoutIsDeadLettered() throws Exception {
    server.stubFor(post(urlEqualTo("/collect")).willReturn(aResponse().withStatus(413).withBody(TOO_LARGE)));
    open(HttpSink.builder().payloadTooLargeTimeout(Duration.ofMinutes(10)));
    List<Record> one = seedRecords(1);

    assertThat(kinds(send(one))).containsExactly(Kind.RETRY);
    clock.advance(Duration.ofMinutes(6));
    assertThat(kinds(send(one))).containsExactly(Kind.RETRY);
    clock.advance(Duration.ofMinutes(3).plusSeconds(59));
    assertThat(kinds(send(one))).containsExactly(Kind.RETRY);
    clock.advance(Duration.ofSeconds(1));
    List<Outcome> last = send(one);
    assertThat(kinds(last)).containsExactly(Kind.REJECTED);
    assertThat(last.get(0).reason().orElseThrow()).contains("HTTP 413").contains("payloadTooLargeTimeout")
        .contains("Payload too large");
    assertThat(context.faults).hasSize(1);
    assertThat(requests()).isEqualTo(4);

    // The timeout runs per record: another record's first refusal is held again.
    assertThat(kinds(send(seedRecords(2).subList(1, 2)))).containsExactly(Kind.RETRY);
  }

  @Test
  void aRecordLargerThanMaxRequestBytesIsRejectedAtTheFirst413() throws Exception {
    server.stubFor(post(urlEqualTo("/collect")).willReturn(aResponse().withStatus(413).withBody(TOO_LARGE)));
    open(HttpSink.builder().maxRequestBytes(1000).gzip(false));
    List<Outcome> outcomes = send(seedRecordsWithOneLarge(1, 0, 2000));
    assertThat(kinds(outcomes)).containsExactly(Kind.REJECTED);
    assertThat(outcomes.get(0).reason().orElseThrow()).contains("HTTP 413").contains("over maxRequestBytes 1000");
    assertThat(requests()).isEqualTo(1);
    assertThat(context.faults).isEmpty();
  }

  @Test
  void aZeroTimeoutDeadLettersAtTheFirst413() throws Exception {
    server.stubFor(post(urlEqualTo("/collect")).willReturn(aResponse().withStatus(413).withBody(TOO_LARGE)));
    open(HttpSink.builder().payloadTooLargeTimeout(Duration.ZERO));
    assertThat(kinds(send(seedRecords(1)))).containsExactly(Kind.REJECTED);
  }
}
