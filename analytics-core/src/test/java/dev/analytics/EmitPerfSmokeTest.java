package dev.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.analytics.spi.Outcome;
import dev.analytics.spi.Record;
import dev.analytics.spi.Sink;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A CI guard against gross regressions of {@code emit()}'s cost, not a benchmark: it fails only if an
 * emit costs more than ten times the CPU the documented figure implies (docs/BENCHMARKS.md section 1:
 * 1,424,845 events/s from one thread in the default durability, 0.7 us per event). It counts the
 * emitting thread's CPU time rather than wall time, so a machine loaded by other builds does not fail
 * it; a lock convoy or a syscall per emit shows up as CPU.
 */
class EmitPerfSmokeTest {
  private static final double DOCUMENTED_EVENTS_PER_SECOND = 1_424_845;
  private static final double ALLOWED_SLOWDOWN = 10;
  /** Counted in events, not time: on a loaded machine a time-boxed warm-up leaves the JIT unfinished. */
  private static final int WARM_UP_EVENTS = 100_000;
  private static final int MEASURED_EVENTS = 100_000;
  /** Each phase stops here at the latest, whatever it has done, so the test never runs away. */
  private static final Duration PHASE_LIMIT = Duration.ofSeconds(10);

  @TempDir Path dir;

  @Test
  void emitCostsLessThanTenTimesTheDocumentedCpuPerEvent() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    assumeTrue(threads.isCurrentThreadCpuTimeSupported(), "this JVM cannot measure thread CPU time");
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("user_id", "user@example.com");
    event.put("event_type", "ServiceAbcExampleEvent");
    event.put("time", 1696629748241L);
    event.put("app_version", "c738ca3");
    event.put("session_id", 9876645851321L);

    double nanosPerEvent;
    long events;
    try (Analytics analytics = Analytics.builder().directory(dir).closeTimeout(Duration.ZERO)
        .sink("smoke", new DeliveringSink()).build()) {
      emit(analytics, event, WARM_UP_EVENTS);
      long cpuBefore = threads.getCurrentThreadCpuTime();
      events = emit(analytics, event, MEASURED_EVENTS);
      nanosPerEvent = (threads.getCurrentThreadCpuTime() - cpuBefore) / (double) events;
    }
    double allowed = ALLOWED_SLOWDOWN * 1e9 / DOCUMENTED_EVENTS_PER_SECOND;
    assertThat(nanosPerEvent)
        .as("CPU ns per emit() over %d events (documented: %.0f ns)", events, 1e9 / DOCUMENTED_EVENTS_PER_SECOND)
        .isLessThan(allowed);
  }

  private static long emit(Analytics analytics, Object event, int events) {
    long end = System.nanoTime() + PHASE_LIMIT.toNanos();
    long count = 0;
    while (count < events && ((count & 1023) != 0 || System.nanoTime() - end < 0)) {
      analytics.emit(event);
      count++;
    }
    return count;
  }

  /** Delivers at once and keeps nothing, so the log's delivered segments are deleted as it goes. */
  private static final class DeliveringSink implements Sink {
    @Override
    public CompletionStage<List<Outcome>> send(List<Record> batch) {
      List<Outcome> outcomes = new ArrayList<>(batch.size());
      for (int i = 0; i < batch.size(); i++) outcomes.add(Outcome.delivered());
      return CompletableFuture.completedFuture(outcomes);
    }
  }
}
