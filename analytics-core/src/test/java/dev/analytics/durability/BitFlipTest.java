package dev.analytics.durability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.analytics.testsupport.ChildJvm;
import dev.analytics.testsupport.Dirs;
import dev.analytics.testsupport.LogImages;
import dev.analytics.testsupport.ReopenChild;
import dev.analytics.testsupport.SegmentFiles;
import dev.analytics.testsupport.SegmentFiles.Frame;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Guarantee 3, corruption: damaged records in the middle of a segment (of the active segment, scanned
 * by recovery, or of a sealed one, met by the reader) are skipped, counted in
 * {@code stats().corruptSkipped()} and reported to the listener; every intact record is delivered,
 * in order, and nothing is thrown.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS) // a hang guard: a corrupt length must not make recovery loop
class BitFlipTest {
  @TempDir static Path shared;
  static Path image;
  static List<String> emitted;

  @TempDir Path work;

  @BeforeAll
  static void writeLog() {
    image = shared.resolve("image");
    emitted = LogImages.writeUndelivered(image, 1_500); // about three 64 KiB segments
    assertThat(SegmentFiles.segments(image)).hasSizeGreaterThanOrEqualTo(3);
  }

  /** One frame chosen in the image, found again in a copy. */
  private record Target(int segmentIndex, Frame frame) {}

  private Target frameAt(int segmentIndex, double where) {
    List<Path> segments = SegmentFiles.segments(image);
    int index = segmentIndex < 0 ? segments.size() + segmentIndex : segmentIndex;
    List<Frame> frames = SegmentFiles.frames(segments.get(index));
    return new Target(index, frames.get((int) (frames.size() * where)));
  }

  private Path segmentIn(Path copy, Target target) {
    return SegmentFiles.segments(copy).get(target.segmentIndex);
  }

  private static List<String> without(List<String> all, List<Target> damaged) {
    List<String> result = new ArrayList<>(all);
    for (Target target : damaged) result.remove(target.frame.id);
    return result;
  }

  private interface Damage {
    void apply(Path segment, Frame frame);
  }

  /** Damages each target in a fresh copy, reopens it and checks the outcome. */
  private LogImages.Reopened damageAndReopen(List<Target> targets, Damage damage) {
    Path copy = work.resolve("copy-" + System.nanoTime());
    Dirs.copy(image, copy);
    List<Path> damagedSegments = new ArrayList<>();
    for (Target target : targets) {
      damage.apply(segmentIn(copy, target), target.frame);
      damagedSegments.add(segmentIn(copy, target).getFileName());
    }
    LogImages.Reopened reopened = LogImages.reopenAndDeliver(copy);
    assertThat(reopened.flushed).as("flush finished").isTrue();
    assertThat(reopened.delivered).as("every intact record, in order").containsExactlyElementsOf(without(emitted, targets));
    assertThat(reopened.stats.corruptSkipped()).as("corrupt records counted").isEqualTo(targets.size());
    assertThat(reopened.corruptions).as("listener told").isNotEmpty();
    for (int i = 0; i < targets.size(); i++) {
      Path segment = damagedSegments.get(i);
      int offset = targets.get(i).frame.offset;
      assertThat(reopened.corruptions).as("a report at or after the damage").anySatisfy(c -> {
        assertThat(c.segment.getFileName()).isEqualTo(segment);
        assertThat(c.offset).isGreaterThanOrEqualTo(offset);
      });
    }
    assertThat(reopened.corruptions.stream().mapToLong(c -> c.skippedRecords).sum()).isEqualTo(targets.size());
    return reopened;
  }

  @Test
  void aFlippedPayloadBitInTheActiveSegmentSkipsOnlyThatRecord() {
    damageAndReopen(List.of(frameAt(-1, 0.5)), (segment, f) -> SegmentFiles.flip(segment, f.payloadOffset() + 20, 0x04));
  }

  @Test
  void aFlippedPayloadBitInASealedSegmentSkipsOnlyThatRecord() {
    damageAndReopen(List.of(frameAt(0, 0.5)), (segment, f) -> SegmentFiles.flip(segment, f.payloadOffset() + 60, 0x80));
  }

  @Test
  void aFlippedLengthBitIsResynchronizedPast() {
    damageAndReopen(List.of(frameAt(0, 0.3), frameAt(-1, 0.3)),
        (segment, f) -> SegmentFiles.flip(segment, f.lengthFieldOffset() + 3, 0x01));
  }

