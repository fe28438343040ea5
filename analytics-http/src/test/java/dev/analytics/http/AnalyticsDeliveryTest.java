package dev.analytics.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.analytics.Analytics;
import dev.analytics.http.testing.HttpTesting;
import dev.analytics.spi.DeadLetter;
import dev.analytics.spi.Listener;
import dev.analytics.spi.Transform;
import dev.analytics.testing.Await;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole library: emit -> durable log -> transform -> HttpSink -> the JDK HTTP server on loopback,
 * answering like Amplitude.
 */
class AnalyticsDeliveryTest {
  /** The seed chain's effect (remove timestamp, shift event into events[0], default api_key), as a lambda. */
  static final Transform SEED = value -> {
    ObjectNode body = HttpTesting.MAPPER.createObjectNode();
    body.putArray("events").add(value.get("event"));
    body.put("api_key", HttpTesting.API_KEY);
    return body;
  };

  @TempDir Path dir;
  HttpServer server;
  /** Decides the status for a parsed body; default 200. */
  final AtomicReference<Function<JsonNode, Integer>> answer = new AtomicReference<>(b -> 200);
  final List<JsonNode> accepted = Collections.synchronizedList(new ArrayList<>());
  final AtomicInteger requests = new AtomicInteger();

  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "test-receiver");
      t.setDaemon(true);
      return t;
    }));
    server.createContext("/2/httpapi", exchange -> {
      byte[] raw = exchange.getRequestBody().readAllBytes();
      if ("gzip".equals(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
        raw = new GZIPInputStream(new java.io.ByteArrayInputStream(raw)).readAllBytes();
      }
      JsonNode body = HttpTesting.json(new String(raw, StandardCharsets.UTF_8));
      requests.incrementAndGet();
      int status = answer.get().apply(body);
      byte[] out = status == 200 ? "{\"code\":200}".getBytes(StandardCharsets.UTF_8) : responseFor(status, body);
      if (status == 200) accepted.add(body);
      exchange.sendResponseHeaders(status, out.length);
      exchange.getResponseBody().write(out);
      exchange.close();
    });
    server.start();
  }

  /** Amplitude-style 400 naming every event whose "bad" flag is set. */
  static byte[] responseFor(int status, JsonNode body) {
    if (status != 400) return ("{\"code\":" + status + "}").getBytes(StandardCharsets.UTF_8);
    List<Integer> bad = new ArrayList<>();
    for (int i = 0; i < body.get("events").size(); i++) {
      if (body.get("events").get(i).path("bad").asBoolean()) bad.add(i);
    }
    return ("{\"code\":400,\"error\":\"Request missing required field\",\"events_with_invalid_fields\":{\"time\":"
        + bad + "}}").getBytes(StandardCharsets.UTF_8);
  }

  /** Remembers the sink faults the core relays. */
  static final class FaultListener implements Listener {
    final List<String> faults = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger cleared = new AtomicInteger();

    @Override
    public void onSinkFault(String sink, String message) {
      faults.add(message);
    }

    @Override
    public void onSinkFaultCleared(String sink) {
      cleared.incrementAndGet();
    }
  }

  HttpSink.Builder sink() {
    return HttpSink.builder()
        .endpoint("http://127.0.0.1:" + server.getAddress().getPort() + "/2/httpapi")
        .amplitude(AmplitudeMode.ON)
        .backoff(Duration.ofMillis(1), Duration.ofMillis(10))
        .maxAttempts(1);
  }

  Analytics.Builder analytics(HttpSink sink, Listener listener) {
    return Analytics.builder().directory(dir).sink("amplitude", sink, SEED).listener(listener)
        .retryBackoff(Duration.ofMillis(5), Duration.ofMillis(50)).closeTimeout(Duration.ofMillis(500));
  }

  @AfterEach
  void stop() {
    if (server != null) server.stop(0);
  }

  Set<Integer> acceptedNs() {
    Set<Integer> ns = new HashSet<>();
    synchronized (accepted) {
      for (JsonNode b : accepted) b.get("events").forEach(e -> ns.add(e.get("n").asInt()));
    }
    return ns;
  }

  @Test
  void emittedEventsArriveBatchedWithInsertIds() throws Exception {
    start();
    Map<Integer, String> ids = new ConcurrentHashMap<>();
    try (Analytics a = analytics(sink().maxBatchRecords(100).build(), Listener.NONE).build()) {
      for (int i = 0; i < 500; i++) {
        ids.put(i, a.emit(Map.of("event_type", "Signed Up", "user_id", "user-" + (10000 + i), "n", i)));
      }
      assertThat(a.flush(Duration.ofSeconds(20))).isTrue();
      assertThat(a.stats().delivered()).isEqualTo(500);
    }
    assertThat(acceptedNs()).hasSize(500);
    assertThat(requests.get()).isLessThan(500 / 2); // batched, not one request per event
    synchronized (accepted) {
      for (JsonNode b : accepted) {
        assertThat(b.get("api_key").asText()).isEqualTo(HttpTesting.API_KEY);
        b.get("events").forEach(e -> assertThat(e.get("insert_id").asText()).isEqualTo(ids.get(e.get("n").asInt())));
      }
    }
  }

  /**
   * Events pass from the log to the body as their stored bytes, insert_id appended to those bytes; each
   * kind of event must arrive as emitted, with the record's id where it had no insert_id of its own.
   */
  @Test
  void everyKindOfEventArrivesAsEmittedWithItsInsertId() throws Exception {
    start();
    List<String> events = List.of(
        "{\"n\":0}",
        "{\"n\":1,\"insert_id\":\"mine\"}",
        "{\"n\":2,\"insert_id\":null}",
        "{\"n\":3,\"event_properties\":{\"insert_id\":\"nested\"}}",
        "{\"n\":4,\"name\":\"Zoë \\\"quoted\\\" \\\\ \\n ✓ \\u0001\",\"list\":[1,2.5,null,true,{}],\"o\":{}}",
        "{\"n\":5,\"note\":\"says \\\"insert_id\\\" in text\"}",
        "{\"insert\\u005fid\":\"escaped\",\"n\":6}",
        "{\"n\":7,\"name\":\"Zoë \\\"q\\\" ✓\",\"o\":{\"p\":[]}}");
    Map<Integer, String> ids = new ConcurrentHashMap<>();
    try (Analytics a = analytics(sink().build(), Listener.NONE).build()) {
      for (int i = 0; i < events.size(); i++) ids.put(i, a.emit(events.get(i)));
      assertThat(a.flush(Duration.ofSeconds(20))).isTrue();
    }
    Map<Integer, JsonNode> arrived = new ConcurrentHashMap<>();
    synchronized (accepted) {
      for (JsonNode b : accepted) b.get("events").forEach(e -> arrived.put(e.get("n").asInt(), e));
    }
    assertThat(arrived).hasSize(events.size());
    for (int i = 0; i < events.size(); i++) {
      ObjectNode expected = (ObjectNode) HttpTesting.json(events.get(i));
      if (expected.path("insert_id").isMissingNode() || expected.get("insert_id").isNull()) {
        expected.put("insert_id", ids.get(i));
      }
      assertThat(arrived.get(i)).as("event %d", i).isEqualTo(expected);
    }
    assertThat(arrived.get(1).get("insert_id").asText()).isEqualTo("mine");
    assertThat(arrived.get(6).get("insert_id").asText()).isEqualTo("escaped");
  }

  /**
   * A mapper that indents stores events with whitespace, an empty one as {@code { }}: insert_id is
   * appended to those bytes as they are, and the body must still be valid JSON with each event whole.
   */
  @Test
  void storedEventsWithWhitespaceGetTheirInsertIdAsValidJson() throws Exception {
    start();
    ObjectMapper indenting = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    List<String> events = List.of("{}", "{\"n\":1}", "{\"n\":2,\"o\":{},\"l\":[ ]}");
    List<String> ids = new ArrayList<>();
    try (Analytics a = analytics(sink().build(), Listener.NONE).objectMapper(indenting).build()) {
      for (String event : events) ids.add(a.emit(event));
      assertThat(a.flush(Duration.ofSeconds(20))).isTrue();
    }
    Map<String, JsonNode> arrived = new ConcurrentHashMap<>();
    synchronized (accepted) {
      for (JsonNode b : accepted) b.get("events").forEach(e -> arrived.put(e.get("insert_id").asText(), e));
    }
    assertThat(arrived).hasSize(events.size());
    for (int i = 0; i < events.size(); i++) {
      ObjectNode expected = (ObjectNode) HttpTesting.json(events.get(i));
      expected.put("insert_id", ids.get(i));
      assertThat(arrived.get(ids.get(i))).as("event %d", i).isEqualTo(expected);
    }
  }

  @Test
  void lingerLetsABatchFillBeforeItIsSent() throws Exception {
    start();
    try (Analytics a = analytics(sink().linger(Duration.ofSeconds(1)).maxBatchRecords(100).build(), Listener.NONE)
        .build()) {
      for (int i = 0; i < 10; i++) a.emit(Map.of("event_type", "e", "user_id", "user-" + (10000 + i), "n", i));
      // No flush: flush sends without lingering. The dispatcher waits up to 1 s for more records.
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (acceptedNs().size() < 10 && System.nanoTime() < deadline) Thread.sleep(10);
    }
    assertThat(acceptedNs()).hasSize(10);
    assertThat(requests.get()).isEqualTo(1);
    assertThat(accepted.get(0).get("events")).hasSize(10);
  }

  @Test
  void aPartial400DeadLettersExactlyTheBadEvents() throws Exception {
    start();
    answer.set(b -> {
      for (JsonNode e : b.get("events")) if (e.path("bad").asBoolean()) return 400;
      return 200;
    });
    try (Analytics a = analytics(sink().build(), Listener.NONE).build()) {
      for (int i = 0; i < 50; i++) {
        a.emit(Map.of("event_type", "e", "user_id", "user-" + (10000 + i), "n", i, "bad", i % 10 == 3));
      }
      assertThat(a.flush(Duration.ofSeconds(20))).isTrue();
      List<DeadLetter> dead = a.deadLetters().list();
      assertThat(dead).hasSize(5);
      assertThat(dead).allSatisfy(d -> {
        assertThat(d.reason()).contains("invalid field time");
        assertThat(d.envelope().get("event").get("n").asInt() % 10).isEqualTo(3);
      });
    }
    assertThat(acceptedNs()).hasSize(45);
  }

  @Test
  void aBadKeyHoldsEverythingAndReportsAFaultThenDeliversOnceFixed() throws Exception {
    start();
    answer.set(b -> 401);
    FaultListener listener = new FaultListener();
    List<String> faults = listener.faults;
    AtomicInteger cleared = listener.cleared;
    try (Analytics a = analytics(sink().faultRetryDelay(Duration.ofMillis(50)).build(), listener).build()) {
      for (int i = 0; i < 20; i++) a.emit(Map.of("event_type", "e", "user_id", "user-" + (10000 + i), "n", i));
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (faults.isEmpty() && System.nanoTime() < deadline) Thread.sleep(5);
      assertThat(faults).isNotEmpty();
      assertThat(faults.get(0)).contains("HTTP 401");
      assertThat(a.flush(Duration.ofMillis(100))).isFalse();
      assertThat(a.deadLetters().list()).isEmpty();
      answer.set(b -> 200);
      assertThat(a.flush(Duration.ofSeconds(20))).isTrue();
      assertThat(a.deadLetters().list()).isEmpty();
    }
    // The listener runs on its own thread; close() waits for it for 5 s at most.
    Await.until(Duration.ofSeconds(10), () -> cleared.get() >= 1, "the cleared fault heard");
    assertThat(cleared.get()).isEqualTo(1);
    assertThat(acceptedNs()).hasSize(20);
  }

  @Test
  void aBatchStillFailingHoldsTheCursorWhileLaterBatchesSucceed() throws Exception {
    start();
    // The batch holding event 0 keeps failing while later batches (in flight at the same time,
    // maxInFlight 4) succeed: they complete out of order.
    answer.set(b -> {
      for (JsonNode e : b.get("events")) if (e.get("n").asInt() == 0) return 503;
      return 200;
    });
    try (Analytics a = analytics(sink().maxBatchRecords(10).maxInFlight(4).build(), Listener.NONE).build()) {
      for (int i = 0; i < 40; i++) a.emit(Map.of("event_type", "e", "user_id", "user-" + (10000 + i), "n", i));
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (acceptedNs().size() < 10 && System.nanoTime() < deadline) Thread.sleep(10);
      assertThat(acceptedNs()).hasSizeGreaterThanOrEqualTo(10).doesNotContain(0);
      assertThat(a.flush(Duration.ofMillis(100))).isFalse();
    }
    // Restart: the first batch was never delivered, so the cursor did not pass it.
    answer.set(b -> 200);
    try (Analytics a = analytics(sink().maxBatchRecords(10).maxInFlight(4).build(), Listener.NONE).build()) {
      assertThat(a.flush(Duration.ofSeconds(20))).isTrue();
    }
    assertThat(acceptedNs()).hasSize(40);
  }

  @Test
  void a413WindowForSmallRecordsDeadLettersNothing() throws Exception {
    start();
    // A proxy answers 413 to the first 25 requests, whatever their size, then lets everything through.
    AtomicInteger refusals = new AtomicInteger(25);
    answer.set(b -> refusals.getAndDecrement() > 0 ? 413 : 200);
    FaultListener listener = new FaultListener();
    List<String> faults = listener.faults;
    AtomicInteger cleared = listener.cleared;
    try (Analytics a = analytics(sink().build(), listener).build()) {
      for (int i = 0; i < 20; i++) a.emit(Map.of("event_type", "e", "user_id", "user-" + (10000 + i), "n", i));
      assertThat(a.flush(Duration.ofSeconds(20))).isTrue();
      assertThat(a.deadLetters().list()).isEmpty();
      assertThat(a.stats().delivered()).isEqualTo(20);
    }
    assertThat(acceptedNs()).hasSize(20);
    Await.until(Duration.ofSeconds(10), () -> cleared.get() > 0, "the cleared fault heard");
    assertThat(faults).isNotEmpty().allSatisfy(f -> assertThat(f).contains("HTTP 413"));
    assertThat(cleared.get()).isPositive();
  }
}
