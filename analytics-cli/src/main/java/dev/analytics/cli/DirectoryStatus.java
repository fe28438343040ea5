package dev.analytics.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.analytics.internal.log.LogInspector;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What {@code status} reports, computed in one read-only pass over a directory. */
record DirectoryStatus(Path directory, Instant now, LockHolder.State lock, LogSummary log,
    List<SinkBacklog> sinks, DeadLetterSummary deadLetters) {

  /**
   * The event log: segment files and their disk use (preallocated), the records kept and their seqs.
   *
   * @param firstSeq the oldest record's seq, or -1 when none is kept
   */
  record LogSummary(int segments, long diskBytes, long records, long firstSeq, long nextSeq,
      long corruptSegments) {}

  /** The dead-letter file: letters and bytes, counts by sink and by reason (most frequent first). */
  record DeadLetterSummary(long count, long bytes, Map<String, Long> bySink, Map<String, Long> byReason,
      int unreadableLines) {}

  /**
   * One sink's backlog from its saved cursor.
   *
   * @param cursor the saved cursor, or -1 when its file is damaged (the sink starts from the oldest record)
   * @param oldest the oldest queued record's timestamp, or null when nothing is queued
   */
  record SinkBacklog(String name, long cursor, long queuedRecords, long queuedBytes, Instant oldest) {
    Duration oldestAge(Instant now) {
      return oldest == null ? Duration.ZERO : Duration.between(oldest, now).isNegative()
          ? Duration.ZERO : Duration.between(oldest, now);
    }
  }

  static DirectoryStatus read(Path directory, Clock clock, ObjectMapper mapper) throws IOException {
    LockHolder.State lock = LockHolder.of(directory);
    LogInspector inspector = new LogInspector(directory);
    Map<String, Long> cursors = inspector.cursors();
    List<String> names = new ArrayList<>(cursors.keySet());
    long[] from = new long[names.size()];
    long[] queued = new long[names.size()];
    long[] queuedBytes = new long[names.size()];
    long[] oldest = new long[names.size()];
    for (int i = 0; i < names.size(); i++) {
      from[i] = Math.max(0, cursors.get(names.get(i)));
      oldest[i] = Long.MAX_VALUE;
    }
    long[] totals = {0, -1, 0}; // records, first seq, next seq
    List<LogInspector.SegmentScan> scans = inspector.scan((seq, bytes, time) -> {
      totals[0]++;
      if (totals[1] < 0) totals[1] = seq;
      totals[2] = seq + 1;
      for (int i = 0; i < from.length; i++) {
        if (seq < from[i]) continue;
        queued[i]++;
        queuedBytes[i] += bytes;
        if (time >= 0 && time < oldest[i]) oldest[i] = time;
      }
    });
    long nextSeq = scans.isEmpty() ? 0 : scans.get(scans.size() - 1).nextSeq();
    List<SinkBacklog> sinks = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      sinks.add(new SinkBacklog(names.get(i), cursors.get(names.get(i)), queued[i], queuedBytes[i],
          oldest[i] == Long.MAX_VALUE ? null : Instant.ofEpochMilli(oldest[i])));
    }

    StoredDeadLetters.Contents letters = StoredDeadLetters.read(directory, mapper);
    Map<String, Long> bySink = new TreeMap<>();
    Map<String, Long> byReason = new TreeMap<>();
    for (StoredDeadLetters.Letter letter : letters.letters()) {
      bySink.merge(letter.sink(), 1L, Long::sum);
      byReason.merge(letter.reason(), 1L, Long::sum);
    }
    LogSummary log = new LogSummary(scans.size(), diskBytes(directory.resolve(LogInspector.LOG_DIRECTORY)),
        totals[0], totals[1], nextSeq, scans.stream().filter(LogInspector.SegmentScan::corrupt).count());
    DeadLetterSummary deadLetters = new DeadLetterSummary(letters.letters().size(), letters.bytes(), bySink,
        mostFrequent(byReason), letters.unreadableLines().size());
    return new DirectoryStatus(directory, clock.instant(), lock, log, List.copyOf(sinks), deadLetters);
  }

  /** Segment files are preallocated: their full size is on disk, used or not. */
  private static long diskBytes(Path logDirectory) throws IOException {
    long total = 0;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(logDirectory)) {
      for (Path file : files) {
        try {
          total += Files.size(file);
        } catch (java.nio.file.NoSuchFileException e) {
          // Released meanwhile.
        }
      }
    }
    return total;
  }

  private static Map<String, Long> mostFrequent(Map<String, Long> counts) {
    Map<String, Long> sorted = new LinkedHashMap<>();
    counts.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
        .forEachOrdered(e -> sorted.put(e.getKey(), e.getValue()));
    return sorted;
  }
}
