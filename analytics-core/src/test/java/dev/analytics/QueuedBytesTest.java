package dev.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.analytics.spi.Outcome;
import dev.analytics.testing.RecordingSink;
import dev.analytics.testsupport.LogImages;
import dev.analytics.testsupport.SegmentFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code stats().queuedBytes()} is the size of the record frames from the slowest cursor to the end. */
class QueuedBytesTest {
  @TempDir Path dir;

  private final AtomicBoolean up = new AtomicBoolean(true);
  private final RecordingSink sink = new RecordingSink()
      .respondWith(r -> up.get() ? Outcome.delivered() : Outcome.retryLater());

  @Test
  void queuedBytesCountsOnlyTheRecordsAfterTheCursor() {
    try (Analytics analytics = open()) {
      for (int i = 0; i < 700; i++) analytics.emit(Map.of("i", i)); // past the first 64 KiB segment
      assertThat(analytics.flush(Duration.ofSeconds(20))).isTrue();
      assertThat(analytics.stats().queuedBytes()).isZero();
      up.set(false);
      for (int i = 0; i < 25; i++) analytics.emit(Map.of("queued", i));
      Stats stats = analytics.stats();
      assertThat(stats.queuedRecords()).isEqualTo(25);
      assertThat(stats.queuedBytes()).isEqualTo(frameBytesFrom(700));
    }
  }

  @Test
  void queuedBytesSpansSegmentsAndSurvivesAReopen() {
    up.set(false);
    long expected;
    try (Analytics analytics = open()) {
      for (int i = 0; i < 1_500; i++) analytics.emit(Map.of("i", i));
      expected = frameBytesFrom(0);
      assertThat(SegmentFiles.segments(dir)).hasSizeGreaterThanOrEqualTo(3);
      assertThat(analytics.stats().queuedBytes()).isEqualTo(expected);
    }
    // Quick retries here: the reopened dispatcher may send (and be told "retry later") before up is set.
    try (Analytics analytics = open(Duration.ofMillis(10))) {
      assertThat(analytics.stats().queuedRecords()).isEqualTo(1_500);
      assertThat(analytics.stats().queuedBytes()).as("segments found on disk at open").isEqualTo(expected);
      up.set(true);
      assertThat(analytics.flush(Duration.ofSeconds(20))).isTrue();
      assertThat(analytics.stats().queuedBytes()).isZero();
    }
  }

  private Analytics open() {
    return open(Duration.ofMinutes(1));
  }

  private Analytics open(Duration retryBackoff) {
    return Analytics.builder().directory(dir).segmentBytes(LogImages.SEGMENT_BYTES)
        .retryBackoff(retryBackoff, retryBackoff).closeTimeout(Duration.ZERO)
        .sink("test", sink).build();
  }

  /** Frame bytes (16-byte frame header and payload) of the records with seq at least {@code seq}. */
  private long frameBytesFrom(long seq) {
    long total = 0;
    for (Path segment : SegmentFiles.segments(dir)) {
      for (SegmentFiles.Frame frame : SegmentFiles.frames(segment)) {
        if (frame.seq >= seq) total += SegmentFiles.FRAME_HEADER_BYTES + frame.payloadLength;
      }
    }
    return total;
  }
}
