package dev.analytics.kafka.connect;

import com.fasterxml.jackson.databind.JsonNode;
import dev.analytics.spi.Outcome;
import dev.analytics.spi.Record;
import dev.analytics.spi.Sink;
import dev.analytics.spi.SinkProvider;
import dev.analytics.spi.SinkSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A sink whose every {@link #send} waits for the test to answer it ({@code type: scripted-sink}, section
 * {@code scripted:} with {@code max_in_flight} and {@code max_batch}), or answers by a rule.
 */
final class ScriptedSink implements Sink {
  static volatile ScriptedSink last;

  final BlockingQueue<Call> calls = new LinkedBlockingQueue<>();
  private final int maxInFlight;
  private final int maxBatch;
  volatile Function<Record, Outcome> rule;
  volatile boolean closed;

  ScriptedSink(int maxInFlight, int maxBatch) {
    this.maxInFlight = maxInFlight;
    this.maxBatch = maxBatch;
  }

  /** One {@link #send}: its records and the answer to give. */
  static final class Call {
    final List<Record> batch;
    final CompletableFuture<List<Outcome>> result = new CompletableFuture<>();

    Call(List<Record> batch) {
      this.batch = List.copyOf(batch);
    }

    void answer(Outcome... outcomes) {
      result.complete(List.of(outcomes));
    }

    void answerAll(Outcome outcome) {
      List<Outcome> all = new ArrayList<>();
      for (int i = 0; i < batch.size(); i++) all.add(outcome);
      result.complete(all);
    }
  }

  /** The next send, failing the test if none comes within 10 s. */
  Call nextCall() throws InterruptedException {
    Call call = calls.poll(10, TimeUnit.SECONDS);
    if (call == null) throw new AssertionError("no send within 10 s");
    return call;
  }

  @Override
  public CompletionStage<List<Outcome>> send(List<Record> batch) {
    Call call = new Call(batch);
    Function<Record, Outcome> r = rule;
    if (r != null) {
      List<Outcome> outcomes = new ArrayList<>();
      for (Record record : batch) outcomes.add(r.apply(record));
      call.result.complete(outcomes);
    }
    calls.add(call);
    return call.result;
  }

  @Override
  public int maxInFlight() {
    return maxInFlight;
  }

  @Override
  public int maxBatchRecords() {
    return maxBatch;
  }

  @Override
  public Duration linger() {
    return Duration.ZERO;
  }

  @Override
  public void close() {
    closed = true;
  }

  /** {@code type: scripted-sink}. */
  public static final class Provider implements SinkProvider {
    @Override
    public String type() {
      return "scripted-sink";
    }

    @Override
    public Sink create(SinkSettings settings) {
      JsonNode section = settings.section().node();
      ScriptedSink sink = new ScriptedSink(section.path("max_in_flight").asInt(1), section.path("max_batch").asInt(100));
      last = sink;
      return sink;
    }
  }
}
