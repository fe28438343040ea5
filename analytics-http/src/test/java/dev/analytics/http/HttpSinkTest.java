package dev.analytics.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static dev.analytics.http.testing.HttpTesting.API_KEY;
import static dev.analytics.http.testing.HttpTesting.json;
import static dev.analytics.http.testing.HttpTesting.kinds;
import static dev.analytics.http.testing.HttpTesting.seedRecord;
import static dev.analytics.http.testing.HttpTesting.seedRecords;
import static dev.analytics.http.testing.HttpTesting.seedRecordsWithOneLarge;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.analytics.http.testing.HttpTesting;
import dev.analytics.http.testing.HttpTesting.RecordingContext;
import dev.analytics.http.testing.HttpTesting.RecordingScheduler;
import dev.analytics.spi.Outcome.Kind;
import dev.analytics.spi.Outcome;
import dev.analytics.spi.Record;
import dev.analytics.testing.Await;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryRegistry;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Response classification, retries and body shapes against WireMock on loopback. */
class HttpSinkTest {
  static WireMockServer server;
  RecordingScheduler scheduler;
  RecordingContext context;
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
  void setUp() {
    server.resetAll();
    scheduler = new RecordingScheduler();
    context = new RecordingContext();
  }

  @AfterEach
  void tearDown() {
    if (sink != null) sink.close();
    scheduler.shutdownNow();
  }

  HttpSink.Builder builder() {
    return HttpSink.builder()
        .endpoint("http://127.0.0.1:" + server.port() + "/collect")
        .scheduler(scheduler)
        .jitter(() -> 0.5)
        .backoff(Duration.ofMillis(100), Duration.ofSeconds(10));
  }

  HttpSink open(HttpSink.Builder b) {
    sink = b.build();
    sink.open(context);
    return sink;
  }

