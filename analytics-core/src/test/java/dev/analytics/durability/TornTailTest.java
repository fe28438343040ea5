package dev.analytics.durability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.analytics.Analytics;
import dev.analytics.internal.log.EventLog;
import dev.analytics.internal.log.LogReader;
import dev.analytics.internal.log.WhenLogFull;
import dev.analytics.spi.Outcome;
import dev.analytics.testing.RecordingSink;
import dev.analytics.testsupport.Dirs;
import dev.analytics.testsupport.SegmentFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Guarantee 3, torn tails: a write interrupted at any byte leaves the records fully before the cut
 * intact and deliverable, and nothing else; recovery cuts the tail without complaint.
 *
 * <p>Segments are preallocated and zero-filled, so an interrupted write looks like a frame whose bytes
 * stop and zeros follow ({@link #zeroFrom}); a file system that lost the file's tail looks like a
 * shorter file ({@link #truncateAt}). Both are tried at every byte offset of the last records.
 */
class TornTailTest {
  /** Large records fill two 64 KiB segments quickly; the small ones after them are cut byte by byte. */
  private static final int LARGE_RECORDS = 150;
  private static final int SMALL_RECORDS = 30;
  private static final int LAST_RECORDS_CUT = 2;

  @TempDir static Path shared;
  /** A copy taken while the instance was still open: what kill -9 leaves. */
  static Path crashImage;
  /** The same directory after a clean close. */
  static Path closedImage;
  static List<String> emitted;

  @TempDir Path work;

  @BeforeAll
  static void writeLog() {
    Path live = shared.resolve("live");
    RecordingSink down = new RecordingSink().respondWith(r -> Outcome.retryLater());
    emitted = new ArrayList<>();
    Analytics analytics = Analytics.builder().directory(live).segmentBytes(64 * 1024)
        .retryBackoff(Duration.ofMinutes(1), Duration.ofMinutes(1)).closeTimeout(Duration.ZERO)
        .sink("test", down).build();
    String pad = "x".repeat(600);
    for (int i = 0; i < LARGE_RECORDS; i++) emitted.add(analytics.emit(Map.of("i", i, "pad", pad)));
    for (int i = 0; i < SMALL_RECORDS; i++) emitted.add(analytics.emit(Map.of("i", i)));
    crashImage = shared.resolve("crash-image");
    Dirs.copy(live, crashImage);
    analytics.close();
    closedImage = shared.resolve("closed-image");
    Dirs.copy(live, closedImage);
  }

  @Test
  void theImagesHoldEveryEmittedRecordInOrderAcrossSeveralSegments() {
    for (Path image : List.of(crashImage, closedImage)) {
      List<Path> segments = SegmentFiles.segments(image);
      assertThat(segments).hasSizeGreaterThanOrEqualTo(2);
      assertThat(SegmentFiles.isSealed(segments.get(0))).isTrue();
      List<String> onDisk = new ArrayList<>();
      for (Path segment : segments) SegmentFiles.frames(segment).forEach(f -> onDisk.add(f.id));
      assertThat(onDisk).containsExactlyElementsOf(emitted);
    }
  }

  @Test
  void zeroFillFromEveryOffsetOfTheLastRecordsDeliversExactlyTheCompleteOnes() throws IOException {
    int cases = cutEveryOffset(crashImage, TornTailTest::zeroFrom, false);
    assertThat(cases).isGreaterThan(LAST_RECORDS_CUT * 90);
  }

  @Test
  void truncatingTheFileAtEveryOffsetOfTheLastRecordsDeliversExactlyTheCompleteOnes() throws IOException {
    int cases = cutEveryOffset(closedImage, TornTailTest::truncateAt, false);
    assertThat(cases).isGreaterThan(LAST_RECORDS_CUT * 90);
  }

  @Test
  @Tag("slow")
  void zeroFillFromEveryOffsetThroughTheWholeEngine() throws IOException {
    cutEveryOffset(crashImage, TornTailTest::zeroFrom, true);
  }

  @Test
  @Tag("slow")
  void truncatingAtEveryOffsetThroughTheWholeEngine() throws IOException {
    cutEveryOffset(closedImage, TornTailTest::truncateAt, true);
  }

  @Test
  void aLastSegmentTornInsideItsHeaderOrFirstRecordLosesNothingOfTheEarlierSegments() throws IOException {
    List<Path> segments = SegmentFiles.segments(crashImage);
    Path last = segments.get(segments.size() - 1);
    SegmentFiles.Frame first = SegmentFiles.frames(last).get(0);
    int firstIndex = emitted.indexOf(first.id);
    for (int cut = 0; cut <= first.end(); cut += (cut <= first.payloadOffset() ? 1 : 37)) {
      List<String> expected = emitted.subList(0, cut >= first.end() ? firstIndex + 1 : firstIndex);
      Cut style = cut % 2 == 0 ? TornTailTest::zeroFrom : TornTailTest::truncateAt;
      checkCutInLog(crashImage, last.getFileName().toString(), cut, style, expected);
      if (cut % 8 == 0 || cut % 8 == 7 || cut >= first.end() - 1) {
        checkCut(crashImage, last.getFileName().toString(), cut, style, expected, false);
      }
    }
  }

  @Test
  void aTornTailBehindTheCursorOpensAndKeepsAccepting() throws IOException {
    // The sink had delivered everything (its cursor is at the end) when the tail was lost: the cursor
    // is then ahead of the log. Cut inside a frame's 16-byte header, so not even a seal frame fits.
    for (Cut cut : List.<Cut>of(TornTailTest::zeroFrom, TornTailTest::truncateAt)) {
      Path dir = work.resolve("ahead-" + System.nanoTime());
      RecordingSink first = new RecordingSink();
      List<String> ids = new ArrayList<>();
      try (Analytics analytics = Analytics.builder().directory(dir).segmentBytes(64 * 1024).sink("test", first).build()) {
        for (int i = 0; i < 100; i++) ids.add(analytics.emit(Map.of("i", i)));
        assertThat(analytics.flush(Duration.ofSeconds(10))).isTrue();
      }
      assertThat(first.deliveredIds()).containsExactlyElementsOf(ids);
      List<Path> segments = SegmentFiles.segments(dir);
      Path last = segments.get(segments.size() - 1);
      List<SegmentFiles.Frame> frames = SegmentFiles.frames(last);
      cut.apply(last, frames.get(frames.size() - 3).offset + 5);

      RecordingSink second = new RecordingSink();
      try (Analytics analytics = Analytics.builder().directory(dir).segmentBytes(64 * 1024).sink("test", second).build()) {
        String next = analytics.emit(Map.of("after", "cut"));
        assertThat(analytics.flush(Duration.ofSeconds(10))).isTrue();
        assertThat(second.deliveredIds()).containsExactly(next);
      }
    }
  }

  interface Cut {
    void apply(Path segment, int offset) throws IOException;
  }

  /**
   * Cuts the last segment at every offset from the start of its last few records to their end. Every
   * cut is recovered by the real log (open, read everything back, append, reopen, read again); cuts at
   * and next to frame boundaries, and every 11th one, go through a whole {@link Analytics} instance
   * with a recording sink ({@code wholeEngineEveryOffset}: all of them; minutes on a busy machine).
   */
  private int cutEveryOffset(Path image, Cut cut, boolean wholeEngineEveryOffset) throws IOException {
    List<Path> segments = SegmentFiles.segments(image);
    Path last = segments.get(segments.size() - 1);
    List<SegmentFiles.Frame> frames = SegmentFiles.frames(last);
    assertThat(frames).hasSizeGreaterThan(LAST_RECORDS_CUT);
    List<SegmentFiles.Frame> tail = frames.subList(frames.size() - LAST_RECORDS_CUT, frames.size());
    int from = tail.get(0).offset;
    int to = tail.get(tail.size() - 1).end();
    int cases = 0;
    int wholeEngine = 0;
    for (int offset = from; offset <= to; offset++) {
      int complete = emitted.indexOf(tail.get(0).id);
      boolean nearBoundary = false;
      for (SegmentFiles.Frame frame : tail) {
        if (frame.end() <= offset) complete++;
        nearBoundary |= Math.abs(frame.offset - offset) <= 1 || Math.abs(frame.end() - offset) <= 1;
      }
      List<String> expected = emitted.subList(0, complete);
      String segmentName = last.getFileName().toString();
      checkCutInLog(image, segmentName, offset, cut, expected);
      if (wholeEngineEveryOffset || nearBoundary || (offset - from) % 11 == 0) {
        checkCut(image, segmentName, offset, cut, expected, wholeEngine++ % 4 == 0);
      }
      cases++;
    }
    return cases;
  }

  /** Recovers a cut copy with the log alone: the same recovery code, without threads. */
  private void checkCutInLog(Path image, String segmentName, int offset, Cut cut, List<String> expected)
      throws IOException {
    Path dir = work.resolve("log-cut-" + offset);
    Dirs.copy(image, dir);
    cut.apply(dir.resolve("log").resolve(segmentName), offset);
    String appended;
    try (EventLog log = openLog(dir)) {
      assertThat(readIds(log)).as("records recovered after a cut at %d", offset).containsExactlyElementsOf(expected);
      assertThat(log.corruptSkipped()).as("a torn tail is not corruption (cut at %d)", offset).isZero();
      appended = log.append(("{\"after\":" + offset + "}").getBytes(StandardCharsets.UTF_8));
    }
    List<String> all = new ArrayList<>(expected);
    all.add(appended);
    try (EventLog log = openLog(dir)) {
      assertThat(readIds(log)).as("records after a cut at %d, an append and a second recovery", offset)
          .containsExactlyElementsOf(all);
      assertThat(log.corruptSkipped()).isZero();
    }
    Dirs.delete(dir);
  }

  private static EventLog openLog(Path dir) throws IOException {
    return EventLog.open(new EventLog.Options(dir.resolve("log"))
        .sizes(64 * 1024, 1L << 30)
        .whenFull(WhenLogFull.BLOCK, Duration.ofSeconds(1)), 0);
  }

  private static List<String> readIds(EventLog log) throws IOException {
    List<String> ids = new ArrayList<>();
    try (LogReader reader = log.reader(log.firstSeq())) {
      List<LogReader.Entry> entries = new ArrayList<>();
      while (reader.read(1000, entries) > 0) {
        for (LogReader.Entry entry : entries) ids.add(new String(entry.payload, 7, 36, StandardCharsets.US_ASCII));
        entries.clear();
      }
    }
    return ids;
  }

  private void checkCut(Path image, String segmentName, int offset, Cut cut, List<String> expected,
      boolean reopenTwice) throws IOException {
    Path dir = work.resolve("cut-" + offset);
    Dirs.copy(image, dir);
    cut.apply(dir.resolve("log").resolve(segmentName), offset);
    RecordingSink sink = new RecordingSink();
    String appended;
    try (Analytics analytics = Analytics.builder().directory(dir).segmentBytes(64 * 1024).sink("test", sink).build()) {
      assertThat(analytics.flush(Duration.ofSeconds(10))).as("flush after a cut at %d", offset).isTrue();
      assertThat(sink.deliveredIds()).as("records delivered after a cut at %d", offset)
          .containsExactlyElementsOf(expected);
      assertThat(analytics.stats().corruptSkipped()).as("a torn tail is not corruption (cut at %d)", offset).isZero();
      // New records go right after the cut, and the old tail's bytes must not confuse anyone.
      appended = analytics.emit(Map.of("after", offset));
      assertThat(analytics.flush(Duration.ofSeconds(10))).isTrue();
      assertThat(sink.deliveredIds()).as("cut at %d", offset).hasSize(expected.size() + 1).endsWith(appended);
    }
    if (reopenTwice) {
      // The recovered log recovers again: the new record sits right after the complete ones, with no
      // stale bytes of the cut record around it (the parser would trip on them), and nothing is lost.
      List<String> onDisk = new ArrayList<>();
      for (Path segment : SegmentFiles.segments(dir)) SegmentFiles.frames(segment).forEach(f -> onDisk.add(f.id));
      assertThat(onDisk).as("records on disk after a cut at %d", offset).endsWith(appended);
      assertThat(expected).as("cut at %d", offset).endsWith(onDisk.subList(0, onDisk.size() - 1).toArray(String[]::new));
      RecordingSink again = new RecordingSink();
      try (Analytics analytics = Analytics.builder().directory(dir).segmentBytes(64 * 1024).sink("again", again).build()) {
        assertThat(analytics.flush(Duration.ofSeconds(10))).isTrue();
        assertThat(again.deliveredIds()).as("second recovery after a cut at %d", offset).containsExactlyElementsOf(onDisk);
        assertThat(analytics.stats().corruptSkipped()).isZero();
      }
    }
    Dirs.delete(dir);
  }

  static void zeroFrom(Path segment, int offset) throws IOException {
    try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE)) {
      long size = channel.size();
      ByteBuffer zeros = ByteBuffer.allocate((int) Math.max(0, size - offset));
      while (zeros.hasRemaining()) channel.write(zeros, offset + zeros.position());
    }
    assertThat(Files.size(segment)).isGreaterThan(offset);
  }

  static void truncateAt(Path segment, int offset) throws IOException {
    try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE)) {
      channel.truncate(offset);
    }
  }
}
