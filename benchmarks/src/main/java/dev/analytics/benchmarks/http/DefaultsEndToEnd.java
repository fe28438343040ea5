package dev.analytics.benchmarks.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.analytics.Analytics;
import dev.analytics.http.AmplitudeMode;
import dev.analytics.http.HttpSink;
import dev.analytics.transform.JoltPipeline;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * End to end with every setting at its default, as a user who follows the README gets it: one thread
 * emits N events of the peer report's shape (about 250 bytes), the seed connector's chain, an
 * {@link HttpSink} with only its endpoint and Amplitude mode set (so 500 records per batch, gzip,
 * adaptive concurrency), the JDK HTTP server on loopback counting {@code insert_id}s. Each round runs
 * from the first {@code emit} until {@code flush} returns and checks the receiver counted every event.
 * Uses only API that exists since the module split, so the same class can run against an older build
 * (put this class ahead of that build's jar on the class path) for a before/after pair.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.analytics.benchmarks.http.DefaultsEndToEnd [events] [rounds]
 * </pre>
 */
public final class DefaultsEndToEnd {
  // The API key is written into the chain rather than taken from a secret: Secrets moved package
  // during issue 8, and this harness must run against builds from both sides of that move.
  static final String CHAIN = "[{\"operation\":\"remove\",\"spec\":{\"timestamp\":\"\"}},"
      + "{\"operation\":\"shift\",\"spec\":{\"event\":\"events[0]\"}},"
      + "{\"operation\":\"default\",\"spec\":{\"api_key\":\"bench-api-key-0123\"}}]";
  static final ObjectMapper MAPPER = new ObjectMapper();
  static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private DefaultsEndToEnd() {}

  public static void main(String[] args) throws Exception {
    int events = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    AtomicLong received = new AtomicLong();
    AtomicLong requests = new AtomicLong();
    HttpServer server = HttpDeliveryHarness.receiver(received, requests);
    Path dir = Files.createTempDirectory("analytics-defaults-bench");
    try {
      HttpSink sink = HttpSink.builder()
          .endpoint("http://127.0.0.1:" + server.getAddress().getPort() + "/2/httpapi")
          .amplitude(AmplitudeMode.ON).build();
      JoltPipeline chain = JoltPipeline.builder().step("infinyon/jolt@0.3.0", CHAIN).build();
      try (Analytics analytics = Analytics.builder().directory(dir).sink("amplitude", sink, chain)
          .maxDiskBytes(4L << 30).build()) {
        round(analytics, Math.min(events, 100_000), received, requests, -1); // JIT, connections
        for (int r = 1; r <= rounds; r++) round(analytics, events, received, requests, r);
      }
    } finally {
      server.stop(0);
      HttpDeliveryHarness.deleteTree(dir);
    }
  }

  static void round(Analytics analytics, int events, AtomicLong received, AtomicLong requests, int round) {
    long r0 = received.get();
    long q0 = requests.get();
    Map<Long, Long> cpu0 = threadCpu();
    long start = System.nanoTime();
    for (int i = 0; i < events; i++) analytics.emit(event(i));
    long emitted = System.nanoTime() - start;
    if (!analytics.flush(Duration.ofMinutes(5))) throw new IllegalStateException("flush timed out");
    long nanos = System.nanoTime() - start;
    long got = received.get() - r0;
    if (got != events) throw new IllegalStateException("receiver got " + got + " of " + events);
    if (round < 0) return;
    long[] cpu = cpuByRole(cpu0, threadCpu());
    System.out.printf("RESULT round %d: %,.0f events/s (%d events, %.2f s; emit loop %.2f s; %.0f events per request;"
            + " CPU per event: library threads %.2f us, emitting thread %.2f us, receiver %.2f us)%n",
        round, events / (nanos / 1e9), events, nanos / 1e9, emitted / 1e9,
        (double) events / (requests.get() - q0), cpu[0] / 1e3 / events, cpu[1] / 1e3 / events,
        cpu[2] / 1e3 / events);
  }

  /** CPU nanoseconds of every live thread, by id (names are looked up again at the end). */
  static Map<Long, Long> threadCpu() {
    Map<Long, Long> cpu = new HashMap<>();
    for (long id : THREADS.getAllThreadIds()) {
      long nanos = THREADS.getThreadCpuTime(id);
      if (nanos >= 0) cpu.put(id, nanos);
    }
    return cpu;
  }

  /**
   * CPU used between two snapshots: {library, emitting thread, receiver}. The emitting thread ("main")
   * also builds the events, the same work for every build; the receiver is the JDK server's threads;
   * everything else (the dispatcher, the syncer, the sink's pool, the HTTP client) is the library.
   * A thread that ended between the snapshots is not counted.
   */
  static long[] cpuByRole(Map<Long, Long> before, Map<Long, Long> after) {
    long[] sums = new long[3];
    for (Map.Entry<Long, Long> e : after.entrySet()) {
      ThreadInfo info = THREADS.getThreadInfo(e.getKey());
      if (info == null) continue;
      String name = info.getThreadName();
      int role = name.equals("main") ? 1 : name.startsWith("bench-receiver") || name.startsWith("HTTP-Dispatcher") ? 2 : 0;
      sums[role] += e.getValue() - before.getOrDefault(e.getKey(), 0L);
    }
    return sums;
  }

  /** The peer report's event: Amplitude's shape, about 250 bytes as JSON. */
  static ObjectNode event(int i) {
    ObjectNode event = MAPPER.createObjectNode()
        .put("user_id", "user" + (i % 10_000) + "@example.com")
        .put("device_id", "device-" + (i % 5_000))
        .put("event_type", "ServiceAbcExampleEvent")
        .put("time", 1696629748241L + i)
        .put("app_version", "c738ca3")
        .put("event_id", i)
        .put("session_id", 9876645851321L);
    event.putObject("event_properties").put("plan", i % 3 == 0 ? "pro" : "free").put("source", "checkout")
        .put("items", i % 7);
    return event;
  }
}