  static List<Outcome> send(HttpSink sink, List<Record> batch) throws Exception {
    return sink.send(batch).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  static void stub(int status, String body) {
    server.stubFor(post(urlEqualTo("/collect")).willReturn(aResponse().withStatus(status).withBody(body)));
  }

  /** The first {@code failures} requests get {@code status}, the rest 200. */
  static void failThenSucceed(int failures, com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder failure) {
    String state = STARTED;
    for (int i = 0; i < failures; i++) {
      String next = "after-" + i;
      server.stubFor(post(urlEqualTo("/collect")).inScenario("flaky").whenScenarioStateIs(state)
          .willSetStateTo(next).willReturn(failure));
      state = next;
    }
    server.stubFor(post(urlEqualTo("/collect")).inScenario("flaky").whenScenarioStateIs(state)
        .willReturn(aResponse().withStatus(200).withBody("{\"code\":200}")));
  }

  static List<LoggedRequest> requests() {
    return server.findAll(postRequestedFor(urlEqualTo("/collect")));
  }

  @ParameterizedTest
  @ValueSource(ints = {200, 201, 202, 204})
  void twoHundredsAreDelivered(int status) throws Exception {
    stub(status, "");
    List<Outcome> outcomes = send(open(builder()), seedRecords(3));
    assertThat(kinds(outcomes)).containsExactly(Kind.DELIVERED, Kind.DELIVERED, Kind.DELIVERED);
    assertThat(requests()).hasSize(1);
  }

  @ParameterizedTest
  @ValueSource(ints = {408, 425, 429, 500, 502, 503, 504})
  void transientStatusesAreRetriedThenDelivered(int status) throws Exception {
    failThenSucceed(2, aResponse().withStatus(status).withBody("<html>busy</html>"));
    List<Outcome> outcomes = send(open(builder()), seedRecords(2));
    assertThat(kinds(outcomes)).containsExactly(Kind.DELIVERED, Kind.DELIVERED);
    assertThat(requests()).hasSize(3);
    assertThat(scheduler.delaysMillis).hasSize(2);
  }

  @Test
  void usedUpRetriesGoBackAsRetryLaterNeverRejected() throws Exception {
    stub(503, "down");
    List<Outcome> outcomes = send(open(builder().maxAttempts(4)), seedRecords(3));
    assertThat(outcomes).allSatisfy(o -> {
      assertThat(o.kind()).isEqualTo(Kind.RETRY);
      assertThat(o.retryAfter()).isEmpty();
    });
    assertThat(requests()).hasSize(4);
  }

  @Test
  void backoffIsExponentialCappedAndJittered() throws Exception {
    stub(500, "");
    // jitter 1.0: the full capped delay; min 100 ms, factor 1.5, cap 200 ms.
    send(open(builder().maxAttempts(5).backoff(Duration.ofMillis(100), Duration.ofMillis(200)).jitter(() -> 1.0)),
        seedRecords(1));
    assertThat(scheduler.delaysMillis).containsExactly(100L, 150L, 200L, 200L);
    sink.close();
    scheduler.delaysMillis.clear();
    // jitter 0.0: half of it.
    send(open(builder().maxAttempts(3).backoff(Duration.ofMillis(100), Duration.ofMillis(200)).jitter(() -> 0.0)),
        seedRecords(1));
    assertThat(scheduler.delaysMillis).containsExactly(50L, 75L);
  }

  @ParameterizedTest
  @ValueSource(ints = {400, 409, 415, 422})
  void otherClientErrorsAreRejectedWithStatusAndExcerpt(int status) throws Exception {
    stub(status, "{\"error\":\"bad event shape\"}");
    List<Outcome> outcomes = send(open(builder().amplitude(AmplitudeMode.OFF)), seedRecords(2));
    assertThat(outcomes).allSatisfy(o -> {
      assertThat(o.kind()).isEqualTo(Kind.REJECTED);
      assertThat(o.reason().orElseThrow()).contains("HTTP " + status).contains("bad event shape");
    });
    // 400 and 422 on a merged body are bisected down to single records first (1 + 2 requests).
    assertThat(requests()).hasSize(status == 400 || status == 422 ? 3 : 1);
    assertThat(context.faults).isEmpty();
  }

  @Test
  void oneBadRecordInAMergedBodyIsTheOnlyOneRejected() throws Exception {
    server.stubFor(post(urlEqualTo("/collect")).atPriority(5).willReturn(aResponse().withStatus(200).withBody("{}")));
    server.stubFor(post(urlEqualTo("/collect")).atPriority(1)
        .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.containing("user-BAD"))
        .willReturn(aResponse().withStatus(422).withBody("{\"error\":\"invalid user\"}")));
    List<Record> batch = List.of(
        seedRecord("a", API_KEY, "user-10000", 0), seedRecord("b", API_KEY, "user-BAD", 1),
        seedRecord("c", API_KEY, "user-10002", 2), seedRecord("d", API_KEY, "user-10003", 3));
    List<Outcome> outcomes = send(open(builder().amplitude(AmplitudeMode.OFF)), batch);
    assertThat(kinds(outcomes)).containsExactly(Kind.DELIVERED, Kind.REJECTED, Kind.DELIVERED, Kind.DELIVERED);
    assertThat(outcomes.get(1).reason().orElseThrow()).contains("HTTP 422").contains("invalid user");
  }

  @ParameterizedTest
  @ValueSource(ints = {401, 403, 407, 404, 405, 410}) // credentials, proxy, or a wrong endpoint/method
  void authFailuresAreAFaultThatHoldsRecordsAndClearsOnSuccess(int status) throws Exception {
    stub(status, "{\"code\":" + status + ",\"error\":\"Forbidden\"}");
    HttpSink s = open(builder().faultRetryDelay(Duration.ofSeconds(90)));
    List<Outcome> outcomes = send(s, seedRecords(3));
    assertThat(outcomes).allSatisfy(o -> {
      assertThat(o.kind()).isEqualTo(Kind.RETRY);
      assertThat(o.retryAfter()).contains(Duration.ofSeconds(90));
    });
    assertThat(requests()).hasSize(1); // not hammered in-request
    assertThat(context.faults).hasSize(1);
    assertThat(context.faults.get(0)).contains("HTTP " + status);
    assertThat(context.cleared).isZero();

    server.resetAll();
    stub(200, "{}");
    assertThat(kinds(send(s, seedRecords(1)))).containsExactly(Kind.DELIVERED);
    assertThat(context.cleared).isEqualTo(1);
    send(s, seedRecords(1));
    assertThat(context.cleared).isEqualTo(1); // only once per fault
  }

