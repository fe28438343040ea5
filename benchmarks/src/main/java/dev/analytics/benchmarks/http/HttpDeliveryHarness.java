package dev.analytics.benchmarks.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.analytics.Analytics;
import dev.analytics.http.AmplitudeMode;
import dev.analytics.http.BodyMode;
import dev.analytics.http.HttpSink;
import dev.analytics.spi.Secrets;
import dev.analytics.transform.JoltPipeline;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * End-to-end delivery throughput through the whole library: {@code emit} -> durable log -> the seed
 * connector's Jolt chain ({@code infinyon/jolt@0.3.0}) -> {@link HttpSink} (Amplitude mode) -> a
 * receiver on loopback (the JDK HTTP server) that counts the events it got. Reports events per second
 * from the first {@code emit} until {@code flush} returns, after a warm-up round.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.analytics.benchmarks.http.HttpDeliveryHarness \
 *     [--mode batch|sink-only|per-record|all] [--events N] [--per-record-events N] [--gzip true|false] [--rounds R]
 * </pre>
 */
public final class HttpDeliveryHarness {
  static final String SEED_SPEC = "[{\"operation\":\"remove\",\"spec\":{\"timestamp\":\"\"}},"
      + "{\"operation\":\"shift\",\"spec\":{\"event\":\"events[0]\"}},"
      + "{\"operation\":\"default\",\"spec\":{\"api_key\":\"${{ secrets.AMPLITUDE_API_TOKEN }}\"}}]";
  static final byte[] MARKER = "\"insert_id\"".getBytes(StandardCharsets.UTF_8);
  static final ObjectMapper MAPPER = new ObjectMapper();

  private HttpDeliveryHarness() {}

  public static void main(String[] args) throws Exception {
    String mode = arg(args, "--mode", "all");
    int events = Integer.parseInt(arg(args, "--events", "200000"));
    int perRecordEvents = Integer.parseInt(arg(args, "--per-record-events", "20000"));
    boolean gzip = Boolean.parseBoolean(arg(args, "--gzip", "true"));
    int rounds = Integer.parseInt(arg(args, "--rounds", "3"));

    AtomicLong received = new AtomicLong();
    AtomicLong requests = new AtomicLong();
    HttpServer server = receiver(received, requests);
    String endpoint = "http://127.0.0.1:" + server.getAddress().getPort() + "/2/httpapi";
    System.out.printf("java %s, %d cpus; receiver %s%n", System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors(), endpoint);
    try {
      if (mode.equals("all") || mode.equals("batch")) {
        HttpSink sink = HttpSink.builder().endpoint(endpoint).amplitude(AmplitudeMode.ON)
            .bodyMode(BodyMode.mergeOn("events")).maxBatchRecords(2000).maxInFlight(4).gzip(gzip).build();
        run("batched (merge on events, 2000/batch, 4 in flight, gzip " + gzip + ")", sink, events, rounds,
            received, requests);
      }
      if (mode.equals("all") || mode.equals("sink-only")) {
        HttpSink sink = HttpSink.builder().endpoint(endpoint).amplitude(AmplitudeMode.ON)
            .bodyMode(BodyMode.mergeOn("events")).maxBatchRecords(2000).maxInFlight(4).gzip(gzip).build();
        sinkOnly("sink alone (transformed batches of 2000, 4 in flight, gzip " + gzip + ")", sink, events, rounds,
            received);
      }
      if (mode.equals("all") || mode.equals("per-record")) {
        HttpSink sink = HttpSink.builder().endpoint(endpoint).amplitude(AmplitudeMode.ON)
            .bodyMode(BodyMode.perRecord()).maxBatchRecords(500).maxInFlight(4).maxConcurrentRequests(16)
            .gzip(gzip).build();
        run("one record per request (16 concurrent requests)", sink, perRecordEvents, rounds, received, requests);
      }
    } finally {
      server.stop(0);
    }
  }

  static void run(String label, HttpSink sink, int events, int rounds, AtomicLong received, AtomicLong requests)
      throws Exception {
    Path dir = Files.createTempDirectory("analytics-http-bench");
    Secrets secrets = Secrets.resolve(List.of("AMPLITUDE_API_TOKEN"), name -> Optional.of("bench-api-key-0123"));
    JoltPipeline seed = JoltPipeline.builder().secrets(secrets).step("infinyon/jolt@0.3.0", SEED_SPEC).build();
    try (Analytics analytics = Analytics.builder().directory(dir).sink("amplitude", sink, seed)
        .maxDiskBytes(4L << 30).build()) {
      int warmup = Math.min(events, 20_000);
      round(analytics, warmup, received, requests); // JIT, connections
      double best = 0;
      for (int r = 1; r <= rounds; r++) {
        long[] result = round(analytics, events, received, requests);
        double perSecond = events / (result[0] / 1e9);
        best = Math.max(best, perSecond);
        System.out.printf("%s round %d: %d events in %.2f s = %,.0f events/s (%d requests, %d received;"
                + " emit loop alone %.2f s)%n",
            label, r, events, result[0] / 1e9, perSecond, result[1], result[2], result[3] / 1e9);
        if (result[2] != events) throw new IllegalStateException("receiver got " + result[2] + " of " + events);
      }
      System.out.printf("RESULT %s: best %,.0f events/s%n", label, best);
    } finally {
      deleteTree(dir);
    }
  }

