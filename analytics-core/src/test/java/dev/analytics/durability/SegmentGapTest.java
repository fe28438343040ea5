package dev.analytics.durability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.analytics.Analytics;
import dev.analytics.Durability;
import dev.analytics.spi.Listener;
import dev.analytics.testing.RecordingSink;
import dev.analytics.testsupport.ChildJvm;
import dev.analytics.testsupport.CrashChild;
import dev.analytics.testsupport.LogImages;
import dev.analytics.testsupport.SegmentFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Guarantee 3, gaps between segments: a segment in the middle of the log that is deleted, emptied or
 * truncated loses only its own records. They are counted in {@code corruptSkipped} and reported once,
 * and every intact record after the gap is delivered, whether the damage is there at open or happens
 * while the instance runs, after a clean close or after {@code kill -9}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS) // a hang guard: a gap once made the dispatcher spin forever
class SegmentGapTest {
  private static final int RECORDS = 2_500; // about five 64 KiB segments
  private static final Pattern EMITTED = Pattern.compile("E [0-9a-f-]{36}");

  @TempDir Path dir;

  @Test
  void aDeletedMiddleSegmentLosesOnlyItsRecordsAndIsReportedOnce() throws IOException {
    loseTheMiddleSegment(Files::delete);
  }

  @Test
  void anEmptiedMiddleSegmentLosesOnlyItsRecordsAndIsReportedOnce() throws IOException {
    loseTheMiddleSegment(segment -> truncate(segment, 0));
  }

  @Test
  void aMiddleSegmentCutInsideItsHeaderLosesOnlyItsRecords() throws IOException {
    loseTheMiddleSegment(segment -> truncate(segment, 20));
  }

  interface Damage {
    void apply(Path segment) throws IOException;
  }

  private void loseTheMiddleSegment(Damage damage) throws IOException {
    List<String> ids = LogImages.writeUndelivered(dir, RECORDS);
    Path victim = middleSegment();
    List<String> lost = idsIn(victim);
    damage.apply(victim);

    expectGapRecovered(ids, lost);
  }

  @Test
  void aTruncatedMiddleSegmentLosesOnlyTheRecordsPastTheCut() throws IOException {
    List<String> ids = LogImages.writeUndelivered(dir, RECORDS);
    Path victim = middleSegment();
    List<SegmentFiles.Frame> frames = SegmentFiles.frames(victim);
    SegmentFiles.Frame cutInside = frames.get(frames.size() / 2);
    List<String> lost = new ArrayList<>();
    for (SegmentFiles.Frame frame : frames.subList(frames.size() / 2, frames.size())) lost.add(frame.id);
    truncate(victim, cutInside.offset + 7);

    LogImages.Reopened reopened = expectGapRecovered(ids, lost);
    assertThat(reopened.corruptions.get(0).detail).contains("truncated");
  }

  @Test
  void twoAdjacentDeletedSegmentsAreOneGap() throws IOException {
    List<String> ids = LogImages.writeUndelivered(dir, RECORDS);
    List<Path> segments = SegmentFiles.segments(dir);
    assertThat(segments).hasSizeGreaterThanOrEqualTo(4);
    List<String> lost = new ArrayList<>(idsIn(segments.get(1)));
    lost.addAll(idsIn(segments.get(2)));
    Files.delete(segments.get(1));
    truncate(segments.get(2), 0);

    expectGapRecovered(ids, lost);
  }

  @Test
  void aTruncatedLastSegmentIsReportedAndCountsWhatTheCursorsProveLost() throws IOException {
    // The sink delivered all 300 records, so its cursor says 300 exist; then the last segment loses
    // its tail. A second sink, new in the next session, cannot get the records that are gone.
    RecordingSink first = new RecordingSink();
    List<String> ids = new ArrayList<>();
    try (Analytics analytics = Analytics.builder().directory(dir).segmentBytes(LogImages.SEGMENT_BYTES)
        .sink("first", first).build()) {
      for (int i = 0; i < 300; i++) ids.add(analytics.emit(Map.of("i", i)));
      assertThat(analytics.flush(Duration.ofSeconds(20))).isTrue();
    }
    List<Path> segments = SegmentFiles.segments(dir);
    Path last = segments.get(segments.size() - 1);
    List<SegmentFiles.Frame> frames = SegmentFiles.frames(last);
    int keep = frames.size() - 40;
    truncate(last, frames.get(keep).offset + 3);
    long lostCount = frames.size() - keep;

    List<LogImages.Corruption> reports = new CopyOnWriteArrayList<>();
    RecordingSink second = new RecordingSink();
    try (Analytics analytics = Analytics.builder().directory(dir).segmentBytes(LogImages.SEGMENT_BYTES)
        .listener(recorder(reports)).sink("first", new RecordingSink()).sink("second", second).build()) {
      assertThat(analytics.flush(Duration.ofSeconds(20))).isTrue();
      assertThat(analytics.stats().corruptSkipped()).isEqualTo(lostCount);
      String after = analytics.emit(Map.of("after", "cut"));
      assertThat(analytics.flush(Duration.ofSeconds(20))).isTrue();
      List<String> expected = new ArrayList<>(ids.subList(0, ids.size() - (int) lostCount));
      expected.add(after);
      assertThat(second.deliveredIds()).containsExactlyElementsOf(expected);
    }
    assertThat(reports).hasSize(1);
    assertThat(reports.get(0).detail).contains("truncated");
    assertThat(reports.get(0).skippedRecords).isEqualTo(lostCount);
  }

