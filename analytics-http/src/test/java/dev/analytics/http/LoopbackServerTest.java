package dev.analytics.http;

import static dev.analytics.http.testing.HttpTesting.json;
import static dev.analytics.http.testing.HttpTesting.kinds;
import static dev.analytics.http.testing.HttpTesting.seedRecords;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.analytics.http.testing.HttpTesting.RecordingScheduler;
import dev.analytics.spi.Outcome.Kind;
import dev.analytics.spi.Outcome;
import dev.analytics.spi.Record;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Raw wire behaviour (gzip bytes, concurrency) against the JDK's own HTTP server on loopback. */
class LoopbackServerTest {
  HttpServer server;
  HttpSink sink;
  final RecordingScheduler scheduler = new RecordingScheduler();
  final List<Received> received = Collections.synchronizedList(new ArrayList<>());

  record Received(String contentEncoding, byte[] raw) {}

  void start(Consumer<HttpExchange> beforeAnswer) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "test-http-server");
      t.setDaemon(true);
      return t;
    }));
    server.createContext("/in", exchange -> {
      byte[] raw = exchange.getRequestBody().readAllBytes();
      received.add(new Received(exchange.getRequestHeaders().getFirst("Content-Encoding"), raw));
      exchange.setAttribute("body", new String(raw, StandardCharsets.UTF_8));
      beforeAnswer.accept(exchange);
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    server.start();
  }

  HttpSink.Builder builder() {
    return HttpSink.builder()
        .endpoint("http://127.0.0.1:" + server.getAddress().getPort() + "/in")
        .scheduler(scheduler)
        .backoff(Duration.ofMillis(1), Duration.ofMillis(10));
  }

  @AfterEach
  void tearDown() {
    if (sink != null) sink.close();
    if (server != null) server.stop(0);
    scheduler.shutdownNow();
  }

  static String gunzip(byte[] raw) throws IOException {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  List<Outcome> send(List<Record> batch) throws Exception {
    return sink.send(batch).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void largeBodiesAreGzippedOnTheWireSmallOnesAreNot() throws Exception {
    start(e -> {});
    sink = builder().gzipMinBytes(1024).build();
    assertThat(kinds(send(seedRecords(100)))).containsOnly(Kind.DELIVERED);
    assertThat(kinds(send(seedRecords(1)))).containsOnly(Kind.DELIVERED);
    assertThat(received).hasSize(2);
    Received big = received.get(0);
    assertThat(big.contentEncoding()).isEqualTo("gzip");
    assertThat(big.raw()[0] & 0xff).isEqualTo(0x1f);
    assertThat(big.raw()[1] & 0xff).isEqualTo(0x8b);
    String body = gunzip(big.raw());
    assertThat(json(body).get("events")).hasSize(100);
    assertThat(big.raw().length).isLessThan(body.length() / 2);
    Received small = received.get(1);
    assertThat(small.contentEncoding()).isNull();
    assertThat(json(new String(small.raw(), StandardCharsets.UTF_8)).get("events")).hasSize(1);
  }

  @Test
  void gzipCanBeSwitchedOff() throws Exception {
    start(e -> {});
    sink = builder().gzip(false).build();
    send(seedRecords(200));
    assertThat(received).singleElement().satisfies(r -> {
      assertThat(r.contentEncoding()).isNull();
      assertThat(json(new String(r.raw(), StandardCharsets.UTF_8)).get("events")).hasSize(200);
    });
  }

  @Test
  void requestsCompletingOutOfOrderStillMapToRecordsInOrder() throws Exception {
    // The request for record 0 is held until the one for record 2 has been answered.
    CountDownLatch lastAnswered = new CountDownLatch(1);
    AtomicInteger answered = new AtomicInteger();
    List<Integer> answerOrder = Collections.synchronizedList(new ArrayList<>());
    start(exchange -> {
      int n = json((String) exchange.getAttribute("body"))
          .get("events").get(0).get("n").asInt();
      try {
        // Released by the answer to record 2: a deadline that ran out first would answer 0 early.
        if (n == 0) lastAnswered.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
      }
      answerOrder.add(n);
      if (n == 2) {
        answered.incrementAndGet();
        lastAnswered.countDown();
      }
    });
    sink = builder().bodyMode(BodyMode.perRecord()).build();
    List<Outcome> outcomes = send(seedRecords(3));
    assertThat(kinds(outcomes)).containsExactly(Kind.DELIVERED, Kind.DELIVERED, Kind.DELIVERED);
    assertThat(answerOrder.indexOf(2)).isLessThan(answerOrder.indexOf(0));
  }

  @Test
  void concurrentBatchesCompleteOutOfOrderAndEachGetsItsOwnOutcomes() throws Exception {
    CountDownLatch second = new CountDownLatch(1);
    start(exchange -> {
      String body = (String) exchange.getAttribute("body");
      try {
        // Released by the test once B's answer is in: a deadline that ran out first would answer A early.
        if (body.contains("\"batch\":\"A\"")) second.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
      }
    });
    sink = builder().build();
    List<Record> a = List.of(Record.of("a", Instant.EPOCH, json("{\"events\":[{\"i\":1}],\"batch\":\"A\"}")));
    List<Record> b = List.of(Record.of("b", Instant.EPOCH, json("{\"events\":[{\"i\":2}],\"batch\":\"B\"}")));
    CompletableFuture<List<Outcome>> fa = sink.send(a).toCompletableFuture();
    CompletableFuture<List<Outcome>> fb = sink.send(b).toCompletableFuture();
    assertThat(kinds(fb.get(10, TimeUnit.SECONDS))).containsExactly(Kind.DELIVERED);
    assertThat(fa).isNotDone();
    second.countDown();
    assertThat(kinds(fa.get(10, TimeUnit.SECONDS))).containsExactly(Kind.DELIVERED);
  }

  @Test
  void concurrentRequestsStayWithinTheLimit() throws Exception {
    AtomicInteger running = new AtomicInteger();
    AtomicInteger peak = new AtomicInteger();
    start(exchange -> {
      int now = running.incrementAndGet();
      peak.accumulateAndGet(now, Math::max);
      try {
        Thread.sleep(20);
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
      }
      running.decrementAndGet();
    });
    sink = builder().bodyMode(BodyMode.perRecord()).maxConcurrentRequests(2).build();
    assertThat(kinds(send(seedRecords(12)))).containsOnly(Kind.DELIVERED);
    assertThat(received).hasSize(12);
    assertThat(peak.get()).isBetween(1, 2);
  }
}
