package dev.analytics.durability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.analytics.Analytics;
import dev.analytics.spi.DeadLetter;
import dev.analytics.spi.Outcome;
import dev.analytics.testing.RecordingSink;
import dev.analytics.testsupport.ChildJvm;
import dev.analytics.testsupport.DeadLetterCrashChild;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Guarantee 9: a record is dead-lettered at most once whatever crashes happen around it, and a replay
 * sends it once. The crash that used to break it: {@code kill -9} after the dead letter is fsynced and
 * before the cursor moves past the record, so the record is read again after the restart.
 */
class DeadLetterOnceTest {
  private static final int RECORDS = 20;

  @TempDir Path work;

  @Test
  void aRecordDeadLetteredJustBeforeKillDashNineIsNotDeadLetteredAgainNorReplayedTwice() {
    Path dir = work.resolve("analytics");
    List<String> emitted = new ArrayList<>();
    Set<String> rejected = new HashSet<>();
    boolean blocked = false;
    try (ChildJvm child = ChildJvm.start(DeadLetterCrashChild.class, work.resolve("child.stderr"), 60_000,
        dir.toString(), String.valueOf(RECORDS))) {
      String line;
      while ((line = child.readLine()) != null) {
        if (line.startsWith("E ")) emitted.add(line.substring(2));
        else if (line.startsWith("R ")) rejected.add(line.substring(2));
        else if (line.equals("BLOCKED")) {
          blocked = true;
          break;
        }
      }
      assertThat(blocked).as("child stopped between the dead letter and the cursor; stderr:%n%s", child.stderr()).isTrue();
      child.kill();
    }
    assertThat(emitted).hasSize(RECORDS);
    assertThat(rejected).isNotEmpty().hasSizeLessThan(RECORDS);

    // The endpoint still rejects those records; it takes every other one.
    AtomicBoolean rejectAgain = new AtomicBoolean(true);
    RecordingSink sink = new RecordingSink()
        .respondWith(r -> rejectAgain.get() && rejected.contains(r.id()) ? Outcome.rejected("400 again") : Outcome.delivered());
    try (Analytics analytics = Analytics.builder().directory(dir).sink("test", sink).build()) {
      assertThat(analytics.flush(Duration.ofSeconds(20))).isTrue();
      List<String> letters = ids(analytics.deadLetters().list());
      assertThat(letters).as("dead-lettered once each").doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(rejected);
      assertThat(analytics.stats().deadLettered()).as("none dead-lettered again").isZero();
      List<String> others = new ArrayList<>(emitted);
      others.removeAll(rejected);
      assertThat(sink.deliveredIds()).containsExactlyElementsOf(others);

      rejectAgain.set(false);
      assertThat(analytics.deadLetters().replayAll()).isEqualTo(rejected.size());
      assertThat(analytics.flush(Duration.ofSeconds(20))).isTrue();
      assertThat(analytics.deadLetters().list()).isEmpty();
    }
    List<String> delivered = sink.deliveredIds();
    assertThat(delivered).as("every record delivered once, the replayed ones too").doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(emitted);
  }

  @Test
  void aFileThatAlreadyHoldsARecordTwiceListsAndReplaysItOnce() throws Exception {
    // What the crash above left behind before dead-lettering was idempotent.
    Path dir = work.resolve("older");
    String id;
    RecordingSink sink = new RecordingSink().respondWith(r -> Outcome.rejected("400 invalid"));
    try (Analytics analytics = Analytics.builder().directory(dir).sink("test", sink).build()) {
      id = analytics.emit(java.util.Map.of("i", 1));
      assertThat(analytics.flush(Duration.ofSeconds(20))).isTrue();
    }
    Path file = dir.resolve("dead-letters/dead-letters.jsonl");
    String line = java.nio.file.Files.readString(file);
    java.nio.file.Files.writeString(file, line + line.replace("\"reason\":\"", "\"reason\":\"again: "));
    assertThat(java.nio.file.Files.readAllLines(file)).hasSize(2);

    RecordingSink accepting = new RecordingSink();
    try (Analytics analytics = Analytics.builder().directory(dir).sink("test", accepting).build()) {
      assertThat(ids(analytics.deadLetters().list())).containsExactly(id);
      assertThat(analytics.deadLetters().replayAll()).isEqualTo(1);
      assertThat(analytics.flush(Duration.ofSeconds(20))).isTrue();
      assertThat(analytics.deadLetters().list()).isEmpty();
    }
    assertThat(accepting.deliveredIds()).containsExactly(id);
    assertThat(java.nio.file.Files.readString(file)).isEmpty();
  }

  private static List<String> ids(List<DeadLetter> letters) {
    List<String> ids = new ArrayList<>();
    for (DeadLetter letter : letters) ids.add(letter.id());
    return ids;
  }
}
