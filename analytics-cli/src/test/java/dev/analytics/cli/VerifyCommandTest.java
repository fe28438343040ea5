package dev.analytics.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.analytics.internal.log.LogInspector;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerifyCommandTest {
  /** Segment header 32 bytes, frame header 16: the first record's payload starts at 48. */
  private static final int FIRST_PAYLOAD = 48;

  @TempDir Path dir;

  @Test
  void anIntactDirectoryVerifiesWithCountsPerSegment() throws IOException {
    LogFixtures.write(dir, 400, 2, 300); // several 64 KiB segments

    Cli.Result result = Cli.run(Clock.systemUTC(), "verify", "--json", dir.toString());

    assertThat(result.code()).as(result.toString()).isZero();
    JsonNode json = new ObjectMapper().readTree(result.out());
    assertThat(json.path("corrupt").asBoolean()).isFalse();
    long records = 0;
    for (JsonNode segment : json.path("segments")) records += segment.path("records").asLong();
    assertThat(records).isEqualTo(702);
    assertThat(json.path("segments").size()).isGreaterThanOrEqualTo(2);
    assertThat(json.path("deadLetters").path("readable").asInt()).isEqualTo(2);

    Cli.Result text = Cli.run(Clock.systemUTC(), "verify", dir.toString());
    assertThat(text.code()).isZero();
    assertThat(text.out()).contains("702 record(s), 0 damaged segment(s): OK").contains("ok, sealed");
  }

  @Test
  void aFlippedByteFailsWithExitCodeOneNamingTheSegmentAndOffset() throws IOException {
    LogFixtures.write(dir, 20, 0, 5);
    Path segment = new LogInspector(dir).segmentFiles().get(0);
    flipByte(segment, FIRST_PAYLOAD + 3);

    Cli.Result result = Cli.run(Clock.systemUTC(), "verify", dir.toString());

    assertThat(result.code()).as(result.toString()).isEqualTo(AnalyticsCli.CORRUPT);
    assertThat(result.out()).contains(segment.getFileName() + "").contains("DAMAGED at offset 32: skipped")
        .contains("24 record(s), 1 damaged segment(s): CORRUPT");
  }

  @Test
  void anUnreadableDeadLetterLineIsDamageToo() throws IOException {
    LogFixtures.write(dir, 1, 2, 0);
    Path letters = dir.resolve("dead-letters/dead-letters.jsonl");
    List<String> lines = Files.readAllLines(letters);
    Files.write(letters, List.of(lines.get(0), "{\"id\": broken", lines.get(1)));

    Cli.Result result = Cli.run(Clock.systemUTC(), "verify", dir.toString());

    assertThat(result.code()).as(result.toString()).isEqualTo(AnalyticsCli.CORRUPT);
    assertThat(result.out()).contains("2 readable line(s), DAMAGED line(s) [2]");
  }

  static void flipByte(Path file, long offset) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer one = ByteBuffer.allocate(1);
      channel.read(one, offset);
      one.put(0, (byte) (one.get(0) ^ 0x10));
      one.rewind();
      channel.write(one, offset);
    }
  }
}
