package dev.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.analytics.spi.Listener;
import dev.analytics.spi.Outcome;
import dev.analytics.spi.Record;
import dev.analytics.spi.Sink;
import dev.analytics.testing.Await;
import dev.analytics.testing.MutableClock;
import dev.analytics.testing.RecordingSink;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code stats().sinks()} shows each sink's own backlog, cursor, counters and batches in flight; the
 * listener hears one {@code onDelivered} per acknowledged batch with the batch's wait since emit().
 */
class PerSinkStatsTest {
  private static final Duration LINGER = Duration.ofSeconds(30); // one batch of exactly BATCH records
  private static final int BATCH = 10;

  @TempDir Path dir;
  private final MutableClock clock = MutableClock.at(Instant.parse("2026-03-01T10:00:00Z"));
  private final List<String> delivered = new CopyOnWriteArrayList<>();
  private final Listener listener = new Listener() {
    @Override
    public void onDelivered(String sink, int records, Duration oldest, Duration newest) {
      delivered.add(sink + " " + records + " " + oldest.toSeconds() + "s " + newest.toSeconds() + "s");
    }
  };

  @Test
  void eachSinkHasItsOwnBacklogCursorCountersAndBatchesInFlight() throws Exception {
    RecordingSink fast = new RecordingSink().maxBatchRecords(BATCH).linger(LINGER);
    RecordingSink rejecting = new RecordingSink().maxBatchRecords(BATCH).linger(LINGER)
        .respondWith(record -> Outcome.rejected("400 invalid"));
    GateSink gated = new GateSink();
    try (Analytics analytics = Analytics.builder().directory(dir).clock(clock).listener(listener)
        .sink("fast", fast).sink("rejecting", rejecting).sink("gated", gated)
        .retryBackoff(Duration.ofMillis(10), Duration.ofMillis(50)).build()) {
      for (int i = 0; i < BATCH; i++) analytics.emit(Map.of("n", i));
      Await.until(Duration.ofSeconds(10), () -> analytics.stats().sinks().get("fast").delivered() == BATCH
          && analytics.stats().sinks().get("rejecting").deadLettered() == BATCH, "fast and rejecting done");

      // The gated sink holds its one batch: it is in flight and the whole backlog is its own.
      CompletableFuture<List<Outcome>> first = gated.next();
      // A snapshot: each dispatcher updates its in-flight count after its step, a moment after the counters.
      Await.until(Duration.ofSeconds(10), () -> analytics.stats().sinks().get("gated").inFlightBatches() == 1
          && analytics.stats().sinks().get("fast").inFlightBatches() == 0
          && analytics.stats().sinks().get("rejecting").inFlightBatches() == 0, "the dispatchers count batches in flight");
      Stats stats = analytics.stats();
      assertThat(stats.sinks()).containsOnlyKeys("fast", "rejecting", "gated");
      assertThat(List.copyOf(stats.sinks().keySet())).containsExactly("fast", "rejecting", "gated");
      Stats.SinkStats fastStats = stats.sinks().get("fast");
      Stats.SinkStats gatedStats = stats.sinks().get("gated");
      assertThat(fastStats.backlog().records()).isZero();
      assertThat(fastStats.backlog().bytes()).isZero();
      assertThat(fastStats.inFlightBatches()).isZero();
      assertThat(fastStats.deadLettered()).isZero();
      assertThat(stats.sinks().get("rejecting").delivered()).isZero();
      assertThat(gatedStats.backlog().records()).isEqualTo(BATCH);
      assertThat(gatedStats.backlog().bytes()).isPositive().isEqualTo(stats.backlog().bytes());
      assertThat(gatedStats.inFlightBatches()).isEqualTo(1);
      assertThat(fastStats.cursor() - gatedStats.cursor()).isEqualTo(BATCH);
      assertThat(stats.sinks().get("rejecting").cursor()).isEqualTo(fastStats.cursor());

      // Answered "retry later", then delivered 5 s after emit().
      clock.advance(Duration.ofSeconds(5));
      first.complete(List.of(retries()));
      Await.until(Duration.ofSeconds(10), () -> analytics.stats().sinks().get("gated").backlog().oldestAge().toSeconds() == 5,
          "the held batch's age");
      gated.next().complete(List.of(delivers()));
      assertThat(analytics.flush(Duration.ofSeconds(10))).isTrue();

      Stats.SinkStats after = analytics.stats().sinks().get("gated");
      assertThat(after.retried()).isEqualTo(BATCH);
      assertThat(after.delivered()).isEqualTo(BATCH);
      assertThat(after.cursor()).isEqualTo(fastStats.cursor());
      assertThat(after.backlog().records()).isZero();
      Await.until(Duration.ofSeconds(10), () -> analytics.stats().sinks().get("gated").inFlightBatches() == 0,
          "no batch in flight once it is answered");
      assertThat(analytics.stats().delivered()).as("the total sums the sinks").isEqualTo(2 * BATCH);
      assertThat(analytics.stats().retried()).isEqualTo(BATCH);
      assertThat(analytics.stats().deadLettered()).isEqualTo(BATCH);
    }
    // The listener runs on its own thread; close() waits for it for 5 s at most.
    Await.until(Duration.ofSeconds(10), () -> delivered.size() >= 2, () -> "two deliveries heard: " + delivered);
    assertThat(delivered).as("one call per acknowledged batch, none for dead letters")
        .containsExactlyInAnyOrder("fast 10 0s 0s", "gated 10 5s 5s");
  }

