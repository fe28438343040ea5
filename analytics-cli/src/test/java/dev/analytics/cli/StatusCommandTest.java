package dev.analytics.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.analytics.Analytics;
import dev.analytics.testing.Await;
import dev.analytics.testing.RecordingSink;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatusCommandTest {
  private static final Clock TWO_HOURS_LATER = Clock.fixed(LogFixtures.T0.plus(Duration.ofHours(2)), ZoneOffset.UTC);

  @TempDir Path dir;

  @Test
  void showsCursorBacklogOldestAgeAndDeadLettersByReason() {
    LogFixtures.write(dir, 5, 3, 7);

    Cli.Result result = Cli.run(TWO_HOURS_LATER, "status", dir.toString());

    assertThat(result.code()).as(result.toString()).isZero();
    assertThat(result.out()).contains("lock          free");
    // cursor 8 (5 delivered + 3 dead-lettered), 7 queued since T0+10m: 1h 50m old at T0+2h.
    assertThat(result.out()).containsPattern("amplitude-connector\\s+8\\s+7\\s+[0-9.]+ (B|KiB)\\s+1h 50m");
    assertThat(result.out()).contains("dead letters  3 (");
    assertThat(result.out()).containsPattern("\\s+3\\s+400 invalid event: event_type missing");
    assertThat(result.out()).contains("records       15 kept, seq 0..14; next seq 15");
  }

  @Test
  void jsonIsForScripts() throws IOException {
    LogFixtures.write(dir, 5, 3, 7);

    Cli.Result result = Cli.run(TWO_HOURS_LATER, "status", "--json", dir.toString());

    assertThat(result.code()).as(result.toString()).isZero();
    JsonNode json = new ObjectMapper().readTree(result.out());
    JsonNode sink = json.path("sinks").get(0);
    assertThat(sink.path("name").asText()).isEqualTo(LogFixtures.SINK);
    assertThat(sink.path("cursor").asLong()).isEqualTo(8);
    assertThat(sink.path("queuedRecords").asLong()).isEqualTo(7);
    assertThat(sink.path("queuedBytes").asLong()).isGreaterThan(7 * 16);
    assertThat(sink.path("oldestQueuedTimestamp").asText()).isEqualTo("2026-03-01T10:10:00Z");
    assertThat(sink.path("oldestQueuedAgeSeconds").asDouble()).isEqualTo(110 * 60.0);
    assertThat(json.path("deadLetters").path("count").asLong()).isEqualTo(3);
    assertThat(json.path("deadLetters").path("bySink").path(LogFixtures.SINK).asLong()).isEqualTo(3);
    assertThat(json.path("deadLetters").path("byReason").get(0).path("count").asLong()).isEqualTo(3);
    assertThat(json.path("log").path("records").asLong()).isEqualTo(15);
    assertThat(json.path("log").path("diskBytes").asLong()).as("two preallocated 64 KiB segments at least")
        .isGreaterThanOrEqualTo(64 * 1024);
    assertThat(json.path("lock").path("held").asBoolean()).isFalse();
  }

  @Test
  void worksWhileALiveInstanceInThisJvmHoldsTheDirectory() {
    RecordingSink sink = new RecordingSink();
    try (Analytics analytics = Analytics.builder().directory(dir).sink(LogFixtures.SINK, sink).build()) {
      for (int i = 0; i < 10; i++) analytics.emit(LogFixtures.event(i));
      Await.until(Duration.ofSeconds(10), () -> LogFixtures.cursor(dir) == 10, "cursor saved at 10");

      Cli.Result result = Cli.run(Clock.systemUTC(), "status", dir.toString());

      assertThat(result.code()).as(result.toString()).isZero();
      if (Files.isReadable(Path.of("/proc/locks"))) {
        assertThat(result.out()).contains("held by process " + ProcessHandle.current().pid()).contains("this process");
      }
      assertThat(result.out()).containsPattern("amplitude-connector\\s+10\\s+0\\s");
      analytics.emit(LogFixtures.event(10)); // the holder is unaffected
      Await.until(Duration.ofSeconds(10), () -> sink.delivered().size() == 11, "11 delivered");
    }
  }

  @Test
  void worksWhileAnotherProcessHoldsTheDirectoryAndNamesIt() throws Exception {
    LogFixtures.write(dir, 2, 0, 4);
    Process child = HoldingProcess.start(dir);
    try {
      long pid = HoldingProcess.awaitReady(child);

      Cli.Result status = Cli.run(TWO_HOURS_LATER, "status", dir.toString());
      assertThat(status.code()).as(status.toString()).isZero();
      assertThat(status.out()).containsPattern("amplitude-connector\\s+2\\s+4\\s");
      if (Files.isReadable(Path.of("/proc/locks"))) {
        assertThat(status.out()).contains("held by process " + pid).contains(HoldDirectory.class.getName());
      }

      Path connector = LogFixtures.connectorFile(Files.createTempDirectory(dir.getParent(), "conf"));
      Cli.Result drain = Cli.run(Clock.systemUTC(), "drain", "--config", connector.toString(),
          "--secrets-file", connector.resolveSibling("secrets.env").toString(), dir.toString());
      assertThat(drain.code()).as(drain.toString()).isEqualTo(AnalyticsCli.LOCKED);
      assertThat(drain.err()).contains("is in use").contains(".lock");
      if (Files.isReadable(Path.of("/proc/locks"))) assertThat(drain.err()).contains("held by process " + pid);
    } finally {
      HoldingProcess.stop(child);
    }
  }

  @Test
  void refusesWhatIsNotALogDirectory() throws IOException {
    Files.createDirectories(dir.resolve("service-events/log"));
    Cli.Result parent = Cli.run(TWO_HOURS_LATER, "status", dir.toString());
    assertThat(parent.code()).isEqualTo(AnalyticsCli.FAILED);
    assertThat(parent.err()).contains("is not an analytics log directory").contains("name one of them");

    Path file = Files.writeString(dir.resolve("a-file"), "x");
    Cli.Result notDir = Cli.run(TWO_HOURS_LATER, "status", file.toString());
    assertThat(notDir.code()).isEqualTo(AnalyticsCli.FAILED);
    assertThat(notDir.err()).contains("is a file, not a directory");

    Cli.Result missing = Cli.run(TWO_HOURS_LATER, "status", dir.resolve("nope").toString());
    assertThat(missing.code()).isEqualTo(AnalyticsCli.FAILED);
    assertThat(missing.err()).contains("does not exist");
  }

  /** A child JVM running {@link HoldDirectory}. */
  static final class HoldingProcess {
    static Process start(Path dir) throws IOException {
      List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx128m",
          "-cp", System.getProperty("java.class.path"), HoldDirectory.class.getName(), dir.toString());
      return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    static long awaitReady(Process child) throws IOException {
      // A hang guard: a child that never gets ready is killed, which ends the read below.
      Thread guard = new Thread(() -> {
        try {
          if (!child.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) child.destroyForcibly();
        } catch (InterruptedException e) {
          // Done.
        }
      });
      guard.setDaemon(true);
      guard.start();
      String line = new java.io.BufferedReader(new java.io.InputStreamReader(child.getInputStream())).readLine();
      assertThat(line).as("child ready line").startsWith("ready ");
      return Long.parseLong(line.substring("ready ".length()).trim());
    }

    static void stop(Process child) throws InterruptedException {
      try (OutputStream stdin = child.getOutputStream()) {
        stdin.flush();
      } catch (IOException e) {
        // Already gone.
      }
      if (!child.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) child.destroyForcibly().waitFor();
    }
  }
}
