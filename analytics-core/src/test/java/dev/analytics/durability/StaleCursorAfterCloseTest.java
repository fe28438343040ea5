package dev.analytics.durability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.analytics.Analytics;
import dev.analytics.spi.Outcome;
import dev.analytics.spi.Record;
import dev.analytics.spi.Sink;
import dev.analytics.testing.RecordingSink;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A dispatcher that does not stop within close()'s limit (its sink holds the thread) must not write
 * its older cursor once the directory belongs to the next instance: that would resend what the next
 * instance delivered.
 */
class StaleCursorAfterCloseTest {
  @TempDir Path dir;

  @Test
  void aDispatcherThatOutlivesCloseWritesNoCursor() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger calls = new AtomicInteger();
    AtomicInteger firstBatch = new AtomicInteger();
    Sink stuck = new Sink() {
      @Override
      public CompletionStage<List<Outcome>> send(List<Record> batch) {
        if (calls.incrementAndGet() == 1) firstBatch.set(batch.size());
        if (calls.get() > 1) {
          try {
            release.await(60, TimeUnit.SECONDS); // ignores the stop: holds the dispatcher thread
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        List<Outcome> outcomes = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) outcomes.add(Outcome.delivered());
        return CompletableFuture.completedFuture(outcomes);
      }

      @Override
      public int maxBatchRecords() {
        return 5;
      }

      @Override
      public int maxInFlight() {
        return 1;
      }
    };
    Analytics first = Analytics.builder().directory(dir).closeTimeout(Duration.ZERO).sink("test", stuck).build();
    for (int i = 0; i < 10; i++) first.emit(Map.of("i", i));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (calls.get() < 2 && System.nanoTime() < deadline) Thread.sleep(5);
    assertThat(calls.get()).as("the second batch holds the dispatcher").isEqualTo(2);
    first.close(); // gives up on the dispatcher after its stop timeout

    RecordingSink second = new RecordingSink();
    try (Analytics analytics = Analytics.builder().directory(dir).sink("test", second).build()) {
      assertThat(analytics.flush(Duration.ofSeconds(20))).isTrue();
    }
    // The first instance saved its cursor either not at all or past its first batch (cursors are saved
    // at most every 200 ms, and how many records that batch held depends on how fast the dispatcher met
    // the emits): the second instance sends everything after that cursor.
    assertThat(second.deliveredIds().size()).isIn(10, 10 - firstBatch.get());

    release.countDown(); // the old dispatcher wakes up with its older position
    deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (dispatcherAlive() && System.nanoTime() < deadline) Thread.sleep(5);
    assertThat(dispatcherAlive()).isFalse();

    RecordingSink third = new RecordingSink();
    try (Analytics analytics = Analytics.builder().directory(dir).sink("test", third).build()) {
      assertThat(analytics.flush(Duration.ofSeconds(20))).isTrue();
    }
    assertThat(third.deliveredIds()).as("nothing is sent again").isEmpty();
  }

  private static boolean dispatcherAlive() {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().equals("analytics-dispatcher-test") && t.isAlive());
  }
}
