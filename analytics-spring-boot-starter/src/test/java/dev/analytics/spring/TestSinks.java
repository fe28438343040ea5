package dev.analytics.spring;

import dev.analytics.Outcome;
import dev.analytics.Record;
import dev.analytics.Sink;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/** Sinks for the tests: one that records and delivers, one that never answers. */
final class TestSinks {
  private TestSinks() {}

  /** Delivers every record at once and keeps it. */
  static final class Recording implements Sink {
    final List<Record> records = new CopyOnWriteArrayList<>();

    @Override
    public CompletionStage<List<Outcome>> send(List<Record> batch) {
      records.addAll(batch);
      return CompletableFuture.completedFuture(
          batch.stream().map(r -> Outcome.delivered()).collect(Collectors.toList()));
    }
  }

  /** Never completes a send: records stay queued and age. */
  static final class Stalled implements Sink {
    @Override
    public CompletionStage<List<Outcome>> send(List<Record> batch) {
      return new CompletableFuture<>();
    }
  }

}
