package dev.analytics.micrometer;

import dev.analytics.Analytics;
import dev.analytics.Stats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * Publishes an {@link Analytics} instance's {@link Analytics#stats() stats()} as Micrometer meters, read
 * when the registry polls (nothing on the {@code emit()} path). Each meter carries the tag
 * {@value #LOG_TAG} (the log directory's name, {@code meta.topic} for a connector file) plus the tags
 * given here.
 *
 * <pre>{@code
 * new AnalyticsMetrics(analytics).bindTo(registry);
 * }</pre>
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>what</th></tr>
 *   <tr><td>{@code analytics.queue.records}</td><td>gauge</td><td>records not yet delivered or dead-lettered by every sink</td></tr>
 *   <tr><td>{@code analytics.queue.bytes}</td><td>gauge (bytes)</td><td>log bytes from the slowest sink's position</td></tr>
 *   <tr><td>{@code analytics.queue.oldest.age}</td><td>time gauge (seconds)</td><td>how long the oldest queued record has waited</td></tr>
 *   <tr><td>{@code analytics.events.emitted}</td><td>function counter</td><td>events accepted by {@code emit()}</td></tr>
 *   <tr><td>{@code analytics.records.delivered}</td><td>function counter</td><td>records delivered, summed over sinks</td></tr>
 *   <tr><td>{@code analytics.records.retried}</td><td>function counter</td><td>records sent again after "retry later"</td></tr>
 *   <tr><td>{@code analytics.records.dead.lettered}</td><td>function counter</td><td>records written to the dead-letter log</td></tr>
 *   <tr><td>{@code analytics.events.dropped}</td><td>function counter</td><td>events dropped by the when-full policy</td></tr>
 *   <tr><td>{@code analytics.records.corrupt.skipped}</td><td>function counter</td><td>corrupt records skipped reading the log</td></tr>
 *   <tr><td>{@code analytics.storage.errors}</td><td>function counter</td><td>failed writes or fsyncs of the log</td></tr>
 * </table>
 *
 * <table>
 *   <caption>Per-sink meters, from {@link Stats#sinks()}, each also tagged {@value MetricsListener#SINK_TAG}</caption>
 *   <tr><th>name</th><th>type</th><th>what</th></tr>
 *   <tr><td>{@code analytics.sink.queue.records}</td><td>gauge</td><td>records from the sink's cursor to the end of the log</td></tr>
 *   <tr><td>{@code analytics.sink.queue.bytes}</td><td>gauge (bytes)</td><td>their bytes</td></tr>
 *   <tr><td>{@code analytics.sink.queue.oldest.age}</td><td>time gauge (seconds)</td><td>how long the sink's oldest queued record has waited</td></tr>
 *   <tr><td>{@code analytics.sink.cursor}</td><td>gauge</td><td>the sink's position (sequence number): everything below is done</td></tr>
 *   <tr><td>{@code analytics.sink.batches.in.flight}</td><td>gauge</td><td>batches handed to the sink, not answered yet</td></tr>
 *   <tr><td>{@code analytics.sink.records.delivered}</td><td>function counter</td><td>records the sink delivered</td></tr>
 *   <tr><td>{@code analytics.sink.records.retried}</td><td>function counter</td><td>records the sink sent again after a retry-later</td></tr>
 *   <tr><td>{@code analytics.sink.records.dead.lettered}</td><td>function counter</td><td>records the sink dead-lettered</td></tr>
 * </table>
 *
 * <p>The counters count since the instance started, as {@code stats()} does. The meters hold the
 * instance weakly, as Micrometer's function-based meters do: bind it to a registry for its lifetime.
 */
public final class AnalyticsMetrics implements MeterBinder {
  /** The tag naming the log: the directory's file name. */
  public static final String LOG_TAG = "log";

  private final Analytics analytics;
  private final Tags tags;

  /** Meters tagged with {@value #LOG_TAG} only. */
  public AnalyticsMetrics(Analytics analytics) {
    this(analytics, Tags.empty());
  }

  /** Meters tagged with {@value #LOG_TAG} and {@code tags}. */
  public AnalyticsMetrics(Analytics analytics, Iterable<Tag> tags) {
    this.analytics = Objects.requireNonNull(analytics, "analytics == null");
    Objects.requireNonNull(tags, "tags == null");
    this.tags = Tags.of(LOG_TAG, String.valueOf(analytics.directory().getFileName())).and(tags);
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry == null");
    Gauge.builder("analytics.queue.records", analytics, stat(Stats::queuedRecords))
        .description("Records not yet delivered or dead-lettered by every sink")
        .baseUnit("records").tags(tags).register(registry);
    Gauge.builder("analytics.queue.bytes", analytics, stat(Stats::queuedBytes))
        .description("Bytes of the log from the slowest sink's position to the end")
        .baseUnit(BaseUnits.BYTES).tags(tags).register(registry);
    TimeGauge.builder("analytics.queue.oldest.age", analytics, TimeUnit.MILLISECONDS,
            a -> a.stats().oldestQueuedAge().toMillis())
        .description("How long the oldest queued record has waited; 0 when nothing is queued")
        .tags(tags).register(registry);
    counter(registry, "analytics.events.emitted", "Events accepted by emit()", "events", Stats::emitted);
    counter(registry, "analytics.records.delivered", "Records delivered, summed over sinks", "records", Stats::delivered);
    counter(registry, "analytics.records.retried", "Records sent again after a retry-later", "records", Stats::retried);
    counter(registry, "analytics.records.dead.lettered", "Records written to the dead-letter log", "records",
        Stats::deadLettered);
    counter(registry, "analytics.events.dropped", "Events dropped by the when-full policy", "events", Stats::dropped);
    counter(registry, "analytics.records.corrupt.skipped", "Corrupt records skipped when reading the log", "records",
        Stats::corruptSkipped);
    counter(registry, "analytics.storage.errors", "Failed writes or fsyncs of the log", "errors", Stats::storageErrors);
    for (String sink : analytics.stats().sinks().keySet()) bindSink(registry, sink);
  }

  private void bindSink(MeterRegistry registry, String sink) {
    Tags sinkTags = tags.and(MetricsListener.SINK_TAG, sink);
    sinkGauge(registry, sinkTags, sink, "analytics.sink.queue.records", "Records from the sink's cursor to the end of the log",
        "records", s -> s.backlog().records());
    sinkGauge(registry, sinkTags, sink, "analytics.sink.queue.bytes", "Bytes from the sink's cursor to the end of the log",
        BaseUnits.BYTES, s -> s.backlog().bytes());
    sinkGauge(registry, sinkTags, sink, "analytics.sink.cursor", "The sink's position: every record below it is done",
        null, Stats.SinkStats::cursor);
    sinkGauge(registry, sinkTags, sink, "analytics.sink.batches.in.flight", "Batches handed to the sink, not answered yet",
        "batches", Stats.SinkStats::inFlightBatches);
    TimeGauge.builder("analytics.sink.queue.oldest.age", analytics, TimeUnit.MILLISECONDS,
            a -> sinkStat(a, sink, s -> s.backlog().oldestAge().toMillis()))
        .description("How long the sink's oldest queued record has waited; 0 when nothing is queued")
        .tags(sinkTags).register(registry);
    sinkCounter(registry, sinkTags, sink, "analytics.sink.records.delivered", "Records the sink delivered",
        Stats.SinkStats::delivered);
    sinkCounter(registry, sinkTags, sink, "analytics.sink.records.retried", "Records the sink sent again after a retry-later",
        Stats.SinkStats::retried);
    sinkCounter(registry, sinkTags, sink, "analytics.sink.records.dead.lettered", "Records the sink dead-lettered",
        Stats.SinkStats::deadLettered);
  }

  private void sinkGauge(MeterRegistry registry, Tags sinkTags, String sink, String name, String description,
      String unit, java.util.function.ToLongFunction<Stats.SinkStats> value) {
    Gauge.builder(name, analytics, a -> sinkStat(a, sink, value)).description(description).baseUnit(unit)
        .tags(sinkTags).register(registry);
  }

  private void sinkCounter(MeterRegistry registry, Tags sinkTags, String sink, String name, String description,
      java.util.function.ToLongFunction<Stats.SinkStats> value) {
    FunctionCounter.builder(name, analytics, a -> sinkStat(a, sink, value)).description(description)
        .baseUnit("records").tags(sinkTags).register(registry);
  }

  private static long sinkStat(Analytics analytics, String sink, java.util.function.ToLongFunction<Stats.SinkStats> value) {
    Stats.SinkStats stats = analytics.stats().sinks().get(sink);
    return stats == null ? 0 : value.applyAsLong(stats);
  }

  private void counter(MeterRegistry registry, String name, String description, String unit,
      java.util.function.ToLongFunction<Stats> value) {
    FunctionCounter.builder(name, analytics, a -> value.applyAsLong(a.stats()))
        .description(description).baseUnit(unit).tags(tags).register(registry);
  }

  private static ToDoubleFunction<Analytics> stat(java.util.function.ToLongFunction<Stats> value) {
    return a -> value.applyAsLong(a.stats());
  }
}
