package dev.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.analytics.spi.Listener;
import dev.analytics.spi.Outcome;
import dev.analytics.spi.Record;
import dev.analytics.spi.Sink;
import dev.analytics.testing.Await;
import dev.analytics.testing.RecordingSink;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Plugins and callers that misbehave must not lose records or stop delivery. */
class RobustnessTest {
  @TempDir Path dir;

  private Analytics.Builder builder() {
    return Analytics.builder().directory(dir).retryBackoff(Duration.ofMillis(2), Duration.ofMillis(20));
  }

  @Test
  void aFastSinkNeverDeletesSegmentsASlowSinkStillNeeds() throws Exception {
    RecordingSink fast = new RecordingSink().maxBatchRecords(1000);
    RecordingSink slow = new RecordingSink().maxBatchRecords(1000).respondWith(r -> Outcome.retryLater());
    List<String> ids = new ArrayList<>();
    try (Analytics analytics = builder().segmentBytes(64 * 1024).maxDiskBytes(64L << 20)
        .sink("fast", fast).sink("slow", slow).build()) {
      for (int i = 0; i < 2000; i++) ids.add(analytics.emit(Map.of("i", i, "pad", "x".repeat(100))));
      // The fast one is done, many segments ago.
      Await.until(Duration.ofSeconds(30), () -> fast.delivered().size() >= 2000, "the fast sink has all 2000");
      slow.respondWith(RecordingSink.DELIVER);
      assertThat(analytics.flush(Duration.ofSeconds(20))).isTrue();
      assertThat(analytics.stats().corruptSkipped()).isZero();
    }
    assertThat(fast.deliveredIds()).containsExactlyElementsOf(ids);
    assertThat(slow.deliveredIds()).containsExactlyElementsOf(ids);
  }

  /**
   * A mapper that writes NaN bare stores bytes that are not JSON. Read back, that record is skipped,
   * counted and reported on its own; it must never reach a sink as those bytes, where it would go out
   * raw in a request body beside good events and get the whole request refused.
   */
  @Test
  void anEventTheMapperWritesAsInvalidJsonIsSkippedAloneNeverDeliveredRaw() throws Exception {
    ObjectMapper nanAsNumber = JsonMapper.builder().disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS).build();
    RecordingSink sink = new RecordingSink();
    List<String> good = new ArrayList<>();
    try (Analytics analytics = builder().objectMapper(nanAsNumber).sink("a", sink).build()) {
      good.add(analytics.emit(Map.of("n", 1)));
      analytics.emit(Map.of("ratio", Double.NaN));
      good.add(analytics.emit(Map.of("n", 2)));
      assertThat(analytics.flush(Duration.ofSeconds(10))).isTrue();
      assertThat(analytics.stats().corruptSkipped()).isEqualTo(1);
    }
    assertThat(sink.deliveredIds()).containsExactlyElementsOf(good);
    ObjectMapper plain = new ObjectMapper();
    for (Record record : sink.delivered()) {
      assertThat(plain.readTree(plain.writeValueAsBytes(record.value())).get("event").get("n").isInt()).isTrue();
    }
  }

  @Test
  void anInterruptedEmitterInSyncModeDoesNotBreakTheLogForOthers() throws Exception {
    RecordingSink sink = new RecordingSink();
    List<String> ids = new ArrayList<>();
    try (Analytics analytics = builder().durability(Durability.SYNC).sink("a", sink).build()) {
      Thread.currentThread().interrupt(); // a cancelled request thread calls emit()
      ids.add(analytics.emit(Map.of("while", "interrupted")));
      assertThat(Thread.interrupted()).as("the flag is kept for the caller").isTrue();
      for (int i = 0; i < 10; i++) ids.add(analytics.emit(Map.of("i", i)));
      assertThat(analytics.flush(Duration.ofSeconds(10))).isTrue();
      assertThat(analytics.stats().storageErrors()).isZero();
    }
    assertThat(sink.deliveredIds()).containsExactlyElementsOf(ids);
  }

  @Test
  void aRetryAfterOfCenturiesIsCappedInsteadOfWedgingTheSink() throws Exception {
    List<Duration> delays = new CopyOnWriteArrayList<>();
    Listener listener = new Listener() {
      @Override
      public void onRetry(String sink, int records, Duration delay) {
        delays.add(delay);
      }
    };
    RecordingSink sink = new RecordingSink().respondWith(r -> Outcome.retryAfter(Duration.ofDays(365L * 300)));
    try (Analytics analytics = builder().closeTimeout(Duration.ZERO).listener(listener).sink("a", sink).build()) {
      analytics.emit(Map.of("a", 1));
      Await.until(Duration.ofSeconds(30), () -> !delays.isEmpty(), "the retry heard by the listener");
    }
    assertThat(delays).containsExactly(Duration.ofHours(1));
  }

  @Test
  void aSinkReturningNullOrThrowingFromOpenIsRetriedNotFatal() throws Exception {
    AtomicInteger opens = new AtomicInteger();
    AtomicInteger sends = new AtomicInteger();
    RecordingSink recording = new RecordingSink();
    Sink flaky = new Sink() {
      @Override
      public void open(Context context) {
        if (opens.incrementAndGet() == 1) throw new IllegalStateException("endpoint config not loaded yet");
      }

      @Override
      public CompletionStage<List<Outcome>> send(List<Record> batch) {
        if (sends.incrementAndGet() == 1) return null; // a broken plugin
        if (sends.get() == 2) throw new AssertionError("another broken plugin");
        return recording.send(batch);
      }
    };
    String id;
    try (Analytics analytics = builder().sink("a", flaky).build()) {
      id = analytics.emit(Map.of("a", 1));
      assertThat(analytics.flush(Duration.ofSeconds(15))).isTrue();
    }
    assertThat(opens.get()).isEqualTo(2);
    assertThat(recording.deliveredIds()).containsExactly(id);
  }
}
