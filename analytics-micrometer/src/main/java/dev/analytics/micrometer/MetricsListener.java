package dev.analytics.micrometer;

import dev.analytics.spi.DeadLetter;
import dev.analytics.spi.Listener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link Listener} that counts what the library tells it, per sink, into a {@link MeterRegistry}; then
 * hands every call on to another listener, if one is given (an {@code Analytics} takes one listener).
 *
 * <table>
 *   <caption>Meters, each tagged {@value #SINK_TAG} (and the builder's tags)</caption>
 *   <tr><th>name</th><th>type</th><th>what</th></tr>
 *   <tr><td>{@code analytics.delivery.latency}</td><td>timer, percentiles 0.5, 0.9, 0.99</td><td>per acknowledged
 *     batch, how long its oldest record waited from {@code emit()} to delivery: an upper bound for every
 *     record of the batch (from {@link Listener#onDelivered}, one call per batch)</td></tr>
 *   <tr><td>{@code analytics.sink.retries}</td><td>counter</td><td>retry decisions (batches or parts of them)</td></tr>
 *   <tr><td>{@code analytics.sink.retried.records}</td><td>counter</td><td>records in those retries</td></tr>
 *   <tr><td>{@code analytics.sink.fault}</td><td>gauge</td><td>1 while the sink reports a configuration fault (a bad API key), else 0</td></tr>
 *   <tr><td>{@code analytics.sink.faults}</td><td>counter</td><td>faults reported (each start of one)</td></tr>
 *   <tr><td>{@code analytics.sink.dead.letters}</td><td>counter</td><td>records dead-lettered</td></tr>
 *   <tr><td>{@code analytics.events.dropped.reported}</td><td>counter, tag {@code policy}</td><td>drops by when-full policy</td></tr>
 * </table>
 *
 * <p>Per-sink meters appear with the sink's first event, or at once for the sinks named with
 * {@link Builder#sinks}. Listener calls come from the library's own threads, never from {@code emit()}.
 */
public final class MetricsListener implements Listener {
  /** The tag naming the sink. */
  public static final String SINK_TAG = "sink";

  private final MeterRegistry registry;
  private final Tags tags;
  private final Listener next;
  private final Map<String, SinkMeters> sinks = new ConcurrentHashMap<>();

  private MetricsListener(Builder builder) {
    this.registry = builder.registry;
    this.tags = builder.tags;
    this.next = builder.next;
    for (String sink : builder.sinks) meters(sink);
  }

  /** A listener that counts into {@code registry}. */
  public static Builder builder(MeterRegistry registry) {
    return new Builder(registry);
  }

  /** Configures a {@link MetricsListener}. */
  public static final class Builder {
    private final MeterRegistry registry;
    private Tags tags = Tags.empty();
    private Listener next = Listener.NONE;
    private final List<String> sinks = new ArrayList<>();

    private Builder(MeterRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry == null");
    }

    /** Tags added to every meter. Default none. */
    public Builder tags(Iterable<Tag> tags) {
      this.tags = Tags.of(Objects.requireNonNull(tags, "tags == null"));
      return this;
    }

    /** Registers these sinks' meters at once (fault gauge 0, counters 0), so dashboards see them before any event. */
    public Builder sinks(String... names) {
      for (String name : names) sinks.add(Objects.requireNonNull(name, "sink name == null"));
      return this;
    }

    /** The listener every call is handed on to, after counting. Default {@link Listener#NONE}. */
    public Builder forwardTo(Listener next) {
      this.next = Objects.requireNonNull(next, "next == null");
      return this;
    }

    public MetricsListener build() {
      return new MetricsListener(this);
    }
  }

  private final class SinkMeters {
    final AtomicInteger fault = new AtomicInteger();
    final Counter retries;
    final Counter retriedRecords;
    final Counter faults;
    final Counter deadLetters;
    final Timer latency;

    SinkMeters(String sink) {
      Tags sinkTags = tags.and(SINK_TAG, sink);
      retries = Counter.builder("analytics.sink.retries").description("Retry decisions of the sink's dispatcher")
          .tags(sinkTags).register(registry);
      retriedRecords = Counter.builder("analytics.sink.retried.records").description("Records in those retries")
          .baseUnit("records").tags(sinkTags).register(registry);
      faults = Counter.builder("analytics.sink.faults").description("Configuration faults reported by the sink")
          .tags(sinkTags).register(registry);
      deadLetters = Counter.builder("analytics.sink.dead.letters").description("Records the sink dead-lettered")
          .baseUnit("records").tags(sinkTags).register(registry);
      latency = Timer.builder("analytics.delivery.latency")
          .description("Per acknowledged batch, how long its oldest record waited from emit() to delivery")
          .publishPercentiles(0.5, 0.9, 0.99).tags(sinkTags).register(registry);
      Gauge.builder("analytics.sink.fault", fault, AtomicInteger::get)
          .description("1 while the sink reports a configuration fault and holds its records, else 0")
          .tags(sinkTags).strongReference(true).register(registry);
    }
  }

  private SinkMeters meters(String sink) {
    return sinks.computeIfAbsent(sink, SinkMeters::new);
  }

  @Override
  public void onDelivered(String sink, int records, Duration oldest, Duration newest) {
    meters(sink).latency.record(oldest);
    next.onDelivered(sink, records, oldest, newest);
  }

  @Override
  public void onRetry(String sink, int records, Duration delay) {
    SinkMeters meters = meters(sink);
    meters.retries.increment();
    meters.retriedRecords.increment(records);
    next.onRetry(sink, records, delay);
  }

  @Override
  public void onSinkFault(String sink, String message) {
    SinkMeters meters = meters(sink);
    if (meters.fault.getAndSet(1) == 0) meters.faults.increment();
    next.onSinkFault(sink, message);
  }

  @Override
  public void onSinkFaultCleared(String sink) {
    meters(sink).fault.set(0);
    next.onSinkFaultCleared(sink);
  }

  @Override
  public void onDeadLetter(DeadLetter letter) {
    meters(letter.sink()).deadLetters.increment();
    next.onDeadLetter(letter);
  }

  @Override
  public void onDropped(String policy, long count) {
    Counter.builder("analytics.events.dropped.reported").description("Events dropped, by when-full policy")
        .baseUnit("events").tags(tags.and("policy", policy.toLowerCase(java.util.Locale.ROOT)))
        .register(registry).increment(count);
    next.onDropped(policy, count);
  }

  @Override
  public void onCorruption(Path segment, long offset, long skippedRecords, String detail) {
    next.onCorruption(segment, offset, skippedRecords, detail);
  }

  @Override
  public void onStorageError(IOException error) {
    next.onStorageError(error);
  }
}
