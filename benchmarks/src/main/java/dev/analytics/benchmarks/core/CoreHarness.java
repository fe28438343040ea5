package dev.analytics.benchmarks.core;

import dev.analytics.spi.Outcome;
import dev.analytics.spi.Record;
import dev.analytics.spi.Sink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Stream;

/** What the core harnesses share: the event they emit, an in-memory sink, a fresh directory. */
final class CoreHarness {
  private CoreHarness() {}

  /** The 5-field event every core harness emits (about 150 bytes of JSON). */
  static Map<String, Object> sampleEvent() {
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("user_id", "user@example.com");
    event.put("event_type", "ServiceAbcExampleEvent");
    event.put("time", 1696629748241L);
    event.put("app_version", "c738ca3");
    event.put("session_id", 9876645851321L);
    return event;
  }

  static void deleteRecursively(Path directory) throws IOException {
    if (!Files.exists(directory)) return;
    try (Stream<Path> paths = Files.walk(directory)) {
      for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) Files.delete(path);
    }
  }

  /** Answers every record of every batch at once, in memory, with one outcome. */
  static final class AnsweringSink implements Sink {
    private final Outcome answer;
    private final int maxBatchRecords;

    AnsweringSink(Outcome answer, int maxBatchRecords) {
      this.answer = answer;
      this.maxBatchRecords = maxBatchRecords;
    }

    @Override
    public CompletionStage<List<Outcome>> send(List<Record> batch) {
      List<Outcome> outcomes = new ArrayList<>(batch.size());
      for (int i = 0; i < batch.size(); i++) outcomes.add(answer);
      return CompletableFuture.completedFuture(outcomes);
    }

    @Override
    public int maxBatchRecords() {
      return maxBatchRecords;
    }
  }
}
