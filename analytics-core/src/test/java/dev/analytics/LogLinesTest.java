package dev.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.analytics.spi.DeadLetter;
import dev.analytics.spi.Listener;
import dev.analytics.spi.Outcome;
import dev.analytics.testing.Await;
import dev.analytics.testing.RecordingSink;
import dev.analytics.testsupport.CapturedLogs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the library logs (System.Logger, routed to java.util.logging here): one line per incident, not
 * per record, and a line at open and at close that says what is queued.
 */
class LogLinesTest {
  @TempDir Path dir;
  private CapturedLogs logs;

  @BeforeEach
  void captureLogs() {
    logs = CapturedLogs.start();
  }

  @AfterEach
  void restoreLogs() {
    logs.close();
  }

  private List<String> messages(Level level, String containing) {
    return logs.records().stream()
        .filter(r -> r.getLevel().equals(level) && r.getMessage().contains(containing))
        .map(LogRecord::getMessage)
        .collect(Collectors.toList());
  }

  @Test
  void aBatchOfDeadLettersIsOneLineAndTheListenerHearsEachRecord() {
    List<DeadLetter> heard = new CopyOnWriteArrayList<>();
    RecordingSink sink = new RecordingSink().linger(Duration.ofSeconds(30))
        .respondWith(record -> Outcome.rejected("400: bad event"));
    try (Analytics analytics = Analytics.builder().directory(dir).sink("a", sink)
        .listener(new Listener() {
          @Override
          public void onDeadLetter(DeadLetter letter) {
            heard.add(letter);
          }
        }).build()) {
      for (int i = 0; i < 100; i++) analytics.emit(Map.of("i", i));
      assertThat(analytics.flush(Duration.ofSeconds(10))).isTrue();
      assertThat(analytics.stats().deadLettered()).isEqualTo(100);
    }
    List<String> deadLetterLines = messages(Level.WARNING, "dead-lettered");
    assertThat(deadLetterLines).hasSize(1);
    assertThat(deadLetterLines.get(0)).startsWith("sink a dead-lettered 100 records: ")
        .contains("400: bad event").endsWith("; and 97 more");
    // The listener runs on its own thread; close() waits for it for 5 s at most.
    Await.until(Duration.ofSeconds(10), () -> heard.size() >= 100, () -> heard.size() + " letters heard");
    assertThat(heard).hasSize(100);
  }

  @Test
  void openAndCloseSayWhatIsQueued() {
    RecordingSink down = new RecordingSink().respondWith(record -> Outcome.retryAfter(Duration.ofHours(1)));
    try (Analytics analytics = Analytics.builder().directory(dir).closeTimeout(Duration.ZERO).sink("a", down).build()) {
      for (int i = 0; i < 7; i++) analytics.emit(Map.of("i", i));
    }
    assertThat(messages(Level.INFO, "opened " + dir)).containsExactly("opened " + dir + ": 0 record(s) queued from earlier runs");
    assertThat(messages(Level.INFO, "closing " + dir))
        .containsExactly("closing " + dir + ": 0 record(s) delivered during close, 7 left queued on disk for the next start");

    logs.records().clear();
    try (Analytics analytics = Analytics.builder().directory(dir).sink("a", new RecordingSink()).build()) {
      assertThat(analytics.flush(Duration.ofSeconds(10))).isTrue();
    }
    // Counted before the dispatcher starts: this sink delivers at once, and the line must still say 7.
    assertThat(messages(Level.INFO, "opened " + dir)).singleElement().asString()
        .matches(java.util.regex.Pattern.quote("opened " + dir + ": 7 record(s) queued from earlier runs, the oldest ")
            + "\\d+ s old");
    assertThat(messages(Level.INFO, "closing " + dir))
        .containsExactly("closing " + dir + ": 0 record(s) delivered during close, 0 left queued");
  }
}
