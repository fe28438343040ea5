package dev.analytics.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.analytics.testing.Await;
import dev.analytics.testing.RecordingSink;
import dev.analytics.testsupport.FakeTicker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When the dispatcher wakes (see the class comment of {@link Dispatcher}): not per emit, but for a full
 * batch, the first record after a quiet spell, or the end of a poll, so a record waits at most the
 * delay bound. Time is a {@link FakeTicker}: a parked dispatcher provably stays parked until the test
 * advances time or something unparks it, so "not sent yet" is observed, not slept for.
 */
class DispatcherWakeTest {
  private static final String DISPATCHER = "analytics-dispatcher-test";
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final long POLL = Dispatcher.DEFAULT_DELAY_BOUND.toNanos();
  private static final long QUIET = Duration.ofMillis(100).toNanos();

  @TempDir Path dir;
  private final FakeTicker ticker = new FakeTicker();
  private Engine engine;

  private Engine open(RecordingSink sink) {
    engine = Engine.open(new EngineConfig(dir)
        .durability(false, Duration.ofSeconds(1))
        .sizes(1L << 30, 1 << 20, 16 * 1024, 1 << 20)
        .retryBackoff(Duration.ofMillis(5), Duration.ofMillis(50))
        .sinks(List.of(new Route("test", sink, List.of())))
        .ticker(ticker));
    return engine;
  }

  @AfterEach
  void close() {
    if (engine != null) engine.close();
  }

  private void awaitParkedFor(long nanos) {
    Await.until(WAIT, () -> ticker.parkedNanos(DISPATCHER) == nanos,
        "dispatcher parked for " + nanos + " ns (parked for " + ticker.parkedNanos(DISPATCHER) + ")");
  }

  private static void awaitDelivered(RecordingSink sink, int count) {
    Await.until(WAIT, () -> sink.delivered().size() == count, count + " records delivered");
  }

  /** After one record: the dispatcher has sent it and polls (parks for the delay bound). */
  private void startPolling(RecordingSink sink) {
    awaitParkedFor(QUIET);
    engine.emit(Map.of("n", 0));
    awaitDelivered(sink, 1);
    awaitParkedFor(POLL);
  }

  @Test
  void emitsBelowABatchDoNotWakeThePollingDispatcherAndWaitAtMostTheDelayBound() {
    RecordingSink sink = new RecordingSink().maxBatchRecords(4);
    open(sink);
    startPolling(sink);
    int unparksBefore = ticker.unparks(DISPATCHER);

    engine.emit(Map.of("n", 1));
    engine.emit(Map.of("n", 2));
    engine.emit(Map.of("n", 3));

    assertThat(ticker.unparks(DISPATCHER)).as("unparks by emit()").isEqualTo(unparksBefore);
    assertThat(ticker.parkedNanos(DISPATCHER)).isEqualTo(POLL);
    ticker.advance(Duration.ofNanos(POLL - 1));
    assertThat(ticker.parkedNanos(DISPATCHER)).as("still parked just before the bound").isEqualTo(POLL);
    assertThat(sink.delivered()).hasSize(1);

    ticker.advance(Duration.ofNanos(1));
    awaitDelivered(sink, 4);
    assertThat(ticker.unparks(DISPATCHER)).as("unparks by emit()").isEqualTo(unparksBefore);
  }

  @Test
  void aFullBatchWakesTheDispatcherOnceWithoutWaitingForTheBound() {
    RecordingSink sink = new RecordingSink().maxBatchRecords(4);
    open(sink);
    startPolling(sink);
    int unparksBefore = ticker.unparks(DISPATCHER);

    for (int i = 1; i <= 4; i++) engine.emit(Map.of("n", i));

    awaitDelivered(sink, 5); // time has not moved
    assertThat(ticker.unparks(DISPATCHER)).isEqualTo(unparksBefore + 1);
  }

  @Test
  void aPollThatFindsNothingMakesItQuietAndTheNextEmitWakesIt() {
    RecordingSink sink = new RecordingSink().maxBatchRecords(4);
    open(sink);
    startPolling(sink);

    ticker.advance(Duration.ofNanos(POLL));
    awaitParkedFor(QUIET); // no record came during the poll: parks until an append

    engine.emit(Map.of("n", 1));
    awaitDelivered(sink, 2); // time has not moved
  }

  @Test
  void lingerCountsFromBeforeTheRecordArrivedSoPollingAddsNothingToIt() {
    Duration linger = Duration.ofMillis(20);
    RecordingSink sink = new RecordingSink().maxBatchRecords(100).linger(linger);
    open(sink);
    awaitParkedFor(QUIET);

    engine.emit(Map.of("n", 0)); // wakes the quiet dispatcher, which lingers for more
    awaitParkedFor(linger.toNanos());
    assertThat(sink.delivered()).isEmpty();
    ticker.advance(linger);
    awaitDelivered(sink, 1);

    awaitParkedFor(linger.toNanos()); // polls: the bound is the linger
    ticker.advance(Duration.ofMillis(5));
    engine.emit(Map.of("n", 1)); // arrives 5 ms into the poll
    ticker.advance(linger.minusMillis(5)); // the poll ends; the record has waited 15 ms, within linger
    awaitDelivered(sink, 2);
  }
}