  @Test
  void theDeliveredCallbackSaysHowLongTheOldestAndNewestRecordWaited() throws Exception {
    GateSink gated = new GateSink();
    try (Analytics analytics = Analytics.builder().directory(dir).clock(clock).listener(listener)
        .sink("gated", gated).build()) {
      for (int i = 0; i < BATCH; i++) {
        analytics.emit(Map.of("n", i));
        clock.advance(Duration.ofSeconds(1));
      }
      CompletableFuture<List<Outcome>> batch = gated.next();
      clock.advance(Duration.ofSeconds(20)); // the first event waits 30 s, the last 21 s
      batch.complete(List.of(delivers()));
      assertThat(analytics.flush(Duration.ofSeconds(10))).isTrue();
      Await.until(Duration.ofSeconds(10), () -> !delivered.isEmpty(), "the listener heard the delivery");
    }
    assertThat(delivered).containsExactly("gated 10 30s 21s");
  }

  @Test
  void theOldestQueuedAgeCountsFromTheEmitBeforeARestart() {
    RecordingSink down = new RecordingSink().respondWith(record -> Outcome.retryLater());
    try (Analytics analytics = Analytics.builder().directory(dir).clock(clock).sink("amplitude", down)
        .closeTimeout(Duration.ZERO).retryBackoff(Duration.ofHours(1), Duration.ofHours(1)).build()) {
      for (int i = 0; i < 3; i++) analytics.emit(Map.of("n", i));
      Await.until(Duration.ofSeconds(10), () -> !down.sent().isEmpty(), "sent once, held");
    }
    clock.advance(Duration.ofHours(2));
    RecordingSink stillDown = new RecordingSink().respondWith(record -> Outcome.retryLater());
    try (Analytics analytics = Analytics.builder().directory(dir).clock(clock).sink("amplitude", stillDown)
        .closeTimeout(Duration.ZERO).retryBackoff(Duration.ofHours(1), Duration.ofHours(1)).build()) {
      Await.until(Duration.ofSeconds(10), () -> analytics.stats().oldestQueuedAge().equals(Duration.ofHours(2)),
          "the age from the first emit, two hours ago: " + analytics.stats().oldestQueuedAge());
      assertThat(analytics.stats().queuedRecords()).isEqualTo(3);
      assertThat(analytics.stats().sinks().get("amplitude").backlog().oldestAge()).isEqualTo(Duration.ofHours(2));
    }
  }

