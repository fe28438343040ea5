package dev.analytics.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
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
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.analytics.http.testing.HttpTesting.LogCapture;
import dev.analytics.http.testing.HttpTesting.RecordingContext;
import dev.analytics.http.testing.HttpTesting.RecordingScheduler;
import dev.analytics.spi.Outcome.Kind;
import dev.analytics.spi.Outcome;
import dev.analytics.spi.Record;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Amplitude HTTP V2 rules (reference table), against WireMock on loopback. */
class AmplitudeModeTest {
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
    sink = HttpSink.builder()
        .endpoint("http://127.0.0.1:" + server.port() + "/2/httpapi")
        .amplitude(AmplitudeMode.ON)
        .scheduler(scheduler)
        .backoff(Duration.ofMillis(10), Duration.ofSeconds(1))
        .build();
    sink.open(context);
  }

  @AfterEach
  void tearDown() {
    sink.close();
    scheduler.shutdownNow();
  }

  List<Outcome> send(List<Record> batch) throws Exception {
    return sink.send(batch).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  static List<LoggedRequest> requests() {
    return server.findAll(postRequestedFor(urlEqualTo("/2/httpapi")));
  }

  static void firstThenOk(int status, String body) {
    server.stubFor(post(urlEqualTo("/2/httpapi")).inScenario("s").whenScenarioStateIs(STARTED)
        .willSetStateTo("ok").willReturn(aResponse().withStatus(status).withBody(body)));
    server.stubFor(post(urlEqualTo("/2/httpapi")).inScenario("s").whenScenarioStateIs("ok")
        .willReturn(aResponse().withStatus(200).withBody("{\"code\":200,\"events_ingested\":1}")));
  }

  @Test
  void modeIsAutomaticForAmplitudeEndpoints() {
    assertThat(HttpSink.builder().endpoint("https://api2.amplitude.com/2/httpapi").build().amplitude()).isTrue();
    assertThat(HttpSink.builder().endpoint("https://api.eu.amplitude.com/2/httpapi").build().amplitude()).isTrue();
    assertThat(HttpSink.builder().endpoint("https://collector.example.com/2/httpapi").build().amplitude()).isFalse();
    HttpSink off = HttpSink.builder().endpoint("https://api2.amplitude.com/2/httpapi").amplitude(AmplitudeMode.OFF).build();
    assertThat(off.amplitude()).isFalse();
    HttpSink amp = HttpSink.builder().endpoint("https://api2.amplitude.com/2/httpapi").build();
    assertThat(amp.maxRequestRecords()).isEqualTo(2000);
    assertThat(amp.maxRequestBytes()).isEqualTo(1_000_000);
    assertThat(off.maxRequestBytes()).isEqualTo(HttpSink.DEFAULT_MAX_REQUEST_BYTES);
    // Derived limits follow the endpoint through toBuilder(); explicit ones stay.
    HttpSink moved = amp.toBuilder().endpoint("http://collector.local/in").maxBatchRecords(300).build();
    assertThat(moved.amplitude()).isFalse();
    assertThat(moved.maxRequestRecords()).isEqualTo(300);
    assertThat(moved.maxRequestBytes()).isEqualTo(HttpSink.DEFAULT_MAX_REQUEST_BYTES);
    assertThat(moved.headers()).containsExactly(java.util.Map.entry("Content-Type", "application/json"));
    HttpSink pinned = HttpSink.builder().endpoint("https://api2.amplitude.com/2/httpapi").maxRequestBytes(4096).build();
    assertThat(pinned.toBuilder().endpoint("http://x.local/").build().maxRequestBytes()).isEqualTo(4096);
  }

  @Test
  void amplitudeModeRefusesBodiesItsIndexesCannotMapTo() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> HttpSink.builder()
            .endpoint("https://api2.amplitude.com/2/httpapi").bodyMode(BodyMode.jsonArray()).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Amplitude mode needs bodyMode");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> HttpSink.builder()
            .endpoint("http://h.local/").amplitude(AmplitudeMode.ON).bodyMode(BodyMode.mergeOn("items")).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("merge on items");
    assertThat(HttpSink.builder().endpoint("https://api2.amplitude.com/2/httpapi").amplitude(AmplitudeMode.OFF)
        .bodyMode(BodyMode.jsonArray()).build().amplitude()).isFalse();
  }

  @Test
  void partial400RejectsExactlyTheListedEventsAndResendsTheRest() throws Exception {
    firstThenOk(400, "{\"code\":400,\"error\":\"Request missing required field\","
        + "\"events_with_invalid_fields\":{\"event_type\":[1]},"
        + "\"events_with_missing_fields\":{\"user_id\":[3]}}");
    List<Outcome> outcomes = send(seedRecords(5));
    assertThat(kinds(outcomes)).containsExactly(
        Kind.DELIVERED, Kind.REJECTED, Kind.DELIVERED, Kind.REJECTED, Kind.DELIVERED);
    assertThat(outcomes.get(1).reason().orElseThrow()).contains("invalid field event_type");
    assertThat(outcomes.get(3).reason().orElseThrow()).contains("missing field user_id");
    List<LoggedRequest> requests = requests();
    assertThat(requests).hasSize(2);
    JsonNode resent = json(requests.get(1).getBodyAsString());
    List<Integer> ns = new ArrayList<>();
    resent.get("events").forEach(e -> ns.add(e.get("n").asInt()));
    assertThat(ns).containsExactly(0, 2, 4);
    assertThat(context.faults).isEmpty();
  }

  @Test
  void invalidApiKeyIsAFaultNeverADeadLetter() throws Exception {
    server.stubFor(post(urlEqualTo("/2/httpapi")).willReturn(aResponse().withStatus(400)
        .withBody("{\"code\":400,\"error\":\"Invalid API key: " + API_KEY + "\"}")));
    List<Outcome> outcomes = send(seedRecords(3));
    assertThat(outcomes).allSatisfy(o -> {
      assertThat(o.kind()).isEqualTo(Kind.RETRY);
      assertThat(o.retryAfter()).contains(HttpSink.DEFAULT_FAULT_RETRY_DELAY);
    });
    assertThat(context.faults).hasSize(1);
    assertThat(context.faults.get(0)).contains("Invalid API key").doesNotContain(API_KEY);
  }

  @Test
  void missingFieldIsAFault() throws Exception {
    server.stubFor(post(urlEqualTo("/2/httpapi")).willReturn(aResponse().withStatus(400)
        .withBody("{\"code\":400,\"error\":\"Request missing required field\",\"missing_field\":\"api_key\"}")));
    assertThat(kinds(send(seedRecords(2)))).containsExactly(Kind.RETRY, Kind.RETRY);
    assertThat(context.faults).singleElement().asString().contains("missing_field");
  }

  @Test
  void a400WithoutIndexesRejectsTheBatch() throws Exception {
    server.stubFor(post(urlEqualTo("/2/httpapi")).willReturn(aResponse().withStatus(400)
        .withBody("{\"code\":400,\"error\":\"Invalid JSON request body\"}")));
    List<Outcome> outcomes = send(seedRecords(2));
    assertThat(outcomes).allSatisfy(o -> assertThat(o.reason().orElseThrow()).contains("Invalid JSON request body"));
    assertThat(context.faults).isEmpty();
  }

  @Test
  void payloadTooLargeSplitsDownToSingleEvents() throws Exception {
    // Any body with 3 or more events is too large; so is the "big" event (n == 5) alone.
    server.stubFor(post(urlEqualTo("/2/httpapi")).withRequestBody(matchingJsonPath("$.events[2]"))
        .willReturn(aResponse().withStatus(413).withBody("{\"code\":413,\"error\":\"Payload too large\"}")));
    server.stubFor(post(urlEqualTo("/2/httpapi")).withRequestBody(matchingJsonPath("$.events[?(@.n == 5)]"))
        .willReturn(aResponse().withStatus(413).withBody("{\"code\":413,\"error\":\"Payload too large\"}")));
    server.stubFor(post(urlEqualTo("/2/httpapi")).atPriority(10).willReturn(aResponse().withStatus(200)));
    // n == 5 is larger than maxRequestBytes alone: only such a record is rejected for a 413 (a small one
    // is the endpoint's fault and held, see PayloadTooLargeTest).
    sink.close();
    sink = sink.toBuilder().maxRequestBytes(1500).build();
    sink.open(context);
    List<Outcome> outcomes = send(seedRecordsWithOneLarge(8, 5, 2000));
    List<Kind> expected = new ArrayList<>(java.util.Collections.nCopies(8, Kind.DELIVERED));
    expected.set(5, Kind.REJECTED);
    assertThat(kinds(outcomes)).containsExactlyElementsOf(expected);
    assertThat(outcomes.get(5).reason().orElseThrow()).contains("413");
    // Every event other than n=5 reached the server in a 200'd body exactly once.
    List<Integer> delivered = new ArrayList<>();
    for (LoggedRequest r : requests()) {
      JsonNode events = json(r.getBodyAsString()).get("events");
      boolean accepted = events.size() <= 2 && !r.getBodyAsString().contains("\"n\":5");
      if (accepted) events.forEach(e -> delivered.add(e.get("n").asInt()));
    }
    assertThat(delivered).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 6, 7);
  }

  @Test
  void throttled429HoldsThrottledEventsRejectsQuotaEventsAndResendsTheRest() throws Exception {
    firstThenOk(429, "{\"code\":429,\"error\":\"Too many requests for some devices and users\","
        + "\"eps_threshold\":30,\"throttled_devices\":{},\"throttled_users\":{\"user-10000\":31},"
        + "\"throttled_events\":[0,3],\"exceeded_daily_quota_users\":{\"user-10002\":500001},"
        + "\"exceeded_daily_quota_devices\":{}}");
    List<Outcome> outcomes = send(seedRecords(5));
    assertThat(kinds(outcomes)).containsExactly(Kind.RETRY, Kind.DELIVERED, Kind.REJECTED, Kind.RETRY, Kind.DELIVERED);
    assertThat(outcomes.get(0).retryAfter()).contains(Duration.ofSeconds(30));
    assertThat(outcomes.get(3).retryAfter()).contains(Duration.ofSeconds(30));
    assertThat(outcomes.get(2).reason().orElseThrow()).contains("daily").contains("user-10002");
    List<LoggedRequest> requests = requests();
    assertThat(requests).hasSize(2);
    assertThat(json(requests.get(1).getBodyAsString()).get("events")).hasSize(2);
  }

  @Test
  void projectLevel429BacksOffSixtySeconds() throws Exception {
    server.stubFor(post(urlEqualTo("/2/httpapi")).willReturn(aResponse().withStatus(429)
        .withBody("{\"code\":429,\"error\":\"Too many requests\"}")));
    List<Outcome> outcomes = send(seedRecords(3));
    assertThat(outcomes).allSatisfy(o -> {
      assertThat(o.kind()).isEqualTo(Kind.RETRY);
      assertThat(o.retryAfter()).contains(Duration.ofSeconds(60));
    });
    assertThat(requests()).hasSize(1);
  }

  @Test
  void throttlingLogsOneLineWhenItStartsAndOneWhenItEndsNotOnePerRequest() throws Exception {
    server.stubFor(post(urlEqualTo("/2/httpapi")).willReturn(aResponse().withStatus(429)
        .withBody("{\"code\":429,\"error\":\"Too many requests\"}")));
    try (LogCapture logs = new LogCapture()) {
      for (int i = 0; i < 20; i++) assertThat(kinds(send(seedRecords(3)))).containsOnly(Kind.RETRY);
      server.resetAll();
      server.stubFor(post(urlEqualTo("/2/httpapi")).willReturn(aResponse().withStatus(200)
          .withBody("{\"code\":200,\"events_ingested\":3}")));
      assertThat(kinds(send(seedRecords(3)))).containsOnly(Kind.DELIVERED);

      List<String> lines = logs.lines.stream().filter(l -> !l.startsWith("FINE")).toList();
      assertThat(lines).hasSize(2);
      assertThat(lines.get(0)).startsWith("INFO ").contains("Amplitude is holding back records: HTTP 429 for the "
          + "whole project; 3 records held for 60 s");
      assertThat(lines.get(1)).startsWith("INFO ").contains("Amplitude is holding back records is over after")
          .contains("(20 failure(s) in all): requests are accepted again");
    }
  }

  @Test
  void serverErrorsAreRetriedInAmplitudeModeToo() throws Exception {
    firstThenOk(502, "<html>bad gateway</html>");
    assertThat(kinds(send(seedRecords(2)))).containsExactly(Kind.DELIVERED, Kind.DELIVERED);
    assertThat(requests()).hasSize(2);
  }

  @Test
  void insertIdIsFilledFromTheRecordIdWhenMissing() throws Exception {
    server.stubFor(post(urlEqualTo("/2/httpapi")).willReturn(aResponse().withStatus(200)));
    Record without = seedRecord("0190aaaa-0001", API_KEY, "user-10000", 0);
    Record with = Record.of("0190aaaa-0002", Instant.EPOCH, json(
        "{\"events\":[{\"event_type\":\"x\",\"user_id\":\"user-10001\",\"insert_id\":\"mine\"}],\"api_key\":\"" + API_KEY + "\"}"));
    Record two = Record.of("0190aaaa-0003", Instant.EPOCH, json(
        "{\"events\":[{\"event_type\":\"x\",\"user_id\":\"user-10001\"},{\"event_type\":\"y\",\"user_id\":\"user-10001\"}],"
            + "\"api_key\":\"" + API_KEY + "\"}"));
    Record nullId = Record.of("0190aaaa-0004", Instant.EPOCH, json(
        "{\"events\":[{\"event_type\":\"x\",\"insert_id\":null,\"user_id\":\"user-10001\"}],\"api_key\":\"" + API_KEY + "\"}"));
    Record empty = Record.of("0190aaaa-0005", Instant.EPOCH, json("{\"events\":[{}],\"api_key\":\"" + API_KEY + "\"}"));
    JsonNode before = without.value().deepCopy();
    assertThat(kinds(send(List.of(without, with, two, nullId, empty)))).containsOnly(Kind.DELIVERED);
    String raw = requests().get(0).getBodyAsString();
    assertThat(raw.split("insert_id", -1)).hasSize(6 + 1); // exactly one insert_id per event, no duplicates
    JsonNode events = json(requests().get(0).getBodyAsString()).get("events");
    assertThat(events.get(0).get("insert_id").asText()).isEqualTo("0190aaaa-0001");
    assertThat(events.get(1).get("insert_id").asText()).isEqualTo("mine");
    assertThat(events.get(2).get("insert_id").asText()).isEqualTo("0190aaaa-0003-0");
    assertThat(events.get(3).get("insert_id").asText()).isEqualTo("0190aaaa-0003-1");
    assertThat(events.get(4).get("insert_id").asText()).isEqualTo("0190aaaa-0004");
    assertThat(events.get(5)).isEqualTo(json("{\"insert_id\":\"0190aaaa-0005\"}"));
    assertThat(without.value()).isEqualTo(before); // the record itself is not mutated
  }

  @Test
  void apiKeysSeenInBodiesAreMaskedByRedact() throws Exception {
    server.stubFor(post(urlEqualTo("/2/httpapi")).willReturn(aResponse().withStatus(200)));
    send(seedRecords(1));
    assertThat(sink.redact("key was " + API_KEY)).isEqualTo("key was ****");
  }

  @Test
  void a400NamingNoEventOfTheRequestHoldsItInsteadOfResendingItBackToBack() throws Exception {
    // The silenced-device variant, its indexes pointing at no event of this request.
    server.stubFor(post(urlEqualTo("/2/httpapi")).willReturn(aResponse().withStatus(400)
        .withBody("{\"code\":400,\"error\":\"Events from silenced devices\",\"eps_threshold\":10,"
            + "\"silenced_devices\":[\"dev-9\"],\"silenced_events\":[7],\"throttled_devices\":{},"
            + "\"throttled_events\":[9],\"exceeded_daily_quota_devices\":{}}")));
    List<Outcome> outcomes = send(seedRecords(2));
    assertThat(outcomes).allSatisfy(o -> {
      assertThat(o.kind()).isEqualTo(Kind.RETRY);
      assertThat(o.retryAfter()).contains(Duration.ofSeconds(30));
    });
    assertThat(requests()).hasSize(1);
  }
}
