package dev.analytics.cli;

import dev.analytics.Analytics;
import dev.analytics.Stats;
import java.io.PrintWriter;
import java.time.Duration;

/** Waits until an opened directory's queue is empty (delivered or dead-lettered), with progress. */
final class Delivery {
  private static final Duration STEP = Duration.ofMillis(200);

  /** What happened while waiting. */
  record Result(long delivered, long deadLettered, long left, boolean empty, Duration took) {}

  private Delivery() {}

  /** @param timeout null: no limit */
  static Result untilEmpty(Analytics analytics, Duration timeout, Progress progress) {
    long start = System.nanoTime();
    long limit = timeout == null ? 0 : timeout.toNanos();
    Stats first = analytics.stats();
    long total = first.queuedRecords();
    Stats now = first;
    while (now.queuedRecords() > 0 && (timeout == null || System.nanoTime() - start < limit)) {
      analytics.flush(STEP);
      now = analytics.stats();
      progress.update(Math.max(0, total - now.queuedRecords()), total);
    }
    progress.finish();
    return new Result(now.delivered() - first.delivered(), now.deadLettered() - first.deadLettered(),
        now.queuedRecords(), now.queuedRecords() == 0, Duration.ofNanos(System.nanoTime() - start));
  }

  static void printSummary(Result result, PrintWriter out) {
    out.println("delivered " + Format.count(result.delivered()) + ", dead-lettered "
        + Format.count(result.deadLettered()) + ", left queued " + Format.count(result.left()) + " (in "
        + Format.duration(result.took()) + ")");
  }
}