  @ParameterizedTest
  @ValueSource(ints = {301, 302, 307})
  void redirectsAreAFaultNotADeadLetter(int status) throws Exception {
    server.stubFor(post(urlEqualTo("/collect"))
        .willReturn(aResponse().withStatus(status).withHeader("Location", "https://elsewhere.example/")));
    List<Outcome> outcomes = send(open(builder()), seedRecords(2));
    assertThat(outcomes).allSatisfy(o -> assertThat(o.retryAfter()).contains(HttpSink.DEFAULT_FAULT_RETRY_DELAY));
    assertThat(context.faults).singleElement().asString().contains("HTTP " + status);
    assertThat(requests()).hasSize(1);
  }

  @Test
  void retryAfterSecondsIsHonoured() throws Exception {
    failThenSucceed(1, aResponse().withStatus(503).withHeader("Retry-After", "3"));
    List<Outcome> outcomes = send(open(builder()), seedRecords(1));
    assertThat(kinds(outcomes)).containsExactly(Kind.DELIVERED);
    assertThat(scheduler.delaysMillis).containsExactly(3000L);
  }

  @Test
  void retryAfterHttpDateIsHonoured() throws Exception {
    Instant now = Instant.parse("2026-03-01T10:00:00Z");
    String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(now.plusSeconds(7).atOffset(ZoneOffset.UTC));
    failThenSucceed(1, aResponse().withStatus(429).withHeader("Retry-After", date));
    List<Outcome> outcomes = send(open(builder().amplitude(AmplitudeMode.OFF).clock(Clock.fixed(now, ZoneOffset.UTC))),
        seedRecords(1));
    assertThat(kinds(outcomes)).containsExactly(Kind.DELIVERED);
    assertThat(scheduler.delaysMillis).containsExactly(7000L);
  }