  @Test
  void theOldestQueuedAgeCountsRecordsTheDispatcherHasNotReadYet() {
    // A linger of an hour and room for 1000: the dispatcher waits and reads none of the three.
    RecordingSink lingering = new RecordingSink().linger(Duration.ofHours(1)).maxBatchRecords(1000);
    try (Analytics analytics = Analytics.builder().directory(dir).clock(clock).sink("amplitude", lingering)
        .closeTimeout(Duration.ZERO).build()) {
      for (int i = 0; i < 3; i++) analytics.emit(Map.of("n", i));
      clock.advance(Duration.ofMinutes(5));
      assertThat(analytics.stats().oldestQueuedAge()).isEqualTo(Duration.ofMinutes(5));
      assertThat(analytics.stats().sinks().get("amplitude").backlog().oldestAge()).isEqualTo(Duration.ofMinutes(5));
      assertThat(lingering.sent()).isEmpty();
    }
  }

  private static Outcome[] delivers() {
    Outcome[] outcomes = new Outcome[BATCH];
    java.util.Arrays.fill(outcomes, Outcome.delivered());
    return outcomes;
  }

  private static Outcome[] retries() {
    Outcome[] outcomes = new Outcome[BATCH];
    java.util.Arrays.fill(outcomes, Outcome.retryLater());
    return outcomes;
  }

  @Test
  void aRecordIsNeverCountedBothDeliveredAndQueued() throws Exception {
    GateSink gate = new GateSink(2);
    try (Analytics analytics = Analytics.builder().directory(dir).clock(clock).listener(listener)
        .closeTimeout(Duration.ZERO).sink("gate", gate).build()) {
      for (int i = 0; i < 2 * BATCH; i++) analytics.emit(Map.of("i", i));
      CompletableFuture<List<Outcome>> first = gate.next();
      CompletableFuture<List<Outcome>> second = gate.next();
      second.complete(List.of(delivered()));
      Await.until(Duration.ofSeconds(10), () -> delivered.size() == 1, "the second batch's answer was handled");
      // The first batch holds the cursor: all 20 records are still queued, so none counts as delivered yet.
      Stats held = analytics.stats();
      assertThat(held.queuedRecords()).isEqualTo(2 * BATCH);
      assertThat(held.delivered()).isZero();
      assertThat(held.sinks().get("gate").delivered()).isZero();

      first.complete(List.of(delivered()));
      Await.until(Duration.ofSeconds(10), () -> analytics.stats().delivered() == 2 * BATCH, "all counted");
      assertThat(analytics.stats().queuedRecords()).isZero();
    }
  }

  private static Outcome[] delivered() {
    Outcome[] outcomes = new Outcome[BATCH];
    java.util.Arrays.fill(outcomes, Outcome.delivered());
    return outcomes;
  }

  /** A sink whose test answers each batch: one batch of {@value #BATCH} records at a time. */
  private static final class GateSink implements Sink {
    private final LinkedBlockingQueue<CompletableFuture<List<Outcome>>> sends = new LinkedBlockingQueue<>();
    private final int maxInFlight;

    GateSink() {
      this(1);
    }

    GateSink(int maxInFlight) {
      this.maxInFlight = maxInFlight;
    }

    @Override
    public CompletionStage<List<Outcome>> send(List<Record> batch) {
      assertThat(batch).hasSize(BATCH);
      CompletableFuture<List<Outcome>> answer = new CompletableFuture<>();
      sends.add(answer);
      return answer;
    }

    CompletableFuture<List<Outcome>> next() throws InterruptedException {
      CompletableFuture<List<Outcome>> answer = sends.poll(10, TimeUnit.SECONDS);
      assertThat(answer).as("a batch was sent within 10 s").isNotNull();
      return answer;
    }

    @Override
    public int maxBatchRecords() {
      return BATCH;
    }

    @Override
    public int maxInFlight() {
      return maxInFlight;
    }

    @Override
    public Duration linger() {
      return LINGER;
    }
  }
}
