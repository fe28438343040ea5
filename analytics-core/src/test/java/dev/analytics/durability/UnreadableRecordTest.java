package dev.analytics.durability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.analytics.Analytics;
import dev.analytics.testing.RecordingSink;
import dev.analytics.testsupport.SegmentFiles;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A frame whose checksum matches but whose envelope is not JSON is skipped and counted, never silently. */
class UnreadableRecordTest {
  @TempDir Path dir;

  @Test
  void anIntactFrameWithAnUnparseableEnvelopeIsCountedAndTheRestDelivered() throws Exception {
    List<String> ids = new ArrayList<>();
    try (Analytics analytics = Analytics.builder().directory(dir).sink("a", new RecordingSink()
        .respondWith(r -> dev.analytics.spi.Outcome.retryLater())).closeTimeout(Duration.ZERO).build()) {
      for (int i = 0; i < 3; i++) ids.add(analytics.emit(Map.of("i", i)));
    }
    Path segment = SegmentFiles.segments(dir).get(0);
    SegmentFiles.Frame middle = SegmentFiles.frames(segment).get(1);
    try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      channel.write(ByteBuffer.wrap(new byte[] {'x'}), middle.payloadOffset()); // "{..." becomes "x..."
      ByteBuffer frame = ByteBuffer.allocate(SegmentFiles.FRAME_HEADER_BYTES + middle.payloadLength);
      channel.read(frame, middle.offset);
      CRC32C crc = new CRC32C();
      crc.update(frame.array(), 0, 4);
      crc.update(frame.array(), 8, 8 + middle.payloadLength);
      channel.write(ByteBuffer.allocate(4).putInt(0, (int) crc.getValue()), middle.crcFieldOffset());
    }
    RecordingSink sink = new RecordingSink();
    try (Analytics analytics = Analytics.builder().directory(dir).sink("a", sink).build()) {
      assertThat(analytics.flush(Duration.ofSeconds(10))).isTrue();
      assertThat(analytics.stats().corruptSkipped()).isEqualTo(1);
    }
    assertThat(sink.deliveredIds()).containsExactly(ids.get(0), ids.get(2));
  }
}