  /**
   * The sink without the core: the seed chain applied once up front, then {@code send} with up to
   * {@code maxInFlight} batches outstanding, like the dispatcher does. Separates this module's cost
   * from the log's and the dispatcher's.
   */
  static void sinkOnly(String label, HttpSink sink, int events, int rounds, AtomicLong received) throws Exception {
    Secrets secrets = Secrets.resolve(List.of("AMPLITUDE_API_TOKEN"), name -> Optional.of("bench-api-key-0123"));
    JoltPipeline seed = JoltPipeline.builder().secrets(secrets).step("infinyon/jolt@0.3.0", SEED_SPEC).build();
    int size = sink.maxBatchRecords();
    java.util.List<java.util.List<dev.analytics.spi.Record>> batches = new java.util.ArrayList<>();
    for (int b = 0; b * size < events; b++) {
      java.util.List<dev.analytics.spi.Record> batch = new java.util.ArrayList<>();
      for (int i = b * size; i < Math.min(events, (b + 1) * size); i++) {
        ObjectNode envelope = MAPPER.createObjectNode().put("id", "0190-" + i).put("timestamp", "2026-01-01T00:00:00Z");
        envelope.putObject("event").put("user_id", "user" + (i % 10_000) + "@example.com")
            .put("event_type", "ServiceAbcExampleEvent").put("time", 1696629748241L + i).put("app_version", "c738ca3")
            .put("event_id", i).put("session_id", 9876645851321L);
        batch.add(dev.analytics.spi.Record.of("0190-" + i, java.time.Instant.now(), seed.apply(envelope)));
      }
      batches.add(batch);
    }
    double best = 0;
    for (int r = 0; r <= rounds; r++) {
      long r0 = received.get();
      long start = System.nanoTime();
      java.util.ArrayDeque<java.util.concurrent.CompletableFuture<?>> window = new java.util.ArrayDeque<>();
      for (java.util.List<dev.analytics.spi.Record> batch : batches) {
        if (window.size() >= sink.maxInFlight()) window.poll().get();
        window.add(sink.send(batch).toCompletableFuture());
      }
      for (java.util.concurrent.CompletableFuture<?> f : window) f.get();
      double perSecond = events / ((System.nanoTime() - start) / 1e9);
      if (received.get() - r0 != events) throw new IllegalStateException("receiver got " + (received.get() - r0));
      if (r == 0) continue; // warm-up
      best = Math.max(best, perSecond);
      System.out.printf("%s round %d: %,.0f events/s%n", label, r, perSecond);
    }
    sink.close();
    System.out.printf("RESULT %s: best %,.0f events/s%n", label, best);
  }

  /** Returns {nanos, requests, events received, nanos spent in the emit loop}. */
  static long[] round(Analytics analytics, int events, AtomicLong received, AtomicLong requests) {
    long r0 = received.get();
    long q0 = requests.get();
    long start = System.nanoTime();
    for (int i = 0; i < events; i++) {
      ObjectNode event = MAPPER.createObjectNode()
          .put("user_id", "user" + (i % 10_000) + "@example.com")
          .put("event_type", "ServiceAbcExampleEvent")
          .put("time", 1696629748241L + i)
          .put("app_version", "c738ca3")
          .put("event_id", i)
          .put("session_id", 9876645851321L);
      analytics.emit(event);
    }
    long emitted = System.nanoTime() - start;
    if (!analytics.flush(Duration.ofMinutes(10))) throw new IllegalStateException("flush timed out");
    long nanos = System.nanoTime() - start;
    return new long[] {nanos, requests.get() - q0, received.get() - r0, emitted};
  }

  /** Counts events by their insert_id (filled by the sink in Amplitude mode), gunzipping as needed. */
  static HttpServer receiver(AtomicLong received, AtomicLong requests) throws IOException {
    // Without TCP_NODELAY the JDK server's separate header and body writes meet delayed ACKs: a 40 ms
    // stall per response that would measure the receiver, not the library.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
    server.setExecutor(Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "bench-receiver");
      t.setDaemon(true);
      return t;
    }));
    byte[] ok = "{\"code\":200}".getBytes(StandardCharsets.UTF_8);
    server.createContext("/2/httpapi", exchange -> {
      byte[] body = exchange.getRequestBody().readAllBytes();
      if ("gzip".equals(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
          body = in.readAllBytes();
        }
      }
      received.addAndGet(count(body));
      requests.incrementAndGet();
      exchange.sendResponseHeaders(200, ok.length);
      exchange.getResponseBody().write(ok);
      exchange.close();
    });
    server.start();
    return server;
  }

  static int count(byte[] body) {
    int n = 0;
    outer:
    for (int i = 0; i <= body.length - MARKER.length; i++) {
      for (int j = 0; j < MARKER.length; j++) {
        if (body[i + j] != MARKER[j]) continue outer;
      }
      n++;
    }
    return n;
  }

  static String arg(String[] args, String name, String fallback) {
    for (int i = 0; i < args.length - 1; i++) {
      if (args[i].equals(name)) return args[i + 1];
    }
    return fallback;
  }

  static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
