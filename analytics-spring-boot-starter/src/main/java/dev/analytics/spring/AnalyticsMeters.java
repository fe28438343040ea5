package dev.analytics.spring;

import dev.analytics.Analytics;
import dev.analytics.Stats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * Basic meters read from {@link Analytics#stats()} on each scrape: the queue (gauges) and the counters
 * since start (function counters), plus the number of sinks held by a configuration fault.
 */
final class AnalyticsMeters implements MeterBinder {
  private final Analytics analytics;
  private final SinkFaultTracker faults;

  AnalyticsMeters(Analytics analytics, SinkFaultTracker faults) {
    this.analytics = analytics;
    this.faults = faults;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    gauge(registry, "analytics.queue.records", "Records not yet delivered or dead-lettered by every sink", null,
        Stats::queuedRecords);
    gauge(registry, "analytics.queue.bytes", "Bytes of the log not yet delivered by the slowest sink", "bytes",
        Stats::queuedBytes);
    TimeGauge.builder("analytics.queue.oldest.age", analytics, TimeUnit.MILLISECONDS,
            a -> a.stats().oldestQueuedAge().toMillis())
        .description("How long the oldest queued record has waited")
        .register(registry);
    counter(registry, "analytics.events.emitted", "Events accepted by emit()", Stats::emitted);
    counter(registry, "analytics.events.delivered", "Records delivered, summed over sinks", Stats::delivered);
    counter(registry, "analytics.events.retried", "Records sent again after a retry-later", Stats::retried);
    counter(registry, "analytics.events.dead.lettered", "Records written to the dead-letter log", Stats::deadLettered);
    counter(registry, "analytics.events.dropped", "Events dropped by the when-full policy", Stats::dropped);
    counter(registry, "analytics.log.corrupt.skipped", "Corrupt records skipped reading the log", Stats::corruptSkipped);
    counter(registry, "analytics.log.storage.errors", "Failed writes or fsyncs of the log", Stats::storageErrors);
    if (faults != null) {
      Gauge.builder("analytics.sinks.faulted", faults, f -> f.heldSinks().size())
          .description("Sinks held by a configuration fault (401/403, bad key, wrong endpoint)")
          .register(registry);
    }
  }

  private void gauge(MeterRegistry registry, String name, String description, String unit,
      ToDoubleFunction<Stats> value) {
    Gauge.builder(name, analytics, a -> value.applyAsDouble(a.stats()))
        .description(description)
        .baseUnit(unit)
        .register(registry);
  }

  private void counter(MeterRegistry registry, String name, String description, ToDoubleFunction<Stats> value) {
    FunctionCounter.builder(name, analytics, a -> value.applyAsDouble(a.stats()))
        .description(description)
        .register(registry);
  }
}
