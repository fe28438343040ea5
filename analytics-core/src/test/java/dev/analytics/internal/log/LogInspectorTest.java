package dev.analytics.internal.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.analytics.Analytics;
import dev.analytics.spi.Outcome;
import dev.analytics.testing.Await;
import dev.analytics.testing.MutableClock;
import dev.analytics.testing.RecordingSink;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The read-only inspector sees what the library wrote, and reports damage without repairing it. */
class LogInspectorTest {
  private static final Instant T0 = Instant.parse("2026-01-02T03:04:05.678Z");

  @TempDir Path dir;

  private record Seen(long seq, int bytes, long time) {}

  private static List<Seen> records(LogInspector inspector, List<LogInspector.SegmentScan> scans) throws IOException {
    List<Seen> seen = new ArrayList<>();
    scans.addAll(inspector.scan((seq, bytes, time) -> seen.add(new Seen(seq, bytes, time))));
    return seen;
  }

  /** Emits {@code count} events that the sink holds (retry later), then closes. */
  private void writeHeldLog(int count, int eventBytes) {
    RecordingSink held = new RecordingSink().respondWith(r -> Outcome.retryLater());
    try (Analytics analytics = Analytics.builder().directory(dir).sink("held", held)
        .segmentBytes(64 * 1024).clock(MutableClock.at(T0)).closeTimeout(Duration.ZERO)
        .retryBackoff(Duration.ofHours(1), Duration.ofHours(1)).build()) {
      for (int i = 0; i < count; i++) analytics.emit(Map.of("n", i, "pad", "x".repeat(eventBytes)));
    }
  }

  @Test
  void seesEveryRecordWithItsSeqSizeAndTimestamp() throws IOException {
    writeHeldLog(300, 400); // about two 64 KiB segments
    LogInspector inspector = new LogInspector(dir);
    List<LogInspector.SegmentScan> scans = new ArrayList<>();
    List<Seen> seen = records(inspector, scans);

    assertThat(seen).extracting(Seen::seq).containsExactlyElementsOf(
        java.util.stream.LongStream.range(0, 300).boxed().toList());
    assertThat(seen).allSatisfy(s -> assertThat(s.time()).isEqualTo(T0.toEpochMilli()));
    assertThat(seen).allSatisfy(s -> assertThat(s.bytes()).isGreaterThan(400 + 16));
    assertThat(scans).hasSizeGreaterThanOrEqualTo(2);
    assertThat(scans).noneMatch(LogInspector.SegmentScan::corrupt);
    assertThat(scans.get(0).sealed()).isTrue();
    assertThat(scans.stream().mapToLong(LogInspector.SegmentScan::records).sum()).isEqualTo(300);
    assertThat(scans.get(scans.size() - 1).lastSeq()).isEqualTo(299);
  }

  @Test
  void readsCursorsAsCursorStoreWritesThemAndDamagedOnesAsMinusOne() throws IOException {
    CursorStore store = new CursorStore(dir.resolve("cursors"), Storage.DEFAULT);
    store.write("amplitude", 1234);
    store.write("broken", 7);
    Path broken = dir.resolve("cursors/broken.cursor");
    byte[] bytes = Files.readAllBytes(broken);
    bytes[6] ^= 1;
    Files.write(broken, bytes);

    assertThat(new LogInspector(dir).cursors()).containsExactly(Map.entry("amplitude", 1234L), Map.entry("broken", -1L));
  }

  @Test
  void aFlippedPayloadByteIsDamageAndTheRecordIsNotSeen() throws IOException {
    writeHeldLog(50, 100);
    Path segment = new LogInspector(dir).segmentFiles().get(0);
    flipByte(segment, SegmentFormat.HEADER_BYTES + SegmentFormat.FRAME_HEADER_BYTES + 10); // first record's payload
    byte[] before = Files.readAllBytes(segment);

    List<LogInspector.SegmentScan> scans = new ArrayList<>();
    List<Seen> seen = records(new LogInspector(dir), scans);

    assertThat(seen).extracting(Seen::seq).doesNotContain(0L).contains(1L, 49L).hasSize(49);
    assertThat(scans.get(0).corrupt()).isTrue();
    assertThat(scans.get(0).damage().get(0).offset()).isEqualTo(SegmentFormat.HEADER_BYTES);
    assertThat(Files.readAllBytes(segment)).as("read-only: nothing repaired").isEqualTo(before);
  }

  @Test
  void aTruncatedSegmentIsDamageAndAZeroFilledLastOneIsAnInterruptedRoll() throws IOException {
    writeHeldLog(300, 400);
    LogInspector inspector = new LogInspector(dir);
    Path first = inspector.segmentFiles().get(0);
    try (FileChannel channel = FileChannel.open(first, StandardOpenOption.WRITE)) {
      channel.truncate(40 * 1024);
    }
    Path rolled = dir.resolve("log").resolve(SegmentFormat.fileName(300)); // the seq after the last record
    Files.write(rolled, new byte[64 * 1024]);

    List<LogInspector.SegmentScan> scans = new ArrayList<>();
    records(inspector, scans);

    assertThat(scans.get(0).damage()).extracting(LogInspector.Damage::detail)
        .anySatisfy(d -> assertThat(d).isEqualTo("segment file truncated to 40960 of 65536 bytes"));
    LogInspector.SegmentScan last = scans.get(scans.size() - 1);
    assertThat(last.file()).isEqualTo(rolled);
    assertThat(last.damage()).as("an interrupted roll is not damage").isEmpty();
    assertThat(last.records()).isZero();
  }

  @Test
  void readsADirectoryThatALiveInstanceHolds() throws IOException {
    RecordingSink sink = new RecordingSink();
    try (Analytics analytics = Analytics.builder().directory(dir).sink("live", sink).build()) {
      for (int i = 0; i < 20; i++) analytics.emit(Map.of("n", i));
      Await.until(Duration.ofSeconds(10), () -> sink.delivered().size() == 20, "20 delivered");
      analytics.flush(Duration.ofSeconds(5));

      LogInspector inspector = new LogInspector(dir);
      List<LogInspector.SegmentScan> scans = new ArrayList<>();
      assertThat(records(inspector, scans)).hasSize(20);
      Await.until(Duration.ofSeconds(10), () -> cursor(inspector) == 20, "cursor saved at 20");

      analytics.emit(Map.of("after", true)); // the holder is unaffected
      Await.until(Duration.ofSeconds(10), () -> sink.delivered().size() == 21, "21 delivered");
    }
  }

  private static long cursor(LogInspector inspector) {
    try {
      return inspector.cursors().getOrDefault("live", -2L);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void timestampIsReadFromTheEnvelopePrefix() {
    ByteBuffer payload = ByteBuffer.wrap(
        "{\"id\":\"0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b\",\"timestamp\":\"2026-01-02T03:04:05.678Z\",\"event\":{}}"
            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThat(LogInspector.timestampMillis(payload, 0, payload.capacity())).isEqualTo(T0.toEpochMilli());
    ByteBuffer none = ByteBuffer.wrap("{\"id\":\"x\",\"event\":{}}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThat(LogInspector.timestampMillis(none, 0, none.capacity())).isEqualTo(-1);
  }

  private static void flipByte(Path file, long offset) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer one = ByteBuffer.allocate(1);
      channel.read(one, offset);
      one.put(0, (byte) (one.get(0) ^ 0x01));
      one.rewind();
      channel.write(one, offset);
    }
  }
}
