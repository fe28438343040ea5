package dev.analytics.internal.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.analytics.testsupport.FaultyStorage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SYNC group commit when an fsync fails: no record written before the failure is reported durable. */
class GroupCommitFailureTest {
  private static final byte[] EVENT = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);

  @TempDir Path dir;

  @Test
  void recordsWrittenBeforeAFailedFsyncAreNeverReportedDurableByALaterOne() throws Exception {
    AtomicInteger syncs = new AtomicInteger();
    AtomicReference<EventLog> logRef = new AtomicReference<>();
    FaultyStorage storage = new FaultyStorage();
    storage.beforeSync = () -> {
      if (syncs.incrementAndGet() == 1) {
        // The first fsync fails, but only after a second emitter has written its record and waits. The
        // deadline only keeps a broken log from hanging the test: failing sooner (the second emitter's
        // thread not yet started on a loaded machine) would let it lead a successful fsync of its own.
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (logRef.get().nextSeq() < 2 && System.nanoTime() < deadline) Thread.onSpinWait();
        throw new IOException("Input/output error (injected)");
      }
    };
    EventLog log = EventLog.open(new EventLog.Options(dir)
        .sizes(64 * 1024, 1 << 20)
        .whenFull(WhenLogFull.BLOCK, Duration.ofSeconds(1))
        .syncEachAppend(true)
        .storage(storage), 0);
    logRef.set(log);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<Throwable> first = pool.submit(() -> outcomeOf(log));
      while (syncs.get() == 0) Thread.onSpinWait(); // the first emitter leads the failing fsync
      Future<Throwable> second = pool.submit(() -> outcomeOf(log));
      assertThat(first.get()).isInstanceOf(UncheckedIOException.class);
      // Without the rule, the second emitter would lead the next (successful) fsync and return.
      assertThat(second.get()).isInstanceOf(UncheckedIOException.class).hasMessageContaining("not known to be durable");
      // A record written after the failure is synced normally.
      assertThat(log.append(EVENT)).isNotNull();
      assertThat(syncs.get()).isGreaterThanOrEqualTo(2);
    } finally {
      pool.shutdownNow();
      log.close();
    }
  }

  private static Throwable outcomeOf(EventLog log) {
    try {
      log.append(EVENT);
      return null;
    } catch (RuntimeException e) {
      return e;
    }
  }
}
