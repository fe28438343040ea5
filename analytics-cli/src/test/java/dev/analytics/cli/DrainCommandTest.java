package dev.analytics.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.analytics.testing.AmplitudeReceiver;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DrainCommandTest {
  @TempDir Path base;

  private Path dir() {
    return base.resolve("service-events");
  }

  private String[] drain(String endpoint, String... extra) {
    Path connector = LogFixtures.connectorFile(base);
    String[] head = {"drain", "--config", connector.toString(), "--secrets-file", base.resolve("secrets.env").toString(),
        "--endpoint", endpoint};
    String[] all = new String[head.length + extra.length + 1];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(extra, 0, all, head.length, extra.length);
    all[all.length - 1] = dir().toString();
    return all;
  }

  @Test
  void deliversTheBacklogThroughTheConnectorFileAndExitsWhenEmpty() {
    LogFixtures.Written written = LogFixtures.write(dir(), 3, 0, 250);
    try (AmplitudeReceiver receiver = AmplitudeReceiver.create(LogFixtures.API_KEY).start()) {
      Cli.Result result = Cli.run(Clock.systemUTC(), drain(receiver.endpoint().toString()));

      assertThat(result.code()).as(result.toString()).isZero();
      assertThat(result.out()).contains("draining 250 queued record(s)").contains("delivered 250, dead-lettered 0, left queued 0");
      assertThat(result.out()).as("no progress line off a terminal").doesNotContain("\r").doesNotContain("ETA");
      Set<String> users = new HashSet<>();
      for (JsonNode event : receiver.events()) users.add(event.path("user_id").asText());
      Set<String> expected = new HashSet<>();
      for (int i = 3; i < 253; i++) expected.add(String.format("user-%06d", i));
      assertThat(users).isEqualTo(expected);
      assertThat(written.queued()).hasSize(250);
    }
    Cli.Result status = Cli.run(Clock.systemUTC(), "status", "--json", dir().toString());
    assertThat(status.out()).contains("\"queuedRecords\" : 0");
  }

  @Test
  void stopsAtTheTimeoutWithExitCodeThreeAndKeepsTheRest() {
    LogFixtures.write(dir(), 0, 0, 20);
    String nobodyListens = "http://127.0.0.1:" + AmplitudeReceiver.freePort() + AmplitudeReceiver.PATH;

    Cli.Result result = Cli.run(Clock.systemUTC(), drain(nobodyListens, "--timeout", "1s"));

    assertThat(result.code()).as(result.toString()).isEqualTo(AnalyticsCli.NOT_EMPTY);
    assertThat(result.out()).contains("delivered 0, dead-lettered 0, left queued 20");
    Cli.Result status = Cli.run(Clock.systemUTC(), "status", dir().toString());
    assertThat(status.out()).contains("no sink cursors yet: every record kept (20) is queued");
  }

  @Test
  void refusesAConnectorWhoseSinkHasNoCursorInTheDirectory() throws Exception {
    LogFixtures.write(dir(), 2, 0, 2);
    Path connector = LogFixtures.connectorFile(base);
    String renamed = java.nio.file.Files.readString(connector).replace("name: amplitude-connector", "name: other-sink");
    java.nio.file.Files.writeString(connector, renamed);

    Cli.Result result = Cli.run(Clock.systemUTC(), "drain", "--config", connector.toString(),
        "--secrets-file", base.resolve("secrets.env").toString(), dir().toString());

    assertThat(result.code()).as(result.toString()).isEqualTo(AnalyticsCli.FAILED);
    assertThat(result.err()).contains("sink \"other-sink\"").contains("cursors: amplitude-connector").contains("--new-sink");
  }

  @Test
  void aMissingSecretIsAClearErrorWithoutOpeningTheDirectory() {
    LogFixtures.write(dir(), 0, 0, 1);
    Path connector = LogFixtures.connectorFile(base);

    Cli.Result result = Cli.run(Clock.systemUTC(), "drain", "--config", connector.toString(), dir().toString());

    assertThat(result.code()).as(result.toString()).isEqualTo(AnalyticsCli.FAILED);
    assertThat(result.err()).contains("AMPLITUDE_API_TOKEN");
  }
}
