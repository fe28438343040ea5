package dev.analytics.kafka.connect;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;

/** A SinkTaskContext that records pauses, resumes and errant records, as the worker would see them. */
final class FakeTaskContext implements SinkTaskContext {
  final Set<TopicPartition> assignment = new LinkedHashSet<>();
  final Set<TopicPartition> paused = java.util.Collections.synchronizedSet(new LinkedHashSet<>());
  final List<Reported> reported = new CopyOnWriteArrayList<>();
  volatile int pauses;
  volatile int resumes;
  boolean withReporter = true;

  static final class Reported {
    final SinkRecord record;
    final Throwable error;

    Reported(SinkRecord record, Throwable error) {
      this.record = record;
      this.error = error;
    }

    String header(String name) {
      return Envelopes.header(record, name);
    }
  }

  FakeTaskContext(TopicPartition... assigned) {
    assignment.addAll(List.of(assigned));
  }

  @Override
  public Map<String, String> configs() {
    return Map.of();
  }

  @Override
  public void offset(Map<TopicPartition, Long> offsets) {
    throw new AssertionError("the task must never rewind");
  }

  @Override
  public void offset(TopicPartition tp, long offset) {
    throw new AssertionError("the task must never rewind");
  }

  @Override
  public void timeout(long timeoutMs) {}

  @Override
  public Set<TopicPartition> assignment() {
    return assignment;
  }

  @Override
  public void pause(TopicPartition... partitions) {
    pauses++;
    paused.addAll(List.of(partitions));
  }

  @Override
  public void resume(TopicPartition... partitions) {
    resumes++;
    paused.removeAll(List.of(partitions));
  }

  @Override
  public void requestCommit() {}

  @Override
  public ErrantRecordReporter errantRecordReporter() {
    if (!withReporter) return null;
    return new ErrantRecordReporter() {
      @Override
      public Future<Void> report(SinkRecord record, Throwable error) {
        reported.add(new Reported(record, error));
        return CompletableFuture.completedFuture(null);
      }
    };
  }

  @Override
  public PluginMetrics pluginMetrics() {
    return null;
  }
}
