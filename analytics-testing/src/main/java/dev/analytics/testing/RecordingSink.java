package dev.analytics.testing;

import dev.analytics.spi.Outcome;
import dev.analytics.spi.Record;
import dev.analytics.spi.Sink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * An in-memory {@link dev.analytics.spi.Sink} for tests and examples: records every record it is sent and
 * answers with a programmable outcome (delivered by default).
 *
 * <pre>{@code
 * RecordingSink sink = new RecordingSink();
 * sink.respondWith(record -> Outcome.retryLater());   // the endpoint is "down"
 * ...
 * sink.respondWith(RecordingSink.DELIVER);             // and back
 * assertThat(sink.deliveredIds()).containsExactlyElementsOf(emittedIds);
 * }</pre>
 */
public final class RecordingSink implements Sink {
  /** Delivers everything. */
  public static final Function<Record, Outcome> DELIVER = record -> Outcome.delivered();

  private final List<Record> sent = new ArrayList<>(); // guarded by this
  private final List<Record> delivered = new ArrayList<>(); // guarded by this
  private volatile Function<Record, Outcome> responder = DELIVER;
  private volatile int maxBatchRecords = 500;
  private volatile int maxInFlight = 1;
  private volatile Duration linger = Duration.ZERO;
  private volatile boolean closed;

  /** Sets how each record is answered from now on. */
  public RecordingSink respondWith(Function<Record, Outcome> responder) {
    this.responder = Objects.requireNonNull(responder, "responder == null");
    return this;
  }

  public RecordingSink maxBatchRecords(int max) {
    this.maxBatchRecords = max;
    return this;
  }

  public RecordingSink maxInFlight(int max) {
    this.maxInFlight = max;
    return this;
  }

  public RecordingSink linger(Duration linger) {
    this.linger = linger;
    return this;
  }

  @Override
  public CompletionStage<List<Outcome>> send(List<Record> batch) {
    List<Outcome> outcomes = new ArrayList<>(batch.size());
    Function<Record, Outcome> current = responder;
    for (Record record : batch) {
      Outcome outcome = current.apply(record);
      synchronized (this) {
        sent.add(record);
        if (outcome.kind() == Outcome.Kind.DELIVERED) delivered.add(record);
      }
      outcomes.add(outcome);
    }
    return CompletableFuture.completedFuture(outcomes);
  }

  @Override
  public int maxBatchRecords() {
    return maxBatchRecords;
  }

  @Override
  public int maxInFlight() {
    return maxInFlight;
  }

  @Override
  public Duration linger() {
    return linger;
  }

  /** Remembers that the owning {@link dev.analytics.Analytics} closed this sink. */
  @Override
  public void close() {
    closed = true;
  }

  /** True once {@link #close()} was called. */
  public boolean isClosed() {
    return closed;
  }

  /** Every record sent, including those answered with retry or rejection, in send order. */
  public synchronized List<Record> sent() {
    return List.copyOf(sent);
  }

  /** Records answered "delivered", in order. */
  public synchronized List<Record> delivered() {
    return List.copyOf(delivered);
  }

  /** Ids of delivered records, in order. */
  public synchronized List<String> deliveredIds() {
    List<String> ids = new ArrayList<>(delivered.size());
    for (Record record : delivered) ids.add(record.id());
    return ids;
  }
}