  @Test
  void aSegmentDeletedWhileRunningIsSkippedAndDeliveryContinues() throws IOException {
    AtomicBoolean up = new AtomicBoolean();
    RecordingSink sink = new RecordingSink().maxInFlight(1).maxBatchRecords(50)
        .respondWith(r -> up.get() ? dev.analytics.spi.Outcome.delivered() : dev.analytics.spi.Outcome.retryLater());
    List<LogImages.Corruption> reports = new CopyOnWriteArrayList<>();
    List<String> ids = new ArrayList<>();
    try (Analytics analytics = Analytics.builder().directory(dir).segmentBytes(LogImages.SEGMENT_BYTES)
        .retryBackoff(Duration.ofMillis(20), Duration.ofMillis(50)).listener(recorder(reports))
        .sink(LogImages.SINK, sink).build()) {
      for (int i = 0; i < RECORDS; i++) ids.add(analytics.emit(Map.of("i", i)));
      Path victim = middleSegment();
      List<String> lost = idsIn(victim);
      Files.delete(victim);
      up.set(true);
      assertThat(analytics.flush(Duration.ofSeconds(30))).as("flush completes past the gap").isTrue();
      String after = analytics.emit(Map.of("after", "gap"));
      assertThat(analytics.flush(Duration.ofSeconds(30))).isTrue();
      assertThat(analytics.stats().corruptSkipped()).isEqualTo(lost.size());
      List<String> expected = new ArrayList<>(ids);
      expected.removeAll(lost);
      expected.add(after);
      assertThat(sink.deliveredIds()).containsExactlyElementsOf(expected);
    }
    assertThat(reports).hasSize(1);
  }

