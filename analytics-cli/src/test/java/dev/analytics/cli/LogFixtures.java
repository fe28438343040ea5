package dev.analytics.cli;

import dev.analytics.Analytics;
import dev.analytics.internal.log.LogInspector;
import dev.analytics.spi.Outcome;
import dev.analytics.testing.Await;
import dev.analytics.testing.MutableClock;
import dev.analytics.testing.RecordingSink;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Log directories written by the library itself, in a known state: some records delivered (the
 * cursor saved past them), some dead-lettered, some queued behind a sink that says "retry later".
 */
final class LogFixtures {
  /** The sink's name: the test connector file's {@code meta.name}, so the CLI can open the directory with it. */
  static final String SINK = "amplitude-connector";
  static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  static final String API_KEY = "test-api-key-0123456789";

  /** What {@link #write} left in the directory. */
  record Written(List<String> delivered, List<String> deadLettered, List<String> queued) {}

  private LogFixtures() {}

  /**
   * At T0: {@code delivered} events delivered. At T0+10m: {@code rejected} events rejected by the sink
   * ("400 invalid event", dead-lettered), then {@code queued} events held (retry later), then closed.
   */
  static Written write(Path dir, int delivered, int rejected, int queued) {
    return write(dir, delivered, rejected, queued, T0);
  }

  /** As {@link #write(Path, int, int, int)}, starting at {@code start} instead of T0. */
  static Written write(Path dir, int delivered, int rejected, int queued, Instant start) {
    MutableClock clock = MutableClock.at(start);
    RecordingSink sink = new RecordingSink();
    List<String> deliveredIds = new ArrayList<>();
    List<String> rejectedIds = new ArrayList<>();
    List<String> queuedIds = new ArrayList<>();
    try (Analytics analytics = Analytics.builder().directory(dir).sink(SINK, sink).clock(clock)
        .segmentBytes(64 * 1024).closeTimeout(Duration.ZERO)
        .retryBackoff(Duration.ofHours(1), Duration.ofHours(1)).build()) {
      for (int i = 0; i < delivered; i++) deliveredIds.add(analytics.emit(event(i)));
      Await.until(Duration.ofSeconds(20), () -> sink.delivered().size() == delivered, delivered + " delivered");
      if (delivered > 0) {
        Await.until(Duration.ofSeconds(20), () -> cursor(dir) == delivered, "cursor saved at " + delivered);
      }

      sink.respondWith(record -> record.value().path("event").path("bad").asBoolean()
          ? Outcome.rejected("400 invalid event: event_type missing")
          : Outcome.retryLater());
      clock.advance(Duration.ofMinutes(10));
      for (int i = 0; i < rejected; i++) rejectedIds.add(analytics.emit(badEvent(i)));
      Await.until(Duration.ofSeconds(20), () -> analytics.stats().deadLettered() == rejected, rejected + " dead-lettered");
      if (rejected > 0) {
        Await.until(Duration.ofSeconds(20), () -> cursor(dir) == delivered + rejected, "cursor past the dead letters");
      }
      for (int i = 0; i < queued; i++) queuedIds.add(analytics.emit(event(delivered + i)));
    }
    return new Written(deliveredIds, rejectedIds, queuedIds);
  }

  /** Valid for Amplitude: only the fixture's sink rejects it (for its "bad" flag). */
  static Map<String, Object> badEvent(int n) {
    return Map.of("event_type", "Bad", "user_id", String.format("bad-%06d", n), "bad", true);
  }

  static Map<String, Object> event(int n) {
    return Map.of("event_type", "Signed Up", "user_id", String.format("user-%06d", n));
  }

  static long cursor(Path dir) {
    try {
      return new LogInspector(dir).cursors().getOrDefault(SINK, -2L);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The test connector file, copied next to the directory, and a secrets file for it. */
  static Path connectorFile(Path where) {
    try (var in = LogFixtures.class.getResourceAsStream("amplitude-connector.yaml")) {
      Path file = where.resolve("amplitude-connector.yaml");
      Files.write(file, in.readAllBytes());
      Files.writeString(where.resolve("secrets.env"), "AMPLITUDE_API_TOKEN=" + API_KEY + "\n");
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
