package dev.analytics.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.analytics.Analytics;
import dev.analytics.testing.AmplitudeReceiver;
import dev.analytics.testing.RecordingSink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeadLettersCommandTest {
  private static final Clock LATER = Clock.fixed(LogFixtures.T0.plus(Duration.ofHours(2)), ZoneOffset.UTC);

  @TempDir Path base;

  private Path dir() {
    return base.resolve("service-events");
  }

  @Test
  void listFiltersBySinkReasonTimeAndId() {
    LogFixtures.Written written = LogFixtures.write(dir(), 2, 3, 1);
    String dir = dir().toString();

    Cli.Result all = Cli.run(LATER, "dead-letters", "list", dir);
    assertThat(all.code()).as(all.toString()).isZero();
    assertThat(all.out()).contains(written.deadLettered().toArray(String[]::new)).contains("3 of 3 matching");

    assertThat(Cli.run(LATER, "dead-letters", "list", "--reason", "EVENT_TYPE MISSING", dir).out()).contains("3 of 3");
    assertThat(Cli.run(LATER, "dead-letters", "list", "--reason", "timeout", dir).out()).contains("0 of 0");
    assertThat(Cli.run(LATER, "dead-letters", "list", "--sink", "other", dir).out()).contains("0 of 0");
    assertThat(Cli.run(LATER, "dead-letters", "list", "--sink", LogFixtures.SINK, dir).out()).contains("3 of 3");
    // Dead-lettered at T0+10m by the fixture's clock; LATER is T0+2h.
    assertThat(Cli.run(LATER, "dead-letters", "list", "--since", "3h", dir).out()).contains("3 of 3");
    assertThat(Cli.run(LATER, "dead-letters", "list", "--since", "1h", dir).out()).contains("0 of 0");
    assertThat(Cli.run(LATER, "dead-letters", "list", "--until", "3h", dir).out()).contains("0 of 0");
    assertThat(Cli.run(LATER, "dead-letters", "list", "--until", "2026-03-01T10:10:00.001Z", dir).out()).contains("3 of 3");
    assertThat(Cli.run(LATER, "dead-letters", "list", "--until", "2100-01-01", "--since", "2020-01-01T00:00:00Z", dir)
        .out()).contains("3 of 3");

    String id = written.deadLettered().get(1);
    Cli.Result one = Cli.run(LATER, "dead-letters", "list", "--id", id, "--json", dir);
    assertThat(one.out().lines().toList()).hasSize(1).allSatisfy(line -> assertThat(line).contains("\"id\":\"" + id + "\""));
    assertThat(Cli.run(LATER, "dead-letters", "list", "--limit", "2", dir).out()).contains("2 of 3");

    Cli.Result bad = Cli.run(LATER, "dead-letters", "list", "--since", "yesterday-ish", dir);
    assertThat(bad.code()).isEqualTo(AnalyticsCli.USAGE);
    assertThat(bad.err()).contains("--since yesterday-ish: expected");
  }

  @Test
  void showPrintsTheStoredLetterInFull() throws IOException {
    LogFixtures.Written written = LogFixtures.write(dir(), 0, 2, 0);
    String id = written.deadLettered().get(0);

    Cli.Result result = Cli.run(LATER, "dead-letters", "show", "--id", id, dir().toString());

    assertThat(result.code()).as(result.toString()).isZero();
    JsonNode letter = new ObjectMapper().readTree(result.out());
    assertThat(letter.path("id").asText()).isEqualTo(id);
    assertThat(letter.path("reason").asText()).isEqualTo("400 invalid event: event_type missing");
    assertThat(letter.path("envelope").path("event").path("bad").asBoolean()).isTrue();
    assertThat(letter.path("envelope").path("timestamp").asText()).isEqualTo("2026-03-01T10:10:00.000Z");
  }

  @Test
  void replaySendsTheMatchingDeadLettersThroughTheConnectorAndRemovesThem() throws IOException {
    LogFixtures.Written written = LogFixtures.write(dir(), 1, 3, 0);
    Path connector = LogFixtures.connectorFile(base);
    try (AmplitudeReceiver receiver = AmplitudeReceiver.create(LogFixtures.API_KEY).start()) {
      String replayedId = written.deadLettered().get(2);
      Cli.Result result = Cli.run(LATER, "dead-letters", "replay", "--config", connector.toString(),
          "--secrets-file", base.resolve("secrets.env").toString(), "--endpoint", receiver.endpoint().toString(),
          "--id", replayedId, dir().toString());

      assertThat(result.code()).as(result.toString()).isZero();
      assertThat(result.out()).contains("replayed 1 dead letter(s) of sink(s) " + LogFixtures.SINK)
          .containsPattern("delivered \\d+, dead-lettered \\d+, left queued 0");
      Cli.Result left = Cli.run(LATER, "dead-letters", "list", "--json", dir().toString());
      List<String> ids = new ArrayList<>();
      for (String line : left.out().lines().toList()) ids.add(new ObjectMapper().readTree(line).path("id").asText());
      assertThat(ids).doesNotContain(replayedId);
      assertThat(ids).hasSize(2);
      assertThat(receiver.events()).extracting(e -> e.path("user_id").asText()).containsExactly("bad-000002");
    }
  }

  @Test
  void purgeRemovesOnlyTheMatchingOnesAndNeedsAFilter() {
    LogFixtures.Written written = LogFixtures.write(dir(), 0, 3, 0);
    Path connector = LogFixtures.connectorFile(base);
    String secrets = base.resolve("secrets.env").toString();

    Cli.Result noFilter = Cli.run(LATER, "dead-letters", "purge", "--config", connector.toString(),
        "--secrets-file", secrets, dir().toString());
    assertThat(noFilter.code()).isEqualTo(AnalyticsCli.USAGE);
    assertThat(noFilter.err()).contains("give a filter");

    String purged = written.deadLettered().get(0);
    Cli.Result result = Cli.run(LATER, "dead-letters", "purge", "--config", connector.toString(),
        "--secrets-file", secrets, "--id", purged, dir().toString());
    assertThat(result.code()).as(result.toString()).isZero();
    assertThat(result.out()).contains("purged 1 dead letter(s)");

    Cli.Result left = Cli.run(LATER, "dead-letters", "list", dir().toString());
    assertThat(left.out()).contains("2 of 2").doesNotContain(purged)
        .contains(written.deadLettered().get(1)).contains(written.deadLettered().get(2));
  }

  @Test
  void replayAndPurgeRefuseWhileALiveInstanceHoldsTheDirectoryNamingIt() {
    LogFixtures.write(dir(), 0, 1, 0);
    Path connector = LogFixtures.connectorFile(base);
    try (Analytics holder = Analytics.builder().directory(dir()).sink(LogFixtures.SINK, new RecordingSink()).build()) {
      for (String verb : List.of("replay", "purge")) {
        Cli.Result result = Cli.run(LATER, "dead-letters", verb, "--all", "--config", connector.toString(),
            "--secrets-file", base.resolve("secrets.env").toString(), dir().toString());
        assertThat(result.code()).as(result.toString()).isEqualTo(AnalyticsCli.LOCKED);
        assertThat(result.err()).contains(dir() + " is in use").contains("read-only commands work meanwhile");
        if (Files.isReadable(Path.of("/proc/locks"))) {
          assertThat(result.err()).contains("held by process " + ProcessHandle.current().pid());
        }
      }
      assertThat(holder.deadLetters().list()).hasSize(1);
    }
  }
}