  @Test
  void aReaderThatCannotMoveBacksOffInsteadOfSpinningAndSaysWhy() throws Exception {
    // The active segment is removed from outside while the reader is still in an earlier one: the
    // reader has nowhere to go until the writer rolls to a new segment.
    AtomicBoolean up = new AtomicBoolean();
    RecordingSink sink = new RecordingSink().maxInFlight(1).maxBatchRecords(50)
        .respondWith(r -> up.get() ? dev.analytics.spi.Outcome.delivered() : dev.analytics.spi.Outcome.retryLater());
    List<String> warnings = new CopyOnWriteArrayList<>();
    java.util.logging.Logger dispatcherLog = java.util.logging.Logger.getLogger("dev.analytics.internal.Dispatcher");
    java.util.logging.Handler handler = new java.util.logging.Handler() {
      @Override
      public void publish(java.util.logging.LogRecord record) {
        if (record.getMessage().contains("none can be read")) warnings.add(record.getMessage());
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    dispatcherLog.addHandler(handler);
    List<String> ids = new ArrayList<>();
    try (Analytics analytics = Analytics.builder().directory(dir).segmentBytes(LogImages.SEGMENT_BYTES)
        .retryBackoff(Duration.ofMillis(20), Duration.ofMillis(50)).sink(LogImages.SINK, sink).build()) {
      for (int i = 0; i < 1_000; i++) ids.add(analytics.emit(Map.of("i", i)));
      List<Path> segments = SegmentFiles.segments(dir);
      assertThat(segments).hasSize(2);
      Files.delete(segments.get(1));
      up.set(true);
      assertThat(analytics.flush(Duration.ofSeconds(2))).as("records of the removed segment cannot come").isFalse();
      Thread dispatcher = Thread.getAllStackTraces().keySet().stream()
          .filter(t -> t.getName().equals("analytics-dispatcher-" + LogImages.SINK)).findFirst().orElseThrow();
      java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
      long cpuBefore = threads.getThreadCpuTime(dispatcher.getId());
      long wallBefore = System.nanoTime();
      assertThat(analytics.flush(Duration.ofMillis(1500))).isFalse();
      long cpu = threads.getThreadCpuTime(dispatcher.getId()) - cpuBefore;
      long wall = System.nanoTime() - wallBefore;
      assertThat(cpu).as("dispatcher CPU time while stuck (ns), of %d ns", wall).isLessThan(wall / 4);
      assertThat(warnings).as("the stuck reader says why, once").hasSize(1);
      assertThat(warnings.get(0)).contains("retrying with backoff");

      // Once the writer rolls to a new segment, the reader moves on past the gap.
      List<String> later = new ArrayList<>();
      while (SegmentFiles.segments(dir).size() < 3) later.add(analytics.emit(Map.of("later", later.size())));
      for (int i = 0; i < 10; i++) later.add(analytics.emit(Map.of("later", later.size())));
      assertThat(analytics.flush(Duration.ofSeconds(30))).isTrue();
      List<String> all = new ArrayList<>(ids);
      all.addAll(later);
      List<String> delivered = sink.deliveredIds();
      assertThat(delivered).doesNotHaveDuplicates().isSubsetOf(all).endsWith(later.get(later.size() - 1));
      assertThat(analytics.stats().corruptSkipped()).isEqualTo(all.size() - delivered.size()).isPositive();
    } finally {
      dispatcherLog.removeHandler(handler);
    }
  }

  @Test
  void aMiddleSegmentDeletedAfterKillDashNineLosesOnlyItsRecords() throws IOException {
    Path stderr = dir.resolve("child.stderr");
    Path log = dir.resolve("analytics");
    List<String> printed = new ArrayList<>();
    try (ChildJvm child = ChildJvm.start(CrashChild.class, stderr, 60_000, log.toString(),
        Durability.PERIODIC.name(), String.valueOf(LogImages.SEGMENT_BYTES), "down")) {
      String line;
      while (printed.size() < RECORDS && (line = child.readLine()) != null) {
        if (EMITTED.matcher(line).matches()) printed.add(line.substring(2));
      }
      child.kill();
      while ((line = child.readLine()) != null) if (EMITTED.matcher(line).matches()) printed.add(line.substring(2));
    }
    assertThat(printed).hasSizeGreaterThanOrEqualTo(RECORDS);
    List<Path> segments = SegmentFiles.segments(log);
    assertThat(segments).hasSizeGreaterThanOrEqualTo(4);
    Path victim = segments.get(1);
    Set<String> lost = new HashSet<>(idsIn(victim));
    truncate(victim, 0);

    LogImages.Reopened reopened = LogImages.reopenAndDeliver(log);
    assertThat(reopened.flushed).isTrue();
    assertThat(reopened.stats.corruptSkipped()).isEqualTo(lost.size());
    assertThat(reopened.corruptions).hasSize(1);
    List<String> expected = new ArrayList<>(printed);
    expected.removeAll(lost);
    // The child may have accepted a few ids after the last one it printed: those may come back too.
    assertThat(reopened.delivered).doesNotHaveDuplicates().startsWith(expected.toArray(String[]::new));
  }

  @Test
  void anInterruptedRollIsNotMistakenForDamage() throws IOException {
    // What a kill -9 or a power loss in the middle of a roll can leave: the next segment's file with
    // no data yet, empty or zero-filled.
    for (int size : new int[] {0, LogImages.SEGMENT_BYTES}) {
      Path image = dir.resolve("roll-" + size);
      List<String> ids = LogImages.writeUndelivered(image, 300);
      List<Path> segments = SegmentFiles.segments(image);
      long nextBase = Long.parseLong(segments.get(segments.size() - 1).getFileName().toString().substring(0, 20)) + 1_000;
      Path next = image.resolve("log").resolve(String.format("%020d.seg", nextBase));
      Files.write(next, new byte[size]);

      LogImages.Reopened reopened = LogImages.reopenAndDeliver(image);
      assertThat(reopened.flushed).isTrue();
      assertThat(reopened.corruptions).as("size %d", size).isEmpty();
      assertThat(reopened.stats.corruptSkipped()).isZero();
      assertThat(reopened.delivered).containsExactlyElementsOf(ids);
      LogImages.Reopened again = LogImages.reopenAndDeliver(image);
      assertThat(again.corruptions).isEmpty();
    }
  }

  private LogImages.Reopened expectGapRecovered(List<String> ids, List<String> lost) {
    LogImages.Reopened reopened = LogImages.reopenAndDeliver(dir);
    assertThat(reopened.flushed).as("flush completes past the gap").isTrue();
    List<String> expected = new ArrayList<>(ids);
    expected.removeAll(lost);
    assertThat(reopened.delivered).as("every intact record, once, in order").containsExactlyElementsOf(expected);
    assertThat(reopened.stats.corruptSkipped()).as("records known missing").isEqualTo(lost.size());
    assertThat(reopened.corruptions).as("reported once").hasSize(1);
    assertThat(reopened.corruptions.get(0).skippedRecords).isEqualTo(lost.size());
    // Reported once, not at every open: the second session neither counts nor reports it again.
    LogImages.Reopened again = LogImages.reopenAndDeliver(dir);
    assertThat(again.flushed).isTrue();
    assertThat(again.corruptions).isEmpty();
    return reopened;
  }

  private Path middleSegment() {
    List<Path> segments = SegmentFiles.segments(dir);
    assertThat(segments).hasSizeGreaterThanOrEqualTo(4);
    return segments.get(2);
  }

  private static List<String> idsIn(Path segment) {
    List<String> ids = new ArrayList<>();
    for (SegmentFiles.Frame frame : SegmentFiles.frames(segment)) ids.add(frame.id);
    assertThat(ids).isNotEmpty();
    return ids;
  }

  private static void truncate(Path file, long size) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.truncate(size);
    }
  }

  private static Listener recorder(List<LogImages.Corruption> reports) {
    return new Listener() {
      @Override
      public void onCorruption(Path segment, long offset, long skippedRecords, String detail) {
        reports.add(LogImages.corruption(segment, offset, skippedRecords, detail));
      }
    };
  }
}
