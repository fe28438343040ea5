package dev.analytics.durability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.analytics.Analytics;
import dev.analytics.spi.Outcome;
import dev.analytics.testing.RecordingSink;
import dev.analytics.testsupport.Dirs;
import dev.analytics.testsupport.LogImages;
import dev.analytics.testsupport.SegmentFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Guarantee 3, leftovers: temporary files of interrupted writes are ignored or removed, never read as
 * data; a damaged cursor makes its sink start over from the oldest record kept (duplicates, never loss).
 */
class LeftoverFilesAndCursorTest {
  @TempDir Path dir;

  /** A cursor file in the documented format: magic "ACUR", seq, CRC32C of the first 12 bytes. */
  private static byte[] cursorBytes(long seq) {
    ByteBuffer buffer = ByteBuffer.allocate(16).putInt(0, 0x41435552).putLong(4, seq);
    CRC32C crc = new CRC32C();
    crc.update(buffer.array(), 0, 12);
    return buffer.putInt(12, (int) crc.getValue()).array();
  }

  @Test
  void leftoverTemporaryFilesAreNeitherReadNorKept() throws IOException {
    List<String> ids = LogImages.writeUndelivered(dir, 200);
    Path segment = SegmentFiles.segments(dir).get(0);
    // A spare segment and a segment copy whose rename never happened: if read, records would repeat.
    Files.copy(segment, dir.resolve("log/next-segment.tmp"), StandardCopyOption.REPLACE_EXISTING);
    Files.copy(segment, dir.resolve("log/" + segment.getFileName() + ".tmp"));
    // A cursor write that never got renamed, claiming everything but 50 records was delivered.
    Files.write(dir.resolve("cursors/test.cursor.tmp"), cursorBytes(150));
    // A dead-letter rewrite that never got renamed.
    Files.writeString(dir.resolve("dead-letters/dead-letters.jsonl.tmp"),
        "{\"id\":\"" + ids.get(0) + "\",\"sink\":\"test\",\"reason\":\"leftover\",\"time\":\"2026-01-01T00:00:00Z\","
            + "\"envelope\":{\"id\":\"" + ids.get(0) + "\"}}\n");

    RecordingSink sink = new RecordingSink();
    try (Analytics analytics = Analytics.builder().directory(dir).segmentBytes(LogImages.SEGMENT_BYTES)
        .sink("test", sink).build()) {
      assertThat(analytics.flush(Duration.ofSeconds(20))).isTrue();
      assertThat(analytics.deadLetters().list()).isEmpty();
      assertThat(analytics.stats().corruptSkipped()).isZero();
    }
    assertThat(sink.deliveredIds()).containsExactlyElementsOf(ids);
    assertThat(dir.resolve("log/" + segment.getFileName() + ".tmp")).doesNotExist();
    Path spare = dir.resolve("log/next-segment.tmp");
    if (Files.exists(spare)) {
      // Prepared afresh by the new instance: zero-filled, not the leftover copy of a segment.
      byte[] head = Arrays.copyOf(Files.readAllBytes(spare), 64);
      assertThat(head).containsOnly((byte) 0);
    }
    assertThat(dir.resolve("cursors/test.cursor.tmp")).doesNotExist();
    assertThat(dir.resolve("dead-letters/dead-letters.jsonl.tmp")).doesNotExist();
  }

  /** Session one delivers the first 100 of 300 records, then the sink goes down; the cursor says 100. */
  private List<String> writeHalfDelivered(Path directory) {
    RecordingSink sink = new RecordingSink();
    List<String> ids = new ArrayList<>();
    try (Analytics analytics = Analytics.builder().directory(directory).segmentBytes(LogImages.SEGMENT_BYTES)
        .retryBackoff(Duration.ofMinutes(1), Duration.ofMinutes(1)).closeTimeout(Duration.ZERO)
        .sink("test", sink).build()) {
      for (int i = 0; i < 100; i++) ids.add(analytics.emit(Map.of("i", i)));
      assertThat(analytics.flush(Duration.ofSeconds(20))).isTrue();
      sink.respondWith(r -> Outcome.retryLater());
      for (int i = 100; i < 300; i++) ids.add(analytics.emit(Map.of("i", i)));
    }
    assertThat(sink.deliveredIds()).containsExactlyElementsOf(ids.subList(0, 100));
    return ids;
  }

  @Test
  void anIntactCursorResumesWhereTheSinkStopped() {
    List<String> ids = writeHalfDelivered(dir);
    assertThat(LogImages.reopenAndDeliver(dir).delivered).containsExactlyElementsOf(ids.subList(100, 300));
  }

  interface CursorDamage {
    void apply(Path cursor) throws IOException;
  }

  @Test
  void aDamagedCursorRedeliversFromTheOldestRecordAndLosesNothing() throws IOException {
    Path original = dir.resolve("original");
    List<String> ids = writeHalfDelivered(original);
    assertThat(original.resolve("cursors/test.cursor")).hasBinaryContent(cursorBytes(100));
    List<CursorDamage> damages = List.of(
        cursor -> SegmentFiles.flip(cursor, 10, 0x01), // a bit of the seq
        cursor -> SegmentFiles.flip(cursor, 1, 0x40), // a bit of the magic
        cursor -> Files.write(cursor, new byte[] {0x41, 0x43, 0x55, 0x52, 0, 0, 0}), // torn
        cursor -> Files.write(cursor, new byte[0]), // empty
        cursor -> Files.writeString(cursor, "not a cursor at all, much longer than sixteen bytes", StandardCharsets.UTF_8));
    for (int i = 0; i < damages.size(); i++) {
      Path copy = dir.resolve("damage-" + i);
      Dirs.copy(original, copy);
      damages.get(i).apply(copy.resolve("cursors/test.cursor"));
      LogImages.Reopened reopened = LogImages.reopenAndDeliver(copy);
      assertThat(reopened.flushed).isTrue();
      assertThat(reopened.delivered).as("damage %d: redelivery from the oldest record", i).containsExactlyElementsOf(ids);
    }
  }
}
