package dev.analytics.spring;

import dev.analytics.spi.Outcome;
import dev.analytics.spi.Record;
import dev.analytics.spi.Sink;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** A sink for the tests that never answers (analytics-testing's RecordingSink is the one that delivers). */
final class TestSinks {
  private TestSinks() {}

  /** Never completes a send: records stay queued and age. */
  static final class Stalled implements Sink {
    @Override
    public CompletionStage<List<Outcome>> send(List<Record> batch) {
      return new CompletableFuture<>();
    }
  }

}