  @Test
  void retryAfterLongerThanBackoffMaxGoesBackToTheCore() throws Exception {
    stub(429, "slow down");
    server.stubFor(post(urlEqualTo("/collect"))
        .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "3600")));
    List<Outcome> outcomes = send(open(builder().amplitude(AmplitudeMode.OFF)), seedRecords(2));
    assertThat(outcomes).allSatisfy(o -> assertThat(o.retryAfter()).contains(Duration.ofHours(1)));
    assertThat(requests()).hasSize(1);
    assertThat(scheduler.delaysMillis).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"CONNECTION_RESET_BY_PEER", "EMPTY_RESPONSE", "RANDOM_DATA_THEN_CLOSE"})
  void networkFaultsAreRetried(String fault) throws Exception {
    failThenSucceed(1, aResponse().withFault(Fault.valueOf(fault)));
    List<Outcome> outcomes = send(open(builder()), seedRecords(2));
    assertThat(kinds(outcomes)).containsExactly(Kind.DELIVERED, Kind.DELIVERED);
    assertThat(requests()).hasSize(2);
  }

  @Test
  void persistentConnectionResetIsRetryLater() throws Exception {
    server.stubFor(post(urlEqualTo("/collect")).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
    List<Outcome> outcomes = send(open(builder().maxAttempts(2)), seedRecords(2));
    assertThat(kinds(outcomes)).containsExactly(Kind.RETRY, Kind.RETRY);
    assertThat(requests()).hasSize(2);
  }

  @Test
  void connectionRefusedIsRetryLater() throws Exception {
    try (Socket refusing = HttpTesting.refusingPort()) {
      sink = builder().endpoint("http://127.0.0.1:" + refusing.getLocalPort() + "/x").maxAttempts(2).build();
      sink.open(context);
      List<Outcome> outcomes = send(sink, seedRecords(2));
      assertThat(kinds(outcomes)).containsExactly(Kind.RETRY, Kind.RETRY);
      assertThat(scheduler.delaysMillis).hasSize(1); // it was retried once in-request
    }
  }

  @Test
  void requestTimeoutIsRetriedThenRetryLater() throws Exception {
    server.stubFor(post(urlEqualTo("/collect")).willReturn(aResponse().withStatus(200).withFixedDelay(1500)));
    List<Outcome> outcomes = send(open(builder().requestTimeout(Duration.ofMillis(150)).maxAttempts(2)),
        seedRecords(2));
    assertThat(kinds(outcomes)).containsExactly(Kind.RETRY, Kind.RETRY);
    // The client gives up after 150 ms whether or not WireMock has read the request by then: on a busy
    // machine the second one reaches its journal after send() returned.
    Await.until(Duration.ofSeconds(10), () -> requests().size() >= 2, () -> requests().size() + " requests received");
    assertThat(requests()).hasSize(2);
  }

  @Test
  void seedRecordsAreMergedOnEvents() throws Exception {
    stub(200, "{}");
    List<Outcome> outcomes = send(open(builder()), seedRecords(3));
    assertThat(kinds(outcomes)).containsOnly(Kind.DELIVERED);
    List<LoggedRequest> requests = requests();
    assertThat(requests).hasSize(1);
    JsonNode body = json(requests.get(0).getBodyAsString());
    assertThat(body.get("api_key").asText()).isEqualTo(API_KEY);
    assertThat(body.get("events")).hasSize(3);
    assertThat(body.get("events").get(2).get("n").asInt()).isEqualTo(2);
    assertThat(body.size()).isEqualTo(2);
    // The merged body keeps the record's key order: {"events":[...],"api_key":...}, as the seed chain shapes it.
    assertThat(body.fieldNames()).toIterable().containsExactly("events", "api_key");
    assertThat(requests.get(0).getHeader("Content-Type")).isEqualTo("application/json");
  }

  @Test
  void theMergeFieldKeepsItsPlaceAmongTheOtherKeys() throws Exception {
    stub(200, "{}");
    List<Record> batch = new java.util.ArrayList<>();
    for (int i = 0; i < 2; i++) {
      batch.add(Record.of("r" + i, java.time.Instant.EPOCH,
          json("{\"a\":1,\"events\":[{\"n\":" + i + "}],\"z\":{\"k\":true}}")));
    }
    assertThat(kinds(send(open(builder()), batch))).containsOnly(Kind.DELIVERED);
    assertThat(requests()).hasSize(1);
    assertThat(requests().get(0).getBodyAsString())
        .isEqualTo("{\"a\":1,\"events\":[{\"n\":0},{\"n\":1}],\"z\":{\"k\":true}}");
  }

  @Test
  void recordsThatDifferElsewhereGoToSeparateBodies() throws Exception {
    stub(200, "{}");
    List<Record> batch = List.of(
        seedRecord("a", "KEY-A", "user-1000a", 0),
        seedRecord("b", "KEY-B", "user-1000b", 1),
        seedRecord("c", "KEY-A", "user-1000c", 2));
    assertThat(kinds(send(open(builder()), batch))).containsOnly(Kind.DELIVERED);
    List<LoggedRequest> requests = requests();
    assertThat(requests).hasSize(2);
    assertThat(requests).anySatisfy(r -> {
      JsonNode b = json(r.getBodyAsString());
      assertThat(b.get("api_key").asText()).isEqualTo("KEY-A");
      assertThat(b.get("events")).hasSize(2);
    });
    assertThat(requests).anySatisfy(r -> {
      JsonNode b = json(r.getBodyAsString());
      assertThat(b.get("api_key").asText()).isEqualTo("KEY-B");
      assertThat(b.get("events")).hasSize(1);
    });
  }

  @Test
  void oneRecordModeSendsEachRecordAsItsOwnBody() throws Exception {
    stub(200, "{}");
    List<Record> batch = seedRecords(3);
    assertThat(kinds(send(open(builder().bodyMode(BodyMode.perRecord())), batch))).containsOnly(Kind.DELIVERED);
    List<LoggedRequest> requests = requests();
    assertThat(requests).hasSize(3);
    assertThat(requests).extracting(r -> json(r.getBodyAsString()))
        .containsExactlyInAnyOrderElementsOf(batch.stream().map(Record::value).toList());
  }

  @Test
  void jsonArrayModeSendsAnArrayOfRecords() throws Exception {
    stub(200, "{}");
    List<Record> batch = seedRecords(3);
    assertThat(kinds(send(open(builder().bodyMode(BodyMode.jsonArray())), batch))).containsOnly(Kind.DELIVERED);
    assertThat(requests()).hasSize(1);
    JsonNode body = json(requests().get(0).getBodyAsString());
    assertThat(body.isArray()).isTrue();
    assertThat(body).containsExactlyElementsOf(batch.stream().map(Record::value).toList());
  }

  @Test
  void recordsNotShapedForMergingAreSentAlone() throws Exception {
    stub(200, "{}");
    List<Record> batch = List.of(
        Record.of("x", Instant.EPOCH, json("{\"hello\":1}")),
        seedRecord("a", API_KEY, "user-1000a", 0),
        Record.of("y", Instant.EPOCH, json("{\"hello\":2}")));
    assertThat(kinds(send(open(builder()), batch))).containsOnly(Kind.DELIVERED);
    assertThat(requests()).extracting(r -> json(r.getBodyAsString()))
        .containsExactlyInAnyOrder(json("{\"hello\":1}"), json("{\"hello\":2}"), batch.get(1).value());
  }

  @Test
  void batchIsSplitByMaxRequestRecords() throws Exception {
    stub(200, "{}");
    assertThat(kinds(send(open(builder().maxRequestRecords(2)), seedRecords(5)))).containsOnly(Kind.DELIVERED);
    assertThat(requests()).extracting(r -> json(r.getBodyAsString()).get("events").size())
        .containsExactlyInAnyOrder(2, 2, 1);
  }

  @Test
  void batchIsSplitByMaxRequestBytes() throws Exception {
    stub(200, "{}");
    List<Record> batch = seedRecords(10);
    int one = seedRecords(1).get(0).value().toString().length();
    // Room for about three events per body.
    assertThat(kinds(send(open(builder().gzip(false).maxRequestBytes(one * 3)), batch))).containsOnly(Kind.DELIVERED);
    List<LoggedRequest> requests = requests();
    assertThat(requests.size()).isGreaterThanOrEqualTo(3);
    int total = 0;
    for (LoggedRequest r : requests) {
      assertThat(r.getBody().length).isLessThanOrEqualTo(one * 3);
      total += json(r.getBodyAsString()).get("events").size();
    }
    assertThat(total).isEqualTo(10);
  }

  @Test
  void batchingSettingsAreWhatTheCoreSees() {
    HttpSink s = builder().maxBatchRecords(250).linger(Duration.ofMillis(40)).maxInFlight(3).build();
    assertThat(s.maxBatchRecords()).isEqualTo(250);
    assertThat(s.linger()).isEqualTo(Duration.ofMillis(40));
    assertThat(s.maxInFlight()).isEqualTo(3);
    assertThat(s.maxRequestRecords()).isEqualTo(250);
    HttpSink copy = s.toBuilder().linger(Duration.ZERO).build();
    assertThat(copy.linger()).isZero();
    assertThat(copy.maxBatchRecords()).isEqualTo(250);
    assertThat(s.linger()).isEqualTo(Duration.ofMillis(40));
    s.close();
    copy.close();
  }

  @Test
  void nonAmplitude413SplitsTheBatchAndRejectsOnlyWhatIsTooLargeAlone() throws Exception {
    server.stubFor(post(urlEqualTo("/collect"))
        .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath("$.events[1]"))
        .willReturn(aResponse().withStatus(413)));
    server.stubFor(post(urlEqualTo("/collect"))
        .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath("$.events[?(@.n == 2)]"))
        .willReturn(aResponse().withStatus(413).withBody("too big")));
    server.stubFor(post(urlEqualTo("/collect")).atPriority(10).willReturn(aResponse().withStatus(200)));
    // n == 2 is larger than maxRequestBytes alone: only such a record is rejected for a 413.
    List<Outcome> outcomes = send(open(builder().amplitude(AmplitudeMode.OFF).maxRequestBytes(1500)),
        seedRecordsWithOneLarge(4, 2, 2000));
    assertThat(kinds(outcomes)).containsExactly(Kind.DELIVERED, Kind.DELIVERED, Kind.REJECTED, Kind.DELIVERED);
    assertThat(outcomes.get(2).reason().orElseThrow()).contains("413");
  }

  @Test
  void userHeadersAreSentAndContentTypeDefaultsToJson() throws Exception {
    stub(200, "{}");
    send(open(builder().header("Authorization", "Bearer tok-123456").userAgent("my-agent/1")), seedRecords(1));
    LoggedRequest r = requests().get(0);
    assertThat(r.getHeader("Authorization")).isEqualTo("Bearer tok-123456");
    assertThat(r.getHeader("User-Agent")).isEqualTo("my-agent/1");
    assertThat(r.getHeader("Content-Type")).isEqualTo("application/json");
    sink.close();
    server.resetAll();
    stub(200, "{}");
    send(open(builder().header("Content-Type", "text/plain")), seedRecords(1));
    assertThat(requests().get(0).getHeader("Content-Type")).isEqualTo("text/plain");
    server.verify(1, postRequestedFor(urlEqualTo("/collect")).withHeader("Content-Type", equalTo("text/plain")));
  }

  @Test
  void describeNamesTheEndpointWithoutQueryOrUserInfo() {
    HttpSink s = HttpSink.builder().endpoint("https://user:pw@collector.example.com:8443/in?key=abc123").build();
    assertThat(s.describe()).isEqualTo("http-sink POST https://collector.example.com:8443/in");
    s.close();
  }

  @Test
  void closedSinkKeepsRecords() throws Exception {
    stub(200, "{}");
    HttpSink s = open(builder());
    s.close();
    assertThat(kinds(send(s, seedRecords(2)))).containsExactly(Kind.RETRY, Kind.RETRY);
    assertThat(requests()).isEmpty();
  }

  @Test
  void closeCompletesASendWaitingOutABackoffWithRetryLater() throws Exception {
    stub(503, "down");
    // The sink's own scheduler: the retry waits 15 to 30 s.
    sink = HttpSink.builder().endpoint("http://127.0.0.1:" + server.port() + "/collect")
        .backoff(Duration.ofSeconds(30), Duration.ofSeconds(30)).maxAttempts(3).build();
    sink.open(context);
    CompletableFuture<List<Outcome>> pending = sink.send(seedRecords(2)).toCompletableFuture();
    Await.until(Duration.ofSeconds(10), () -> !requests().isEmpty(), "the first attempt");
    assertThat(requests()).hasSize(1);
    assertThat(pending).isNotDone();
    sink.close();
    assertThat(kinds(pending.get(5, TimeUnit.SECONDS))).containsExactly(Kind.RETRY, Kind.RETRY);
    assertThat(requests()).hasSize(1);
  }

  @Test
  void theRetryLivesInTheGivenRegistryUntilClose() throws Exception {
    failThenSucceed(1, aResponse().withStatus(503));
    RetryRegistry registry = RetryRegistry.ofDefaults();
    HttpSink s = open(builder().name("orders").retryRegistry(registry));
    assertThat(s.retryRegistry()).isSameAs(registry);
    Retry retry = registry.find("analytics-http-orders").orElseThrow();
    assertThat(kinds(send(s, seedRecords(1)))).containsExactly(Kind.DELIVERED);
    assertThat(retry.getMetrics().getNumberOfSuccessfulCallsWithRetryAttempt()).isEqualTo(1);
    HttpSink copy = s.toBuilder().name("orders-2").build();
    assertThat(copy.retryRegistry()).isSameAs(registry);
    assertThat(registry.find("analytics-http-orders-2")).isPresent();
    copy.close();
    s.close();
    assertThat(registry.getAllRetries()).isEmpty();
    assertThat(builder().build().retryRegistry()).isNotSameAs(registry);
  }

  @Test
  void theUsersHttpClientSendsAndIsNeverShutDown() throws Exception {
    stub(200, "{}");
    AtomicInteger tasks = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      HttpClient client = HttpClient.newBuilder().executor(task -> {
        tasks.incrementAndGet();
        pool.execute(task);
      }).build();
      HttpSink s = open(builder().httpClient(client));
      assertThat(kinds(send(s, seedRecords(1)))).containsExactly(Kind.DELIVERED);
      assertThat(tasks.get()).isPositive();
      s.toBuilder().build().close();
      s.close();
      HttpResponse<String> after = client.send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + server.port() + "/collect"))
          .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(after.statusCode()).isEqualTo(200);
      assertThat(pool.isShutdown()).isFalse();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aRetriedRequestIsGzippedOnceAndSentAgainAsItWas() throws Exception {
    failThenSucceed(1, aResponse().withStatus(503));
    assertThat(kinds(send(open(builder().gzipMinBytes(0)), seedRecords(3)))).containsOnly(Kind.DELIVERED);
    List<LoggedRequest> requests = requests();
    assertThat(requests).hasSize(2);
    for (LoggedRequest r : requests) {
      assertThat(r.getHeaders().getHeader("Content-Encoding").values()).containsExactly("gzip");
    }
    assertThat(requests.get(1).getBody()).isEqualTo(requests.get(0).getBody());
  }

  @Test
  void aZeroMinimumBackoffRetriesAtOnce() throws Exception {
    failThenSucceed(2, aResponse().withStatus(500));
    assertThat(kinds(send(open(builder().backoff(Duration.ZERO, Duration.ofSeconds(1))), seedRecords(1))))
        .containsExactly(Kind.DELIVERED);
    assertThat(scheduler.delaysMillis).containsExactly(0L, 0L);
  }
}
