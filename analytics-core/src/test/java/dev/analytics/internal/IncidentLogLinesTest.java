package dev.analytics.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.analytics.internal.log.WhenLogFull;
import dev.analytics.spi.Outcome;
import dev.analytics.spi.Record;
import dev.analytics.spi.Sink;
import dev.analytics.testing.Await;
import dev.analytics.testing.MutableClock;
import dev.analytics.testsupport.CapturedLogs;
import dev.analytics.testsupport.FaultyStorage;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A repeated condition logs one line when it starts, a summary at most once a minute while it lasts, and
 * one line when it ends; no stack traces. The instance's clock is driven by the test: no sleeping.
 */
class IncidentLogLinesTest {
  @TempDir Path dir;
  private final MutableClock clock = MutableClock.at(Instant.parse("2026-03-01T10:00:00Z"));
  private CapturedLogs logs;

  @BeforeEach
  void captureLogs() {
    logs = CapturedLogs.start();
  }

  @AfterEach
  void restoreLogs() {
    logs.close();
  }

  private List<String> linesAbout(String subject) {
    return logs.records().stream().filter(r -> r.getMessage().contains(subject))
        .map(r -> r.getLevel() + " " + r.getMessage() + (r.getThrown() == null ? "" : " WITH A STACK TRACE")).toList();
  }

  private Engine open(Sink sink, FaultyStorage storage, boolean syncDurability) {
    return Engine.open(new EngineConfig(dir).clock(clock)
        .durability(syncDurability, Duration.ofMillis(5))
        .sizes(1L << 30, 64 * 1024, 16 * 1024, 64L << 20)
        .whenFull(WhenLogFull.BLOCK, Duration.ofSeconds(5))
        .closeTimeout(Duration.ZERO)
        .sinks(List.of(new Route("amplitude", sink, List.of())))
        .storage(storage));
  }

  @Test
  void aSinkFaultReportedAThousandTimesInThirtySecondsIsTwoLines() {
    FaultySink sink = new FaultySink();
    Engine engine = open(sink, new FaultyStorage(), false);
    try {
      Await.until(Duration.ofSeconds(10), () -> sink.context.get() != null, "sink opened");
      for (int i = 0; i < 1000; i++) {
        sink.context.get().reportFault("HTTP 401: invalid api key");
        clock.advance(Duration.ofMillis(30));
      }
      sink.context.get().clearFault();
    } finally {
      engine.close();
    }
    assertThat(linesAbout("configuration fault")).containsExactly(
        "SEVERE sink amplitude configuration fault: HTTP 401: invalid api key; holding its records until it is "
            + "fixed; a summary follows at most every 60 s while this lasts",
        "INFO sink amplitude configuration fault is over after 30 s (1000 failure(s) in all): the sink works again");
  }

  @Test
  void aLongSinkFaultAddsOneSummaryAMinute() {
    FaultySink sink = new FaultySink();
    Engine engine = open(sink, new FaultyStorage(), false);
    try {
      Await.until(Duration.ofSeconds(10), () -> sink.context.get() != null, "sink opened");
      for (int i = 0; i < 210; i++) {
        sink.context.get().reportFault("HTTP 403");
        clock.advance(Duration.ofSeconds(1));
      }
      sink.context.get().clearFault();
    } finally {
      engine.close();
    }
    List<String> fault = linesAbout("configuration fault");
    assertThat(fault).hasSize(5); // start, at 1, 2 and 3 min, end
    assertThat(fault.get(1)).isEqualTo("SEVERE sink amplitude configuration fault for 60 s: 60 more failure(s) in "
        + "the last 60 s, 61 in all; last: HTTP 403");
    assertThat(fault.get(4)).startsWith("INFO sink amplitude configuration fault is over after 3 min 30 s (210 failure(s)");
  }

  @Test
  void failingFsyncsForThirtySecondsAreTwoLinesWithoutStackTraces() {
    FaultyStorage storage = new FaultyStorage();
    Engine engine = open(new FaultySink(), storage, true);
    try {
      storage.failSync.set(true);
      for (int i = 0; i < 1000; i++) {
        assertThatThrownBy(() -> engine.emit(Map.of("i", 1))).isInstanceOf(UncheckedIOException.class);
        clock.advance(Duration.ofMillis(30));
      }
      storage.failSync.set(false);
      engine.emit(Map.of("after", true));
      Await.until(Duration.ofSeconds(10), () -> linesAbout("storage errors is over").size() == 1,
          "the syncer sees an interval without errors: " + linesAbout("storage errors"));
    } finally {
      engine.close();
    }
    List<String> storageLines = linesAbout("storage errors");
    assertThat(storageLines).hasSize(2);
    assertThat(storageLines.get(0)).startsWith("SEVERE event log " + dir + " storage errors: ")
        .contains("injected fsync failure").doesNotContain("STACK TRACE");
    assertThat(storageLines.get(1)).startsWith("INFO event log " + dir + " storage errors is over after 30 s (")
        .endsWith("): writes and fsyncs succeed again");
  }

  /** A sink whose test drives its fault reports through the context the core gives it. */
  private static final class FaultySink implements Sink {
    final AtomicReference<Context> context = new AtomicReference<>();

    @Override
    public void open(Context context) {
      this.context.set(context);
    }

    @Override
    public CompletionStage<List<Outcome>> send(List<Record> batch) {
      return CompletableFuture.completedFuture(batch.stream().map(r -> Outcome.delivered()).toList());
    }
  }
}
