package dev.analytics.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The serializer reuses its writers: nothing of one event may leak into the next. */
class EventSerializerTest {
  private final ObjectMapper mapper = new ObjectMapper();
  private final EventSerializer serializer = new EventSerializer(mapper);

  /** Writes a field, then fails: the generator is left inside an object. */
  public static final class FailsHalfWay {
    public String getFirst() {
      return "written";
    }

    public String getSecond() {
      throw new IllegalStateException("getter failed");
    }
  }

  private String json(Object event) {
    return new String(serializer.toJson(event), StandardCharsets.UTF_8);
  }

  @Test
  void anEventThatFailsHalfWayLeavesNothingForTheNextOne() {
    assertThatThrownBy(() -> serializer.toJson(new FailsHalfWay())).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(FailsHalfWay.class.getName());
    assertThat(json(Map.of("a", 1))).isEqualTo("{\"a\":1}");
    assertThat(json(Map.of("b", 2))).isEqualTo("{\"b\":2}");
  }

  @Test
  void aLargeEventIsWrittenWholeAndTheNextSmallOneAlone() {
    String large = "x".repeat(200_000);
    assertThat(json(Map.of("large", large))).isEqualTo("{\"large\":\"" + large + "\"}");
    assertThat(json(Map.of("small", true))).isEqualTo("{\"small\":true}");
  }

  @Test
  void nodesStringsAndObjectsGoThroughTheSameWriters() throws Exception {
    assertThat(json("{\"s\": [1, 2]}")).isEqualTo("{\"s\":[1,2]}");
    assertThat(json(mapper.readTree("{\"n\":{\"m\":null}}"))).isEqualTo("{\"n\":{\"m\":null}}");
    assertThatThrownBy(() -> serializer.toJson("[1]")).hasMessageContaining("must be a JSON object, got ARRAY");
    assertThat(json(Map.of("after", "errors"))).isEqualTo("{\"after\":\"errors\"}");
  }

  @Test
  void threadsEmittingAtOnceEachGetTheirOwnEventsBytes() throws Exception {
    int threads = 8;
    int perThread = 5_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        results.add(pool.submit(() -> {
          int checked = 0;
          for (int i = 0; i < perThread; i++) {
            Map<String, Object> event = new LinkedHashMap<>();
            event.put("thread", thread);
            event.put("i", i);
            event.put("pad", "p".repeat(i % 700)); // some grow a writer's buffer, most do not
            assertThat(mapper.readValue(serializer.toJson(event), Map.class)).isEqualTo(event);
            checked++;
          }
          return checked;
        }));
      }
      for (Future<Integer> result : results) assertThat(result.get(60, TimeUnit.SECONDS)).isEqualTo(perThread);
    } finally {
      pool.shutdownNow();
    }
  }
}
