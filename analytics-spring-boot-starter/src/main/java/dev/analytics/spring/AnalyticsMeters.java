package dev.analytics.spring;

import dev.analytics.Analytics;
import dev.analytics.micrometer.AnalyticsMetrics;
import dev.analytics.micrometer.MetricsListener;
import dev.analytics.spi.DeadLetter;
import dev.analytics.spi.Listener;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * analytics-micrometer's meters for the starter's {@link Analytics}: {@link AnalyticsMetrics} (stats, in
 * all and per sink) and a {@link MetricsListener} per registry (delivery latency, retries, faults, dead
 * letters), plus the number of sinks held by a configuration fault. It is also one of the instance's
 * listeners: the instance is built before any registry binds it, so it hands what it hears to the
 * {@code MetricsListener}s made at {@link #bindTo}, and drops what comes before.
 */
final class AnalyticsMeters implements MeterBinder, Listener {
  private final Supplier<Analytics> analytics;
  private final SinkFaultTracker faults;
  private final List<Listener> bound = new CopyOnWriteArrayList<>();

  /** {@code analytics} is asked for at {@link #bindTo}: the instance takes this bean as a listener. */
  AnalyticsMeters(Supplier<Analytics> analytics, SinkFaultTracker faults) {
    this.analytics = analytics;
    this.faults = faults;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    Analytics instance = analytics.get();
    new AnalyticsMetrics(instance).bindTo(registry);
    bound.add(MetricsListener.builder(registry)
        .sinks(instance.stats().sinks().keySet().toArray(new String[0])).build());
    if (faults != null) {
      Gauge.builder("analytics.sinks.faulted", faults, f -> f.heldSinks().size())
          .description("Sinks held by a configuration fault (401/403, bad key, wrong endpoint)")
          .register(registry);
    }
  }

  private void tell(Consumer<Listener> call) {
    for (Listener listener : bound) call.accept(listener);
  }

  @Override
  public void onDelivered(String sink, int records, Duration oldest, Duration newest) {
    tell(l -> l.onDelivered(sink, records, oldest, newest));
  }

  @Override
  public void onRetry(String sink, int records, Duration delay) {
    tell(l -> l.onRetry(sink, records, delay));
  }

  @Override
  public void onSinkFault(String sink, String message) {
    tell(l -> l.onSinkFault(sink, message));
  }

  @Override
  public void onSinkFaultCleared(String sink) {
    tell(l -> l.onSinkFaultCleared(sink));
  }

  @Override
  public void onDeadLetter(DeadLetter letter) {
    tell(l -> l.onDeadLetter(letter));
  }

  @Override
  public void onDropped(String policy, long count) {
    tell(l -> l.onDropped(policy, count));
  }

  @Override
  public void onCorruption(Path segment, long offset, long skippedRecords, String detail) {
    tell(l -> l.onCorruption(segment, offset, skippedRecords, detail));
  }

  @Override
  public void onStorageError(IOException error) {
    tell(l -> l.onStorageError(error));
  }
}
