package dev.analytics.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.analytics.Durability;
import dev.analytics.internal.log.CursorStore;
import dev.analytics.internal.log.EventLog;
import dev.analytics.internal.log.LogEvents;
import dev.analytics.internal.log.LogReader;
import dev.analytics.internal.log.Storage;
import dev.analytics.internal.log.WhenLogFull;
import dev.analytics.spi.DeadLetter;
import dev.analytics.testsupport.SimulatedStorage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Guarantees 2, 3 and 9 under power loss, checked against a plain model: random sequences of emits
 * (from one or several threads), deliveries, dead letters, cursor saves with segment release, segment
 * rolls (small segments), spare preparation, periodic fsyncs, injected failures of single writes,
 * fsyncs, renames and file creations, clean restarts and power losses on a {@link SimulatedStorage}.
 *
 * <ul>
 *   <li>SYNC: every record whose append returned, or whose {@code appendAsync} future completed, is,
 *       after any power loss, delivered, dead-lettered or readable from the sink's cursor.
 *   <li>PERIODIC: the same for every record appended before the last fsync that succeeded; time is the
 *       sequence's own (the "sync" step is the syncer's tick), no real sleeps.
 *   <li>Recovery always opens, reading always terminates; the log holds no record never appended; dead
 *       letters hold each record once and only records appended; an injected failure reaches the caller
 *       or the log's listener.
 * </ul>
 * Each sequence's seed is printed on failure; rerun one with {@code -Dmodel.seed=<seed> -Dmodel.sequences=1}.
 * With emits from several threads, the interleaving (and so a power loss's choices) may differ on a rerun.
 */
class PowerLossModelTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String SINK = "s";
  private static final int EMITTERS = 3;
  /** Threads that emit concurrently in a step; shared, because starting threads would dominate the run. */
  private static final java.util.concurrent.ExecutorService EMITTER_POOL =
      java.util.concurrent.Executors.newFixedThreadPool(EMITTERS, runnable -> {
        Thread thread = new Thread(runnable, "model-emitter");
        thread.setDaemon(true);
        return thread;
      });

  @Test
  void randomSequencesWithPowerLossesAndFaultsKeepEveryDurableRecord() {
    runSequences(Integer.getInteger("model.sequences", 3_000));
  }

  @Test
  @Tag("slow")
  void manyMoreRandomSequences() {
    runSequences(Integer.getInteger("model.slowSequences", 200_000));
  }

  private static void runSequences(int count) {
    long first = Long.getLong("model.seed", System.nanoTime());
    Totals totals = new Totals();
    // Power losses make the log report torn tails and lost records thousands of times: expected here.
    java.util.logging.Logger logs = java.util.logging.Logger.getLogger("dev.analytics");
    java.util.logging.Level level = logs.getLevel();
    logs.setLevel(java.util.logging.Level.SEVERE);
    try {
      for (int i = 0; i < count; i++) {
        long seed = first + i;
        try {
          new Sequence(seed, totals).run();
        } catch (Throwable t) {
          throw new AssertionError("model sequence failed; rerun with -Dmodel.seed=" + seed + " -Dmodel.sequences=1", t);
        }
      }
    } finally {
      logs.setLevel(level);
    }
    System.out.printf("power-loss model: %d sequences from seed %d, %d power losses, %d clean restarts, "
        + "%d injected faults fired, %d segments damaged between instances, %d records appended%n", count, first,
        totals.powerLosses.get(), totals.restarts.get(), totals.faults.get(), totals.damaged.get(), totals.appended.get());
    assertThat(totals.powerLosses.get()).isPositive();
    assertThat(totals.faults.get()).isPositive();
  }

  private static final class Totals {
    final AtomicLong powerLosses = new AtomicLong();
    final AtomicLong restarts = new AtomicLong();
    final AtomicLong faults = new AtomicLong();
    final AtomicLong appended = new AtomicLong();
    final AtomicLong damaged = new AtomicLong();
  }

  /** One random sequence against one simulated machine. */
  private static final class Sequence {
    final long seed;
    final Random random;
    final Totals totals;
    final SimulatedStorage storage;
    final Durability durability;
    final int segmentBytes;
    final Path root = Path.of("/simulated/analytics");
    final AtomicInteger errorsHeard = new AtomicInteger();
    /** The steps taken, for the failure message. */
    final List<String> trace = new ArrayList<>();

    // The model.
    final AtomicLong nextN = new AtomicLong();
    final Set<Long> attempted = ConcurrentHashMap.newKeySet();
    final Set<Long> accepted = ConcurrentHashMap.newKeySet();
    final Set<Long> mustSurvive = ConcurrentHashMap.newKeySet();
    final Set<Long> done = new HashSet<>();
    final List<LogReader.Entry> pending = new ArrayList<>();

    EventLog log;
    CursorStore cursors;
    DeadLetterFile deadLetters;
    LogReader reader;
    long readerStart;

    private List<String> files() throws IOException {
      List<String> names = new ArrayList<>();
      for (Path file : storage.list(root.resolve("log"))) names.add(file.getFileName() + ":" + storage.size(file));
      for (Path file : storage.list(root.resolve("cursors"))) names.add(file.getFileName() + ":" + cursors.read(SINK));
      return names;
    }

    Sequence(long seed, Totals totals) {
      this.seed = seed;
      this.random = new Random(seed);
      this.totals = totals;
      this.storage = new SimulatedStorage(random.nextLong());
      this.durability = random.nextBoolean() ? Durability.SYNC : Durability.PERIODIC;
      this.segmentBytes = 1024 * (1 + random.nextInt(4));
    }

    void run() throws Exception {
      open();
      int steps = 10 + random.nextInt(40);
      for (int step = 0; step < steps; step++) {
        int faultsBefore = storage.faultsFired();
        int errorsBefore = errorsHeard.get();
        int dice = random.nextInt(100);
        int caught = act(dice);
        trace.add(dice + (caught > 0 ? "!" + caught : ""));
        int fired = storage.faultsFired() - faultsBefore;
        if (fired > 0) {
          totals.faults.addAndGet(fired);
          assertThat(caught + errorsHeard.get() - errorsBefore).as("an injected failure reaches the caller or the listener")
              .isPositive();
        }
      }
      storage.disarm();
      powerLoss();
      close();
    }

    /** One step; returns how many errors reached the caller. */
    int act(int dice) throws Exception {
      if (dice < 30 && durability == Durability.SYNC && random.nextInt(3) == 0) return emitAsync(1 + random.nextInt(40));
      if (dice < 30) return emit(1 + random.nextInt(8));
      if (dice < 38) return emitConcurrently();
      if (dice < 50) return deliver(1 + random.nextInt(20));
      if (dice < 58) return saveCursor();
      if (dice < 66) return sync();
      if (dice < 70) return prepareSpare();
      if (dice < 82) {
        SimulatedStorage.Fault fault = SimulatedStorage.Fault.values()[random.nextInt(SimulatedStorage.Fault.values().length)];
        storage.failNext(fault, random.nextInt(4));
        trace.add(fault.name());
        return 0;
      }
      if (dice < 92) {
        storage.disarm();
        powerLoss();
        return 0;
      }
      storage.disarm();
      return dice < 97 ? restart() : damageASegmentAtRestart();
    }

    int emit(int count) {
      int errors = 0;
      for (int i = 0; i < count; i++) errors += emitOne();
      return errors;
    }

    int emitOne() {
      long n = nextN.getAndIncrement();
      attempted.add(n);
      try {
        String id = log.append(("{\"n\":" + n + "}").getBytes(StandardCharsets.UTF_8));
        if (id != null) {
          accepted.add(n);
          totals.appended.incrementAndGet();
          if (durability == Durability.SYNC) mustSurvive.add(n);
        }
        return 0;
      } catch (UncheckedIOException e) {
        return 1; // not accepted (or not known durable): it may or may not be in the log
      }
    }

    /**
     * Pipelines {@code count} async appends (SYNC: stored through the mapping, acknowledged by the group
     * commit), then waits for every future: a completed one must survive like a returned append.
     */
    int emitAsync(int count) throws Exception {
      int errors = 0;
      Map<Long, CompletableFuture<String>> acks = new LinkedHashMap<>();
      for (int i = 0; i < count; i++) {
        long n = nextN.getAndIncrement();
        attempted.add(n);
        try {
          acks.put(n, log.appendAsync(("{\"n\":" + n + "}").getBytes(StandardCharsets.UTF_8)));
        } catch (UncheckedIOException e) {
          errors++; // not accepted: it may or may not be in the log
        }
      }
      for (Map.Entry<Long, CompletableFuture<String>> ack : acks.entrySet()) {
        try {
          if (ack.getValue().get(10, TimeUnit.SECONDS) == null) continue;
          accepted.add(ack.getKey());
          totals.appended.incrementAndGet();
          mustSurvive.add(ack.getKey());
        } catch (ExecutionException e) {
          errors++; // its fsync failed: written, not known durable, as a blocking append that threw
        }
      }
      return errors;
    }

    int emitConcurrently() throws Exception {
      List<java.util.concurrent.Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < EMITTERS; t++) {
        int count = 1 + random.nextInt(6);
        results.add(EMITTER_POOL.submit(() -> {
          int errors = 0;
          for (int i = 0; i < count; i++) errors += emitOne();
          return errors;
        }));
      }
      int errors = 0;
      for (java.util.concurrent.Future<Integer> result : results) errors += result.get();
      return errors;
    }

    int sync() {
      Set<Long> before = new HashSet<>(accepted);
      try {
        log.sync();
        mustSurvive.addAll(before);
        return 0;
      } catch (UncheckedIOException e) {
        return 1;
      }
    }

    int prepareSpare() {
      log.prepareSpare(); // failures go to the listener
      return 0;
    }

    /** The sink takes what was read (most delivered, some dead-lettered), then reads more. */
    int deliver(int max) throws IOException {
      int errors = 0;
      List<LogReader.Entry> entries = new ArrayList<>();
      try {
        reader.read(max, entries);
      } catch (IOException e) {
        errors++;
      }
      pending.addAll(entries);
      List<LogReader.Entry> left = new ArrayList<>();
      for (LogReader.Entry entry : pending) {
        JsonNode envelope = MAPPER.readTree(entry.payload);
        long n = envelope.path("event").path("n").asLong();
        if (random.nextInt(10) > 0) {
          done.add(n);
          continue;
        }
        try {
          deadLetters.append(List.of(new DeadLetter(envelope.path("id").asText(), SINK, "rejected by the model",
              Instant.EPOCH, envelope, java.util.Optional.empty())));
          done.add(n);
        } catch (IOException | UncheckedIOException e) {
          errors++;
          left.add(entry); // retried, never dropped
        }
      }
      pending.clear();
      pending.addAll(left);
      return errors;
    }

    int saveCursor() {
      long position = pending.isEmpty() ? reader.nextSeq() : pending.get(0).seq;
      try {
        cursors.write(SINK, position);
      } catch (IOException | UncheckedIOException e) {
        return 1;
      }
      log.release(position);
      return 0;
    }

    /**
     * Issue 10 section 0 on the simulated storage: between two instances a segment other than the last
     * is deleted, emptied or cut short. Its lost records leave the model; every other record must still
     * come, and those the reader crosses from its cursor are counted as skipped.
     */
    int damageASegmentAtRestart() throws Exception {
      totals.damaged.incrementAndGet();
      reader.close();
      try {
        log.close();
        mustSurvive.addAll(accepted);
      } catch (IOException e) {
        open();
        return 1;
      }
      List<Path> segments = new ArrayList<>();
      for (Path file : storage.list(root.resolve("log"))) if (file.toString().endsWith(".seg")) segments.add(file);
      segments.sort(null);
      List<Long> lostSeqs = new ArrayList<>();
      if (segments.size() >= 2) {
        Path victim = segments.get(random.nextInt(segments.size() - 1));
        byte[] bytes = storage.contentOf(victim);
        int kind = random.nextInt(3);
        int cut = kind == 0 ? -1 : kind == 1 ? 0 : random.nextInt(bytes.length);
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(bytes);
        // Every intact frame (a power loss may have left torn ones between), found by its checksum.
        for (int offset = 32; offset + 16 <= bytes.length; ) {
          int length = buffer.getInt(offset);
          if (length <= 0 || offset + 16 + length > bytes.length || !intact(bytes, offset, length)) {
            offset++;
            continue;
          }
          if (cut < 0 || offset + 16 + length > cut) {
            lostSeqs.add(buffer.getLong(offset + 8));
            long n = MAPPER.readTree(java.util.Arrays.copyOfRange(bytes, offset + 16, offset + 16 + length))
                .path("event").path("n").asLong();
            mustSurvive.remove(n);
            accepted.remove(n);
          }
          offset += 16 + length;
        }
        if (cut < 0) {
          storage.delete(victim);
          storage.syncDirectory(root.resolve("log"));
        } else {
          try (dev.analytics.internal.log.StorageFile file = storage.open(victim, dev.analytics.internal.log.Storage.Access.WRITE)) {
            file.truncate(cut);
            file.sync();
          }
        }
      }
      open();
      long crossed = lostSeqs.stream().filter(seq -> seq >= readerStart).count();
      assertThat(log.corruptSkipped()).as("records lost with the damaged segment and crossed by the reader")
          .isGreaterThanOrEqualTo(crossed);
      return 0;
    }

    /** The frame's CRC32C (of its length, seq and payload) matches, as the format documents it. */
    private static boolean intact(byte[] bytes, int offset, int length) {
      java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
      crc.update(bytes, offset, 4);
      crc.update(bytes, offset + 8, 8 + length);
      return (int) crc.getValue() == java.nio.ByteBuffer.wrap(bytes).getInt(offset + 4);
    }

    void powerLoss() throws Exception {
      totals.powerLosses.incrementAndGet();
      storage.powerLoss(); // the old instances are abandoned, as a dead process's
      abandonLog();
      open();
    }

    /**
     * Stops the dead instance's threads (the SYNC acknowledger), so that thousands of sequences do not
     * leave thousands behind; through its process view it can no longer touch the machine.
     */
    void abandonLog() {
      try {
        log.close();
      } catch (IOException | RuntimeException e) {
        // Expected: its storage is gone.
      }
    }

    int restart() throws Exception {
      totals.restarts.incrementAndGet();
      int errors = 0;
      reader.close();
      try {
        log.close();
        mustSurvive.addAll(accepted); // close fsyncs everything
      } catch (IOException e) {
        errors++;
      }
      open();
      return errors;
    }

    void close() throws IOException {
      reader.close();
      log.close();
    }

    void open() throws Exception {
      // This instance's own view: after a power loss its threads fail on everything, as a dead process's.
      Storage process = storage.process();
      cursors = new CursorStore(root.resolve("cursors"), process);
      cursors.deleteTemporaryFiles();
      LogEvents events = new LogEvents() {
        @Override
        public void onStorageError(IOException error) {
          errorsHeard.incrementAndGet();
        }
      };
      log = EventLog.open(new EventLog.Options(root.resolve("log"))
          .sizes(segmentBytes, 1L << 30)
          .whenFull(WhenLogFull.BLOCK, Duration.ofSeconds(1))
          .syncEachAppend(durability == Durability.SYNC)
          .storage(process)
          .events(events), cursors.maxSeq());
      deadLetters = new DeadLetterFile(root.resolve("dead-letters"), process, MAPPER, log, 1 << 20);
      long saved = cursors.read(SINK);
      long first = log.firstSeq();
      long start = Math.min(Math.max(saved < 0 ? first : saved, first), log.nextSeq());
      reader = log.reader(start);
      readerStart = start;
      pending.clear();
      checkRecovered();
    }

    /** Reads everything from the cursor and checks it against the model; what was read stays pending. */
    void checkRecovered() throws IOException {
      Set<Long> readable = new HashSet<>();
      List<LogReader.Entry> all = new ArrayList<>();
      int stuck = 0;
      while (reader.nextSeq() < log.nextSeq()) {
        long before = reader.nextSeq();
        List<LogReader.Entry> entries = new ArrayList<>();
        reader.read(100, entries);
        all.addAll(entries);
        if (entries.isEmpty() && reader.nextSeq() == before) {
          assertThat(++stuck).as("reader stuck at seq %d of %d", before, log.nextSeq()).isLessThan(3);
        }
      }
      for (LogReader.Entry entry : all) {
        long n = MAPPER.readTree(entry.payload).path("event").path("n").asLong();
        assertThat(attempted).as("a record read back was appended").contains(n);
        readable.add(n);
      }
      Set<String> letterKeys = new HashSet<>();
      Set<Long> deadLettered = new HashSet<>();
      for (DeadLetter letter : deadLetters.list()) {
        assertThat(letterKeys.add(letter.sink() + "/" + letter.id())).as("dead-lettered once: %s", letter.id()).isTrue();
        long n = letter.envelope().path("event").path("n").asLong();
        assertThat(attempted).as("a dead letter refers to an appended record").contains(n);
        deadLettered.add(n);
      }
      for (long n : mustSurvive) {
        if (!done.contains(n) && !readable.contains(n) && !deadLettered.contains(n)) {
          throw new AssertionError("record " + n + " (" + durability + ", durable) is lost after recovery; readable "
              + readable.size() + ", done " + done.size() + ", segment bytes " + segmentBytes + ", steps " + trace + ", files " + files() + ", log " + log.firstSeq() + ".." + log.nextSeq()
              + ", reader started at " + readerStart);
        }
      }
      pending.addAll(all);
      // What a power loss took legitimately (never known durable) is out of the model from now on.
      accepted.removeIf(n -> !readable.contains(n) && !done.contains(n) && !deadLettered.contains(n));
    }
  }
}
