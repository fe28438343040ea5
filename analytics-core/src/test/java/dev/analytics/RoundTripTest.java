package dev.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.analytics.spi.Outcome;
import dev.analytics.testing.RecordingSink;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RoundTripTest {
  @TempDir Path dir;
  private final ObjectMapper mapper = new ObjectMapper();

  public static final class Pojo {
    public String event_type = "Signed Up";
    public int count = 3;
  }

  @Test
  void everyKindOfEventArrivesInItsEnvelope() throws Exception {
    RecordingSink sink = new RecordingSink();
    List<String> ids = new ArrayList<>();
    try (Analytics analytics = Analytics.builder().directory(dir).sink("test", sink).build()) {
      ids.add(analytics.emit(Map.of("event_type", "map")));
      ids.add(analytics.emit(new Pojo()));
      ids.add(analytics.emit(mapper.readTree("{\"event_type\":\"node\",\"n\":1.5}")));
      ids.add(analytics.emit("{\"event_type\":\"string\", \"big\": 12345678901234567890}"));
      assertThat(analytics.flush(Duration.ofSeconds(10))).isTrue();
    }
    assertThat(sink.deliveredIds()).containsExactlyElementsOf(ids);
    List<JsonNode> values = new ArrayList<>();
    sink.delivered().forEach(r -> values.add(r.value()));
    assertThat(values.get(0).get("event")).isEqualTo(mapper.readTree("{\"event_type\":\"map\"}"));
    assertThat(values.get(1).get("event")).isEqualTo(mapper.readTree("{\"event_type\":\"Signed Up\",\"count\":3}"));
    assertThat(values.get(3).get("event").get("big").bigIntegerValue().toString()).isEqualTo("12345678901234567890");
    for (int i = 0; i < 4; i++) {
      JsonNode envelope = values.get(i);
      assertThat(envelope.get("id").asText()).isEqualTo(ids.get(i));
      assertThat(envelope.get("timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
      assertThat(List.of(envelope.fieldNames().next())).containsExactly("id");
    }
    assertThat(ids).isSorted().doesNotHaveDuplicates();
    assertThat(ids.get(0)).matches("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  }

  @Test
  void eightThreadsEveryEventDeliveredExactlyOnce() throws Exception {
    RecordingSink sink = new RecordingSink().maxInFlight(4).maxBatchRecords(100);
    int threads = 8;
    int perThread = 5_000;
    Set<String> emitted = ConcurrentHashMap.newKeySet();
    try (Analytics analytics = Analytics.builder().directory(dir).segmentBytes(256 * 1024)
        .sink("test", sink).build()) {
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        futures.add(pool.submit(() -> {
          for (int i = 0; i < perThread; i++) {
            emitted.add(analytics.emit(Map.of("thread", thread, "i", i)));
          }
        }));
      }
      for (Future<?> future : futures) future.get();
      pool.shutdown();
      assertThat(analytics.flush(Duration.ofSeconds(30))).isTrue();
      assertThat(analytics.stats().queuedRecords()).isZero();
      assertThat(analytics.stats().delivered()).isEqualTo(threads * perThread);
    }
    assertThat(emitted).hasSize(threads * perThread);
    assertThat(sink.deliveredIds()).hasSize(threads * perThread).doesNotHaveDuplicates();
    assertThat(Set.copyOf(sink.deliveredIds())).isEqualTo(emitted);
    assertThat(sink.deliveredIds()).isSorted();
  }

  @Test
  void reopenAfterCloseDeliversWhatWasLeft() throws Exception {
    RecordingSink down = new RecordingSink().respondWith(r -> Outcome.retryLater());
    List<String> ids = new ArrayList<>();
    try (Analytics analytics = Analytics.builder().directory(dir).closeTimeout(Duration.ofMillis(100))
        .retryBackoff(Duration.ofMillis(5), Duration.ofMillis(20)).sink("test", down).build()) {
      for (int i = 0; i < 100; i++) ids.add(analytics.emit(Map.of("i", i)));
      assertThat(analytics.flush(Duration.ofMillis(200))).isFalse();
    }
    RecordingSink up = new RecordingSink();
    try (Analytics analytics = Analytics.builder().directory(dir).sink("test", up).build()) {
      assertThat(analytics.flush(Duration.ofSeconds(10))).isTrue();
      assertThat(analytics.stats().queuedRecords()).isZero();
    }
    assertThat(up.deliveredIds()).containsExactlyElementsOf(ids);
  }
}
