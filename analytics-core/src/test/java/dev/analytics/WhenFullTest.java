package dev.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.analytics.spi.Listener;
import dev.analytics.spi.Outcome;
import dev.analytics.testing.Await;
import dev.analytics.testing.RecordingSink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The log is capped at 4 segments of 64 KiB; the sink is down, so nothing is freed until it comes back. */
class WhenFullTest {
  private static final int SEGMENT = 64 * 1024;
  private static final long MAX_DISK = 4L * SEGMENT;
  private static final String PAD = "x".repeat(400);

  @TempDir Path dir;
  private final RecordingSink sink = new RecordingSink().respondWith(r -> Outcome.retryLater()).maxBatchRecords(1000);
  private final AtomicLong heardDropped = new AtomicLong();
  private final Listener listener = new Listener() {
    @Override
    public void onDropped(String policy, long count) {
      heardDropped.addAndGet(count);
    }
  };

  private Analytics open(WhenFull policy) {
    return Analytics.builder().directory(dir).segmentBytes(SEGMENT).maxDiskBytes(MAX_DISK).whenFull(policy)
        .blockTimeout(Duration.ofMillis(200)).retryBackoff(Duration.ofMillis(5), Duration.ofMillis(20))
        .listener(listener).sink("a", sink).build();
  }

  @Test
  void blockWaitsThenFailsTheEmitAndNothingAcceptedIsLost() throws Exception {
    List<String> accepted = new ArrayList<>();
    try (Analytics analytics = open(WhenFull.BLOCK)) {
      long started = 0;
      while (true) {
        try {
          started = System.nanoTime();
          accepted.add(analytics.emit(Map.of("pad", PAD)));
        } catch (QueueFullException e) {
          assertThat(System.nanoTime() - started).isGreaterThanOrEqualTo(Duration.ofMillis(200).toNanos());
          assertThat(e).hasMessageContaining("full").hasMessageContaining("not accepted");
          break;
        }
        assertThat(accepted.size()).as("the cap must be reached").isLessThan(10_000);
      }
      assertThat(diskBytes()).isLessThanOrEqualTo(MAX_DISK);
      assertThat(analytics.stats().dropped()).isZero();
      // The endpoint comes back: delivery frees space and emit works again.
      sink.respondWith(RecordingSink.DELIVER);
      assertThat(analytics.flush(Duration.ofSeconds(10))).isTrue();
      accepted.add(analytics.emit(Map.of("after", "recovery")));
      assertThat(analytics.flush(Duration.ofSeconds(10))).isTrue();
    }
    assertThat(sink.deliveredIds()).containsExactlyElementsOf(accepted);
  }

  @Test
  void dropNewestCountsAndReportsDropsAndKeepsTheOldest() throws Exception {
    List<String> accepted = new ArrayList<>();
    int dropped = 0;
    try (Analytics analytics = open(WhenFull.DROP_NEWEST)) {
      for (int i = 0; i < 3000; i++) {
        String id = analytics.emit(Map.of("i", i, "pad", PAD));
        if (id == null) dropped++;
        else accepted.add(id);
      }
      assertThat(dropped).isPositive();
      assertThat(analytics.stats().dropped()).isEqualTo(dropped);
      assertThat(diskBytes()).isLessThanOrEqualTo(MAX_DISK);
      sink.respondWith(RecordingSink.DELIVER);
      assertThat(analytics.flush(Duration.ofSeconds(10))).isTrue();
    }
    assertThat(sink.deliveredIds()).containsExactlyElementsOf(accepted);
    awaitListener(dropped);
  }

  @Test
  void dropOldestMakesRoomForTheNewestAndCountsWhatItDropped() throws Exception {
    List<String> accepted = new ArrayList<>();
    long dropped;
    try (Analytics analytics = open(WhenFull.DROP_OLDEST)) {
      for (int i = 0; i < 3000; i++) accepted.add(analytics.emit(Map.of("i", i, "pad", PAD)));
      dropped = analytics.stats().dropped();
      assertThat(dropped).isPositive();
      assertThat(diskBytes()).isLessThanOrEqualTo(MAX_DISK);
      sink.respondWith(RecordingSink.DELIVER);
      assertThat(analytics.flush(Duration.ofSeconds(10))).isTrue();
    }
    List<String> delivered = sink.deliveredIds();
    // The newest events all arrive; every accepted event is delivered or counted as dropped.
    assertThat(delivered).endsWith(accepted.get(accepted.size() - 1));
    assertThat(accepted).containsAll(delivered);
    // Exact: what a sink had already read when its segment was dropped is still delivered, not counted.
    assertThat(delivered.size() + dropped).isEqualTo(accepted.size());
    awaitListener(dropped);
  }

  /** The listener runs on its own thread; close() waits for it for 5 s at most. */
  private void awaitListener(long expected) {
    Await.until(Duration.ofSeconds(30), () -> heardDropped.get() >= expected,
        () -> heardDropped.get() + " of " + expected + " drops heard");
    assertThat(heardDropped.get()).isEqualTo(expected);
  }

  private long diskBytes() throws Exception {
    try (Stream<Path> files = Files.list(dir.resolve("log"))) {
      long total = 0;
      for (Path file : (Iterable<Path>) files::iterator) total += Files.size(file);
      return total;
    }
  }
}
