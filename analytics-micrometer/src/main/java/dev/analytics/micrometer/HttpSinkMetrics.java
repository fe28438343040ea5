package dev.analytics.micrometer;

import dev.analytics.http.HttpSink;
import dev.analytics.http.RequestListener;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.http.Outcome;
import java.util.Objects;

/**
 * Meters for the HTTP sink ({@code analytics-http}), fed by its {@link RequestListener}: one call per
 * HTTP exchange, each in-request retry included, never per record.
 *
 * <pre>{@code
 * HttpSinkMetrics http = new HttpSinkMetrics(registry);
 * HttpSink sink = HttpSink.builder().name("amplitude").endpoint(url).requestListener(http).build();
 * http.bindRetries(sink);   // resilience4j's retry meters, with resilience4j-micrometer on the class path
 * }</pre>
 *
 * <table>
 *   <caption>Meters, each tagged {@value MetricsListener#SINK_TAG} (the sink's name) and the tags given here</caption>
 *   <tr><th>name</th><th>type</th><th>what</th></tr>
 *   <tr><td>{@code analytics.http.requests}</td><td>timer, tags {@code status} (2xx, 4xx, 5xx..., none),
 *     {@code outcome} (SUCCESS, CLIENT_ERROR, SERVER_ERROR, REDIRECTION, UNKNOWN), {@code exception}</td>
 *     <td>HTTP exchanges and their duration</td></tr>
 *   <tr><td>{@code analytics.http.request.records}</td><td>distribution summary</td><td>records per request</td></tr>
 *   <tr><td>{@code analytics.http.request.bytes}</td><td>distribution summary (bytes)</td><td>body bytes per request, as sent</td></tr>
 *   <tr><td>{@code analytics.http.request.gzip.ratio}</td><td>distribution summary</td><td>sent bytes / serialized bytes of gzipped bodies</td></tr>
 *   <tr><td>{@code resilience4j.retry.calls}</td><td>function counter, tags {@code name} ({@code analytics-http-<sink>}),
 *     {@code kind}; not the tags given here</td><td>resilience4j's own: requests that succeeded or failed, with or without in-request retries</td></tr>
 * </table>
 */
public final class HttpSinkMetrics implements RequestListener {
  private final MeterRegistry registry;
  private final Tags tags;

  /** Meters tagged with the sink's name only. */
  public HttpSinkMetrics(MeterRegistry registry) {
    this(registry, Tags.empty());
  }

  /** Meters tagged with the sink's name and {@code tags}. */
  public HttpSinkMetrics(MeterRegistry registry, Iterable<Tag> tags) {
    this.registry = Objects.requireNonNull(registry, "registry == null");
    this.tags = Tags.of(Objects.requireNonNull(tags, "tags == null"));
  }

  @Override
  public void onExchange(Exchange exchange) {
    Tags sinkTags = tags.and(MetricsListener.SINK_TAG, exchange.sink());
    String outcome = exchange.status() < 0 ? Outcome.UNKNOWN.name() : Outcome.forStatus(exchange.status()).name();
    Timer.builder("analytics.http.requests")
        .description("HTTP exchanges of the sink, in-request retries included")
        .tags(sinkTags).tag("status", exchange.statusClass()).tag("outcome", outcome)
        .tag("exception", exchange.error() == null ? "none" : exchange.error())
        .register(registry).record(exchange.duration());
    DistributionSummary.builder("analytics.http.request.records").description("Records per HTTP request")
        .baseUnit("records").tags(sinkTags).register(registry).record(exchange.records());
    DistributionSummary.builder("analytics.http.request.bytes").description("Body bytes per HTTP request, as sent")
        .baseUnit(BaseUnits.BYTES).tags(sinkTags).register(registry).record(exchange.sentBytes());
    if (exchange.gzipped() && exchange.bodyBytes() > 0) {
      DistributionSummary.builder("analytics.http.request.gzip.ratio")
          .description("Bytes sent / bytes serialized, for gzipped bodies (0.1: ten times smaller)")
          .tags(sinkTags).register(registry).record((double) exchange.sentBytes() / exchange.bodyBytes());
    }
  }

  /**
   * Binds resilience4j's retry meters for the {@link HttpSink#retryRegistry() registry} of {@code sink}
   * (once per registry is enough: sinks may share one). Needs {@code io.github.resilience4j:resilience4j-micrometer}
   * on the class path.
   *
   * @throws IllegalStateException if resilience4j-micrometer is not on the class path
   */
  public void bindRetries(HttpSink sink) {
    Objects.requireNonNull(sink, "sink == null");
    try {
      Class.forName("io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics", false,
          HttpSinkMetrics.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("bindRetries needs io.github.resilience4j:resilience4j-micrometer on the "
          + "class path (the same version as resilience4j-retry)");
    }
    RetryMeters.bind(sink.retryRegistry(), registry);
  }
}
