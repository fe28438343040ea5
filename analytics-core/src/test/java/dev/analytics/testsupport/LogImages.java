package dev.analytics.testsupport;

import dev.analytics.Analytics;
import dev.analytics.Stats;
import dev.analytics.spi.Listener;
import dev.analytics.spi.Outcome;
import dev.analytics.testing.Await;
import dev.analytics.testing.RecordingSink;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Writes logs to damage, and reopens damaged copies: what tests of recovery share.
 */
public final class LogImages {
  public static final int SEGMENT_BYTES = 64 * 1024;
  public static final String SINK = "test";

  private LogImages() {}

  /**
   * Emits {@code count} small events into {@code dir} while the sink is down (so nothing is acknowledged
   * and every record stays queued), closes cleanly and returns the ids in emit order.
   */
  public static List<String> writeUndelivered(Path dir, int count) {
    RecordingSink down = new RecordingSink().respondWith(r -> Outcome.retryLater());
    List<String> ids = new ArrayList<>(count);
    try (Analytics analytics = Analytics.builder().directory(dir).segmentBytes(SEGMENT_BYTES)
        .retryBackoff(Duration.ofMinutes(1), Duration.ofMinutes(1)).closeTimeout(Duration.ZERO)
        .sink(SINK, down).build()) {
      for (int i = 0; i < count; i++) ids.add(analytics.emit(Map.of("i", i)));
    }
    return ids;
  }

  /** A corruption report heard by the listener. */
  public static final class Corruption {
    public final Path segment;
    public final long offset;
    public final long skippedRecords;
    public final String detail;

    Corruption(Path segment, long offset, long skippedRecords, String detail) {
      this.segment = segment;
      this.offset = offset;
      this.skippedRecords = skippedRecords;
      this.detail = detail;
    }

    @Override
    public String toString() {
      return segment.getFileName() + "@" + offset + " skipped " + skippedRecords + ": " + detail;
    }
  }

  /** A report as a test's own listener heard it. */
  public static Corruption corruption(Path segment, long offset, long skippedRecords, String detail) {
    return new Corruption(segment, offset, skippedRecords, detail);
  }

  /** What a reopen delivered and reported. */
  public static final class Reopened {
    public final List<String> delivered;
    public final Stats stats;
    public final List<Corruption> corruptions;
    public final boolean flushed;

    Reopened(List<String> delivered, Stats stats, List<Corruption> corruptions, boolean flushed) {
      this.delivered = delivered;
      this.stats = stats;
      this.corruptions = corruptions;
      this.flushed = flushed;
    }
  }

  /**
   * Opens {@code dir} with a recording sink, flushes, takes the stats, closes and waits for the listener
   * to have made every call, so every report made is in the result.
   */
  public static Reopened reopenAndDeliver(Path dir) {
    RecordingSink sink = new RecordingSink();
    List<Corruption> corruptions = new CopyOnWriteArrayList<>();
    Listener listener = new Listener() {
      @Override
      public void onCorruption(Path segment, long offset, long skippedRecords, String detail) {
        corruptions.add(new Corruption(segment, offset, skippedRecords, detail));
      }
    };
    boolean flushed;
    Stats stats;
    try (Analytics analytics = Analytics.builder().directory(dir).segmentBytes(SEGMENT_BYTES)
        .listener(listener).sink(SINK, sink).build()) {
      flushed = analytics.flush(Duration.ofSeconds(20));
      stats = analytics.stats();
    }
    // close() waits for the listener thread for 5 s at most; the thread ends once it has made every call.
    String listenerThread = "analytics-listener-" + dir.getFileName();
    Await.until(Duration.ofSeconds(30), Duration.ofMillis(10), () -> Thread.getAllStackTraces().keySet().stream()
        .noneMatch(t -> t.getName().equals(listenerThread) && t.isAlive()), () -> listenerThread + " still running");
    return new Reopened(sink.deliveredIds(), stats, List.copyOf(corruptions), flushed);
  }
}
