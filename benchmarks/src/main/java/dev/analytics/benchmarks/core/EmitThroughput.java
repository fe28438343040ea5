package dev.analytics.benchmarks.core;

import dev.analytics.Analytics;
import dev.analytics.Durability;
import dev.analytics.spi.Outcome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.LongAdder;

/**
 * How many events per second {@code emit()} sustains, from N threads, in a given durability. A
 * harness rather than JMH because the quantity is a sustained rate across threads against a real disk,
 * including segment rolls and background fsyncs.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.analytics.benchmarks.core.EmitThroughput \
 *     [threads=1] [durability=PERIODIC|SYNC] [seconds=5] [directory=target/emit-bench] [sink=deliver|hold]
 *     [call=blocking|async]
 * </pre>
 *
 * With {@code deliver} the sink delivers at once (in memory), so the dispatcher reads, parses and
 * acknowledges every record on the other core while the emitters run: intake with delivery. With
 * {@code hold} the sink answers "retry in an hour", so only the intake path runs: serialize, stamp,
 * append, (fsync).
 *
 * <p>With {@code async} each thread pipelines {@code emitAsync()} (at most {@value #ASYNC_WINDOW}
 * futures outstanding per thread) and an event counts once its future completed: in {@code SYNC}, once
 * an fsync covered it.
 */
public final class EmitThroughput {
  /** Futures a pipelining thread keeps outstanding at most. */
  static final int ASYNC_WINDOW = 65_536;

  public static void main(String[] args) throws Exception {
    int threads = args.length > 0 ? Integer.parseInt(args[0]) : 1;
    Durability durability = args.length > 1 ? Durability.valueOf(args[1]) : Durability.PERIODIC;
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    Path directory = Path.of(args.length > 3 ? args[3] : "target/emit-bench");
    boolean hold = args.length > 4 && args[4].equals("hold");
    boolean async = args.length > 5 && args[5].equals("async");
    CoreHarness.deleteRecursively(directory);

    Map<String, Object> event = CoreHarness.sampleEvent();

    CoreHarness.AnsweringSink sink = new CoreHarness.AnsweringSink(
        hold ? Outcome.retryAfter(Duration.ofHours(1)) : Outcome.delivered(), 2000);
    try (Analytics analytics = Analytics.builder().directory(directory).durability(durability)
        .maxDiskBytes(8L << 30).closeTimeout(Duration.ZERO).sink("bench", sink).build()) {
      run(analytics, event, threads, 1, async); // warm-up
      long start = System.nanoTime();
      LongAdder total = run(analytics, event, threads, seconds, async);
      double elapsed = (System.nanoTime() - start) / 1e9; // async: includes waiting for the last fsync
      double rate = total.sum() / elapsed;
      System.out.printf("threads=%d durability=%s sink=%s call=%s seconds=%d events=%d rate=%,.0f events/s%n",
          threads, durability, hold ? "hold" : "deliver", async ? "async" : "blocking", seconds, total.sum(), rate);
    }
    CoreHarness.deleteRecursively(directory);
  }

  private static LongAdder run(Analytics analytics, Map<String, Object> event, int threads, int seconds,
      boolean async) throws InterruptedException {
    LongAdder count = new LongAdder();
    long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    CountDownLatch done = new CountDownLatch(threads);
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread worker = new Thread(() -> {
        if (async) {
          pipeline(analytics, event, end, count);
        } else {
          long local = 0;
          while ((local & 255) != 0 || System.nanoTime() < end) {
            analytics.emit(event);
            local++;
          }
          count.add(local);
        }
        done.countDown();
      }, "emitter-" + t);
      workers.add(worker);
      worker.start();
    }
    done.await();
    return count;
  }

  /** Emits without waiting until {@code end}, then waits for the last future; counts completions. */
  private static void pipeline(Analytics analytics, Map<String, Object> event, long end, LongAdder count) {
    java.util.concurrent.Semaphore window = new java.util.concurrent.Semaphore(ASYNC_WINDOW);
    long local = 0;
    while ((local & 255) != 0 || System.nanoTime() < end) {
      window.acquireUninterruptibly();
      analytics.emitAsync(event).whenComplete((id, error) -> {
        if (error == null) count.increment();
        window.release();
      });
      local++;
    }
    window.acquireUninterruptibly(ASYNC_WINDOW);
  }

}
