package dev.analytics.benchmarks.core;

import dev.analytics.Analytics;
import dev.analytics.spi.Outcome;
import dev.analytics.spi.Sink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;

/**
 * The latency of one {@code emit()} call at a steady rate, as a service sees it: one thread emits at
 * {@code rate} events per second in the default durability while the dispatcher delivers to an
 * in-memory sink with {@link Sink}'s defaults (batches of 500, no linger).
 *
 * <p>Open loop: call {@code i} is due at {@code start + i / rate}, and its latency is measured from
 * that intended time, not from when the thread got round to it, so a stall counts against every call
 * it delayed (no coordinated omission). Between calls the thread spins (a sleep is far coarser than
 * the 10-50 us between calls). Also reported, as {@code service}: the time inside {@code emit()} alone
 * (from the actual call to its return), which a loaded machine inflates less. Context switches are the sums of {@code voluntary_ctxt_switches} and
 * {@code nonvoluntary_ctxt_switches} over {@code /proc/self/task/*}{@code /status} (every thread of
 * the JVM), and of the emitting thread alone, before and after the measured interval.
 *
 * <pre>
 * java -Xms1g -Xmx1g -XX:+AlwaysPreTouch -cp benchmarks/target/benchmarks.jar dev.analytics.benchmarks.core.SteadyRateLatency \
 *     [rate=20000] [seconds=10] [warmup=5] [directory=target/latency-bench] [syncInterval=PT1S]
 * </pre>
 *
 * <p>Touch the heap first ({@code -XX:+AlwaysPreTouch}): in a fresh JVM every allocation buffer the
 * emitting thread takes lands on a page never touched before until the young generation has been used
 * up once, and those page faults, not the library, then make the p99 (docs/BENCHMARKS.md 7c).
 *
 * A {@code syncInterval} longer than the run ({@code PT60S}) leaves the periodic fsync out of it.
 *
 * Prints one line: {@code rate=... p50=.. p99=.. p99.9=.. max=.. (us) service p50=.. p99=.. p99.9=.. max=..
 * ctxsw/emit=.. emitter-ctxsw/emit=..}.
 */
public final class SteadyRateLatency {
  public static void main(String[] args) throws Exception {
    int rate = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    Path directory = Path.of(args.length > 3 ? args[3] : "target/latency-bench");
    CoreHarness.deleteRecursively(directory);

    Map<String, Object> event = CoreHarness.sampleEvent();

    Analytics.Builder builder = Analytics.builder().directory(directory).maxDiskBytes(8L << 30)
        .closeTimeout(Duration.ZERO).sink("bench", new CoreHarness.AnsweringSink(Outcome.delivered(), 500)); // Sink's default batch
    if (args.length > 4) builder.syncInterval(Duration.parse(args[4])); // e.g. PT60S: no fsync during the run
    try (Analytics analytics = builder.build()) {
      run(analytics, event, rate, warmup, newHistogram(), newHistogram(), new long[2]);
      Histogram latency = newHistogram();
      Histogram service = newHistogram();
      long allBefore = contextSwitchesOfAllThreads();
      long[] emitterSwitches = new long[2];
      long events = run(analytics, event, rate, seconds, latency, service, emitterSwitches);
      long all = contextSwitchesOfAllThreads() - allBefore;
      System.out.printf(java.util.Locale.ROOT, "rate=%d seconds=%d events=%d %s (us) service %s ctxsw/emit=%.4f "
          + "emitter-ctxsw/emit=%.4f%n", rate, seconds, events, percentiles(latency), percentiles(service),
          all / (double) events, (emitterSwitches[1] - emitterSwitches[0]) / (double) events);
    }
    CoreHarness.deleteRecursively(directory);
  }

  private static Histogram newHistogram() {
    return new Histogram(Duration.ofSeconds(10).toNanos(), 3);
  }

  private static String percentiles(Histogram h) {
    return String.format(java.util.Locale.ROOT, "p50=%.1f p99=%.1f p99.9=%.1f max=%.1f",
        micros(h.getValueAtPercentile(50)), micros(h.getValueAtPercentile(99)),
        micros(h.getValueAtPercentile(99.9)), micros(h.getMaxValue()));
  }

  /** Emits {@code rate * seconds} events on schedule from a new thread; returns how many. */
  private static long run(Analytics analytics, Map<String, Object> event, int rate, int seconds,
      Histogram latency, Histogram service, long[] emitterSwitches) throws InterruptedException {
    long count = (long) rate * seconds;
    double periodNanos = 1e9 / rate;
    Thread emitter = new Thread(() -> {
      emitterSwitches[0] = contextSwitchesOfThisThread();
      long start = System.nanoTime();
      for (long i = 0; i < count; i++) {
        long intended = start + (long) (i * periodNanos);
        long called;
        while ((called = System.nanoTime()) - intended < 0) Thread.onSpinWait();
        analytics.emit(event);
        long returned = System.nanoTime();
        latency.recordValue(Math.min(returned - intended, latency.getHighestTrackableValue()));
        service.recordValue(Math.min(returned - called, service.getHighestTrackableValue()));
      }
      emitterSwitches[1] = contextSwitchesOfThisThread();
    }, "emitter");
    emitter.start();
    emitter.join();
    return count;
  }

  private static double micros(long nanos) {
    return nanos / 1000.0;
  }

  private static long contextSwitchesOfAllThreads() throws IOException {
    long total = 0;
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          total += contextSwitches(task.resolve("status"));
        } catch (IOException e) {
          // The thread ended between the listing and the read.
        }
      }
    }
    return total;
  }

  private static long contextSwitchesOfThisThread() {
    try {
      return contextSwitches(Path.of("/proc/thread-self/status"));
    } catch (IOException e) {
      return 0;
    }
  }

  private static long contextSwitches(Path status) throws IOException {
    long total = 0;
    for (String line : Files.readAllLines(status)) {
      if (line.startsWith("voluntary_ctxt_switches:") || line.startsWith("nonvoluntary_ctxt_switches:")) {
        total += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
      }
    }
    return total;
  }
}
