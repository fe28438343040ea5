package dev.analytics.spring;

import dev.analytics.Analytics;
import dev.analytics.http.RequestListener;
import dev.analytics.micrometer.AnalyticsMetrics;
import dev.analytics.micrometer.HttpSinkMetrics;
import dev.analytics.micrometer.MetricsListener;
import dev.analytics.spi.Listener;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * analytics-micrometer's meters for the starter's {@link Analytics}: {@link AnalyticsMetrics} (stats, in
 * all and per sink) and a {@link MetricsListener} per registry (delivery latency, retries, faults, dead
 * letters), plus the number of sinks held by a configuration fault. It is also one of the instance's
 * listeners (a {@link CompositeListener} over the registries' listeners): the instance is built before any registry binds it, so it hands what it hears to the
 * {@code MetricsListener}s made at {@link #bindTo}, and drops what comes before. As a
 * {@link RequestListener} it feeds {@link HttpSinkMetrics} (requests by status, duration, records, bytes
 * and gzip ratio per request) for the HTTP sink built from {@code analytics.http.*}.
 */
final class AnalyticsMeters extends CompositeListener implements MeterBinder, RequestListener {
  private final Supplier<Analytics> analytics;
  private final SinkFaultTracker faults;
  private final List<Listener> bound;
  private final List<HttpSinkMetrics> httpMeters = new CopyOnWriteArrayList<>();

  /** {@code analytics} is asked for at {@link #bindTo}: the instance takes this bean as a listener. */
  AnalyticsMeters(Supplier<Analytics> analytics, SinkFaultTracker faults) {
    this(analytics, faults, new CopyOnWriteArrayList<>());
  }

  private AnalyticsMeters(Supplier<Analytics> analytics, SinkFaultTracker faults, List<Listener> bound) {
    super(bound);
    this.analytics = analytics;
    this.faults = faults;
    this.bound = bound;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    Analytics instance = analytics.get();
    new AnalyticsMetrics(instance).bindTo(registry);
    bound.add(MetricsListener.builder(registry)
        .sinks(instance.stats().sinks().keySet().toArray(new String[0])).build());
    httpMeters.add(new HttpSinkMetrics(registry));
    if (faults != null) {
      Gauge.builder("analytics.sinks.faulted", faults, f -> f.heldSinks().size())
          .description("Sinks held by a configuration fault (401/403, bad key, wrong endpoint)")
          .register(registry);
    }
  }

  @Override
  public void onExchange(Exchange exchange) {
    for (HttpSinkMetrics meters : httpMeters) meters.onExchange(exchange);
  }
}