  @Test
  void aLengthClaimingTwoGigabytesIsSkippedWithoutAllocatingIt() {
    damageAndReopen(List.of(frameAt(0, 0.4), frameAt(-1, 0.4)),
        (segment, f) -> SegmentFiles.putInt(segment, f.lengthFieldOffset(), Integer.MAX_VALUE));
  }

  @Test
  void aLengthClaimingTwoGigabytesIsRecoveredWithinASmallHeap() {
    // The same damage, recovered by a JVM whose heap is far below 2 GB: a buffer sized from the corrupt
    // length would end it with an OutOfMemoryError instead of this line.
    Target target = frameAt(-1, 0.5);
    Path copy = work.resolve("small-heap");
    Dirs.copy(image, copy);
    SegmentFiles.putInt(segmentIn(copy, target), target.frame.lengthFieldOffset(), Integer.MAX_VALUE);
    try (ChildJvm child = ChildJvm.start(ReopenChild.class, work.resolve("reopen.stderr"), 120_000, copy.toString())) {
      String line = child.readLine();
      assertThat(line).as("child stderr:%n%s", child.stderr())
          .isEqualTo("flushed=true delivered=" + (emitted.size() - 1) + " corruptSkipped=1");
    }
    assertThat(ChildJvm.HEAP_MEGABYTES).isLessThan(2048);
  }

  @Test
  void negativeLengthsIncludingAFakeSealAreSkipped() {
    damageAndReopen(List.of(frameAt(0, 0.2), frameAt(1, 0.6), frameAt(-1, 0.2)), (segment, f) -> {
      int value = f.seq % 2 == 0 ? -1 : Integer.MIN_VALUE;
      SegmentFiles.putInt(segment, f.lengthFieldOffset(), value);
    });
  }

  @Test
  void aFlippedChecksumBitSkipsOnlyThatRecord() {
    damageAndReopen(List.of(frameAt(1, 0.5), frameAt(-1, 0.6)),
        (segment, f) -> SegmentFiles.flip(segment, f.crcFieldOffset() + 1, 0x10));
  }

  @Test
  void aFlippedSeqBitSkipsOnlyThatRecord() {
    damageAndReopen(List.of(frameAt(1, 0.7), frameAt(-1, 0.7)),
        (segment, f) -> SegmentFiles.flip(segment, f.seqFieldOffset() + 7, 0x01));
  }

  @Test
  void severalDamagedRecordsAcrossSegmentsAreEachCounted() {
    List<Target> targets = List.of(frameAt(0, 0.0), frameAt(0, 0.25), frameAt(0, 0.999), frameAt(1, 0.1),
        frameAt(1, 0.9), frameAt(-1, 0.0), frameAt(-1, 0.8));
    damageAndReopen(targets, (segment, f) -> SegmentFiles.flip(segment, f.payloadOffset() + (int) (f.seq % 50), 0x20));
  }

  @Test
  void twoAdjacentDamagedRecordsCountAsTwo() {
    Target first = frameAt(0, 0.5);
    List<Frame> frames = SegmentFiles.frames(SegmentFiles.segments(image).get(0));
    int at = 0;
    for (int i = 0; i < frames.size(); i++) if (frames.get(i).offset == first.frame.offset) at = i;
    Target second = new Target(0, frames.get(at + 1));
    damageAndReopen(List.of(first, second), (segment, f) -> SegmentFiles.flip(segment, f.payloadOffset() + 3, 0x01));
  }

  @Test
  void aDamagedSealFrameLosesNothing() {
    Path copy = work.resolve("seal");
    Dirs.copy(image, copy);
    Path sealed = SegmentFiles.segments(copy).get(0);
    List<Frame> frames = SegmentFiles.frames(sealed);
    int sealOffset = frames.get(frames.size() - 1).end();
    SegmentFiles.flip(copy.resolve("log").resolve(sealed.getFileName()), sealOffset + 12, 0x01);
    LogImages.Reopened reopened = LogImages.reopenAndDeliver(copy);
    assertThat(reopened.flushed).isTrue();
    assertThat(reopened.delivered).containsExactlyElementsOf(emitted);
    assertThat(reopened.stats.corruptSkipped()).isZero();
  }
}
