package dev.analytics.internal.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Touching pages ahead of the appenders takes their page faults and changes no byte: not the zeros
 * ahead, not what an appender wrote a moment before, not across segment roll-overs.
 */
class PagePrefaulterTest {
  @TempDir Path dir;

  @Test
  void touchingChangesNoByteOfAMappedFile() throws Exception {
    int size = 64 * PagePrefaulter.PAGE;
    try (FileChannel channel = FileChannel.open(dir.resolve("f"), StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE)) {
      channel.write(ByteBuffer.allocate(size), 0);
      MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_WRITE, 0, size);
      byte[] expected = new byte[size];
      for (int i = 0; i < size / 2; i++) expected[i] = (byte) (i * 31 + 7); // written half, zeros after
      map.put(0, expected, 0, size / 2);

      PagePrefaulter.touch(map, 5, size);

      byte[] actual = new byte[size];
      map.get(0, actual);
      assertThat(actual).isEqualTo(expected);
      Mapping.unmap(map);
    }
  }

  @Test
  void aheadIsTwiceWhatWasAppendedSinceTheLastCallWithinBounds() {
    PagePrefaulter prefaulter = new PagePrefaulter();
    ByteBuffer segment = ByteBuffer.allocateDirect(16);
    assertThat(prefaulter.ahead(segment, 0)).as("at least 16 pages").isEqualTo(16 * PagePrefaulter.PAGE);
    assertThat(prefaulter.ahead(segment, 1 << 20)).isEqualTo(2 << 20);
    assertThat(prefaulter.ahead(segment, (1 << 20) + 100)).isEqualTo(16 * PagePrefaulter.PAGE);
    assertThat(prefaulter.ahead(segment, (1 << 20) + 100)).as("nothing appended since: nothing to touch").isZero();
    assertThat(prefaulter.ahead(segment, 100 << 20)).as("at most 8 MiB").isEqualTo(8 << 20);
    ByteBuffer next = ByteBuffer.allocateDirect(16);
    assertThat(prefaulter.ahead(next, 3 << 20)).as("a new segment: what it holds").isEqualTo(6 << 20);
  }

  @Test
  void prefaultingWhileAppendingAndRollingOverKeepsEveryRecordIntact() throws Exception {
    int records = 20_000;
    List<String> written = new ArrayList<>(records);
    AtomicBoolean appending = new AtomicBoolean(true);
    EventLog log = EventLog.open(new EventLog.Options(dir.resolve("log")).sizes(256 * 1024, 64 << 20)
        .whenFull(WhenLogFull.BLOCK, Duration.ofSeconds(1)), 0);
    Thread toucher = new Thread(() -> {
      while (appending.get()) {
        log.prefault();
        log.prepareSpare();
      }
    });
    try {
      toucher.start();
      for (int i = 0; i < records; i++) {
        String event = "{\"i\":" + i + ",\"pad\":\"" + "x".repeat(i % 300) + "\"}";
        log.append(event.getBytes(StandardCharsets.UTF_8));
        written.add(event);
      }
    } finally {
      appending.set(false);
      toucher.join(10_000);
    }
    assertThat(toucher.isAlive()).isFalse();
    log.close();

    // Reopened, every record reads back whole (checksummed) and in order.
    EventLog reopened = EventLog.open(new EventLog.Options(dir.resolve("log")).sizes(256 * 1024, 64 << 20)
        .whenFull(WhenLogFull.BLOCK, Duration.ofSeconds(1)), 0);
    try {
      assertThat(reopened.nextSeq()).isEqualTo(records);
      assertThat(reopened.corruptSkipped()).isZero();
      LogReader reader = reopened.reader(0);
      List<LogReader.Entry> entries = new ArrayList<>();
      while (entries.size() < records && reader.read(1000, entries) > 0) { }
      reader.close();
      assertThat(entries).hasSize(records);
      for (int i = 0; i < records; i += 997) {
        assertThat(new String(entries.get(i).payload, StandardCharsets.UTF_8)).contains(written.get(i));
      }
    } finally {
      reopened.close();
    }
  }
}
