package dev.analytics.benchmarks.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.Deflater;

/**
 * Chooses the sink's gzip level by measurement: compresses the body {@link HttpDeliveryHarness} sends
 * (one Amplitude request of 2000 events as the seed chain shapes them, {@code insert_id} filled) at
 * several {@link Deflater} levels, alternating the levels in every round, and prints per level the
 * compressed size and the CPU time per event and per MB of body.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.analytics.benchmarks.http.GzipLevelHarness [--rounds R]
 * </pre>
 */
public final class GzipLevelHarness {
  static final int[] LEVELS = {1, 3, 6, 9};
  static final int EVENTS = 2000;

  private GzipLevelHarness() {}

  public static void main(String[] args) {
    int rounds = Integer.parseInt(HttpDeliveryHarness.arg(args, "--rounds", "30"));
    byte[] body = body();
    Deflater[] deflaters = new Deflater[LEVELS.length];
    for (int i = 0; i < LEVELS.length; i++) deflaters[i] = new Deflater(LEVELS[i], true);
    long[] nanos = new long[LEVELS.length];
    int[] sizes = new int[LEVELS.length];
    byte[] out = new byte[body.length + 1024];
    for (int r = -5; r < rounds; r++) { // 5 warm-up rounds
      for (int i = 0; i < LEVELS.length; i++) {
        long start = System.nanoTime();
        int size = 0;
        for (int rep = 0; rep < 10; rep++) size = deflate(deflaters[i], body, out);
        if (r >= 0) nanos[i] += System.nanoTime() - start;
        sizes[i] = size;
      }
    }
    System.out.printf("java %s, %d cpus; body %,d bytes (%d events, %d bytes each)%n",
        System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), body.length, EVENTS,
        body.length / EVENTS);
    double base = nanos[0];
    for (int i = 0; i < LEVELS.length; i++) {
      double perBody = nanos[i] / (rounds * 10.0);
      System.out.printf("level %d: %,d bytes (%.1fx smaller, %.1f bytes/event), %.0f ns/event, %.0f MB/s, cpu %.2fx level 1%n",
          LEVELS[i], sizes[i], (double) body.length / sizes[i], (double) sizes[i] / EVENTS, perBody / EVENTS,
          body.length / perBody * 1e3, nanos[i] / base);
    }
  }

  static int deflate(Deflater deflater, byte[] body, byte[] out) {
    deflater.reset();
    deflater.setInput(body);
    deflater.finish();
    int n = 0;
    while (!deflater.finished()) n += deflater.deflate(out, n, out.length - n);
    return n + 18; // plus the gzip header and trailer
  }

  /** One request body as the batched harness sends it. */
  static byte[] body() {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes("{\"api_key\":\"bench-api-key-0123\",\"events\":[".getBytes(StandardCharsets.UTF_8));
    for (int i = 0; i < EVENTS; i++) {
      if (i > 0) b.write(',');
      String id = String.format("0190%04x-%04x-7%03x-9b3c-%012x", i * 7919 % 65536, i, i % 4096, 1696629748241L + i * 31L);
      b.writeBytes(("{\"user_id\":\"user" + (i % 10_000) + "@example.com\",\"event_type\":\"ServiceAbcExampleEvent\","
          + "\"time\":" + (1696629748241L + i) + ",\"app_version\":\"c738ca3\",\"event_id\":" + i
          + ",\"session_id\":9876645851321,\"insert_id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8));
    }
    b.writeBytes("]}".getBytes(StandardCharsets.UTF_8));
    return b.toByteArray();
  }
}
