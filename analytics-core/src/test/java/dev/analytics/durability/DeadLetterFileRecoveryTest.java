package dev.analytics.durability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.analytics.Analytics;
import dev.analytics.spi.DeadLetter;
import dev.analytics.spi.Outcome;
import dev.analytics.testing.RecordingSink;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Guarantees 1 and 3 for the dead-letter log: a rejected record is kept with its reason across a restart,
 * a torn last line (a crash mid-append) is cut, and a damaged line costs only that line: the other dead
 * letters can still be listed and replayed.
 */
class DeadLetterFileRecoveryTest {
  @TempDir Path dir;

  private List<String> rejectThree() {
    RecordingSink rejecting = new RecordingSink().respondWith(r -> Outcome.rejected("bad event " + r.id()));
    List<String> ids = new ArrayList<>();
    try (Analytics analytics = Analytics.builder().directory(dir).sink("test", rejecting).build()) {
      for (int i = 0; i < 3; i++) ids.add(analytics.emit(Map.of("i", i)));
      assertThat(analytics.flush(Duration.ofSeconds(20))).isTrue();
      assertThat(analytics.stats().deadLettered()).isEqualTo(3);
    }
    return ids;
  }

  private static List<String> ids(List<DeadLetter> letters) {
    List<String> ids = new ArrayList<>();
    for (DeadLetter letter : letters) ids.add(letter.id());
    return ids;
  }

  @Test
  void deadLettersSurviveARestartWithTheirReasonAndCanBeReplayed() {
    List<String> ids = rejectThree();
    RecordingSink sink = new RecordingSink();
    try (Analytics analytics = Analytics.builder().directory(dir).sink("test", sink).build()) {
      List<DeadLetter> letters = analytics.deadLetters().list();
      assertThat(ids(letters)).containsExactlyElementsOf(ids);
      assertThat(letters.get(1).reason()).contains("bad event " + ids.get(1));
      assertThat(analytics.deadLetters().replayAll()).isEqualTo(3);
      assertThat(analytics.flush(Duration.ofSeconds(20))).isTrue();
      assertThat(analytics.deadLetters().list()).isEmpty();
    }
    assertThat(sink.deliveredIds()).containsExactlyElementsOf(ids);
  }

  @Test
  void aTornLastDeadLetterLineIsCutAndTheOthersKept() throws IOException {
    List<String> ids = rejectThree();
    Path file = dir.resolve("dead-letters/dead-letters.jsonl");
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 25)); // the last line loses its end
    try (Analytics analytics = Analytics.builder().directory(dir).sink("test", new RecordingSink()).build()) {
      assertThat(ids(analytics.deadLetters().list())).containsExactlyElementsOf(ids.subList(0, 2));
    }
  }

  @Test
  void aDamagedDeadLetterLineDoesNotHideTheOthers() throws IOException {
    List<String> ids = rejectThree();
    Path file = dir.resolve("dead-letters/dead-letters.jsonl");
    byte[] bytes = Files.readAllBytes(file);
    String text = new String(bytes, StandardCharsets.UTF_8);
    int secondLine = text.indexOf('\n') + 1;
    int reason = text.indexOf("bad event", secondLine);
    bytes[reason] = (byte) (bytes[reason] | 0x80); // one flipped bit: no longer valid UTF-8
    Files.write(file, bytes);
    RecordingSink sink = new RecordingSink();
    try (Analytics analytics = Analytics.builder().directory(dir).sink("test", sink).build()) {
      List<String> listed = ids(analytics.deadLetters().list());
      assertThat(listed).contains(ids.get(0), ids.get(2));
      int replayed = analytics.deadLetters().replayAll();
      assertThat(replayed).isEqualTo(listed.size());
      assertThat(analytics.flush(Duration.ofSeconds(20))).isTrue();
    }
    assertThat(sink.deliveredIds()).contains(ids.get(0), ids.get(2));
  }
}
