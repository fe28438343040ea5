package dev.analytics.http.connector;

import dev.analytics.http.AmplitudeMode;
import dev.analytics.http.BodyMode;
import dev.analytics.http.HttpSink;
import dev.analytics.http.RequestListener;
import dev.analytics.spi.ConfigSection;
import dev.analytics.spi.Sink;
import dev.analytics.spi.SinkProvider;
import dev.analytics.spi.SinkSettings;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code type: http-sink}: maps the connector's {@code http:} keys (Fluvio http-sink v0.3.0, see
 * {@code fluvio-connector.md}) and the library's {@code analytics.delivery:} keys onto
 * {@link HttpSink.Builder}. It alone knows these keys: the loader hands both sections over unread, and
 * every error here names the key path and line through the {@link ConfigSection}.
 */
public final class HttpSinkProvider implements SinkProvider {
  private static final Set<String> HTTP_KEYS = Set.of(
      "endpoint", "method", "headers", "user_agent", "user-agent", "http_request_timeout",
      "http_connect_timeout", "backoff_min", "backoff_max");
  private static final Set<String> DELIVERY_KEYS = Set.of(
      "mode", "max_batch_records", "max_batch_bytes", "linger", "max_in_flight", "merge_field",
      "amplitude", "gzip", "max_attempts", "max_concurrent_requests", "adaptive_concurrency",
      "payload_too_large_timeout");
  private static final Map<String, String> MODES =
      Map.of("batch", "batch", "per-record", "per-record", "json-array", "json-array");

  @Override
  public String type() {
    return "http-sink";
  }

  @Override
  public Sink create(SinkSettings settings) {
    ConfigSection http = settings.section();
    ConfigSection delivery = settings.delivery();
    http.warnUnknown(HTTP_KEYS);
    delivery.warnUnknown(DELIVERY_KEYS);

    HttpSink.Builder b = HttpSink.builder().secrets(settings.secrets());
    settings.extension(RequestListener.class).ifPresent(b::requestListener);
    String name = settings.connectorName().replaceAll("[^A-Za-z0-9._-]", "-");
    if (!name.isEmpty()) b.name(name.length() > 64 ? name.substring(0, 64) : name);
    applyHttp(http, settings, b);
    applyDelivery(delivery, http, settings, b);
    return b.build();
  }

  private static void applyHttp(ConfigSection http, SinkSettings settings, HttpSink.Builder b) {
    String declared = http.requiredString("endpoint");
    String override = settings.endpointOverride().orElse(null);
    if (override != null) {
      try {
        b.endpoint(override);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("endpoint override (analytics.endpoint / ANALYTICS_ENDPOINT / code): "
            + e.getMessage());
      }
    } else {
      http.apply("endpoint", () -> b.endpoint(declared));
    }
    http.string("method").ifPresent(method -> http.apply("method", () -> b.method(method)));
    List<String> headers = http.strings("headers");
    for (int i = 0; i < headers.size(); i++) {
      String key = "headers[" + i + "]";
      String line = headers.get(i);
      int colon = line.indexOf(':');
      if (colon <= 0) {
        // The value may be a credential: name the entry, never print it.
        throw new IllegalArgumentException(http.format(http.path(key), http.line(key),
            "expected \"Name: Value\" (no ':' found)"));
      }
      String hname = line.substring(0, colon).trim();
      String hvalue = line.substring(colon + 1).trim();
      try {
        b.header(hname, hvalue);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(http.format(http.path(key), http.line(key), e.getMessage()));
      }
    }
    for (String key : new String[] {"user_agent", "user-agent"}) {
      http.string(key).ifPresent(agent -> http.apply(key, () -> b.userAgent(agent)));
    }
    http.duration("http_request_timeout").ifPresent(d -> http.apply("http_request_timeout", () -> b.requestTimeout(d)));
    http.duration("http_connect_timeout").ifPresent(d -> http.apply("http_connect_timeout", () -> b.connectTimeout(d)));
    var min = http.duration("backoff_min");
    var max = http.duration("backoff_max");
    if (min.isPresent() || max.isPresent()) {
      http.apply(max.isPresent() ? "backoff_max" : "backoff_min", () -> b.backoff(
          min.orElse(HttpSink.DEFAULT_BACKOFF_MIN), max.orElse(HttpSink.DEFAULT_BACKOFF_MAX)));
    }
    // Amplitude's rules follow the endpoint the file declares: pointing the seed file at a local
    // receiver or a proxy keeps them.
    if (override != null && isAmplitude(declared)) b.amplitude(AmplitudeMode.ON);
  }

  private static void applyDelivery(ConfigSection d, ConfigSection http, SinkSettings settings, HttpSink.Builder b) {
    String mode = d.choice("mode", MODES).orElse(null);
    String field = d.string("merge_field").orElse("events");
    if ("per-record".equals(mode)) {
      b.bodyMode(BodyMode.perRecord());
    } else if ("json-array".equals(mode)) {
      b.bodyMode(BodyMode.jsonArray());
    } else if (mode != null || d.has("merge_field")) {
      d.apply("merge_field", () -> b.bodyMode(BodyMode.mergeOn(field)));
    }
    d.integer("max_batch_records", 1, Integer.MAX_VALUE)
        .ifPresent(n -> d.apply("max_batch_records", () -> b.maxBatchRecords(n)));
    d.intSize("max_batch_bytes", 1, Integer.MAX_VALUE)
        .ifPresent(n -> d.apply("max_batch_bytes", () -> b.maxRequestBytes(n)));
    d.duration("linger").ifPresent(linger -> d.apply("linger", () -> b.linger(linger)));
    d.integer("max_in_flight", 1, 1024).ifPresent(n -> d.apply("max_in_flight", () -> b.maxInFlight(n)));
    d.integer("max_concurrent_requests", 1, 1024)
        .ifPresent(n -> d.apply("max_concurrent_requests", () -> b.maxConcurrentRequests(n)));
    d.bool("adaptive_concurrency").ifPresent(b::adaptiveConcurrency);
    d.integer("max_attempts", 1, 100).ifPresent(n -> d.apply("max_attempts", () -> b.maxAttempts(n)));
    d.bool("amplitude").ifPresent(on -> b.amplitude(on ? AmplitudeMode.ON : AmplitudeMode.OFF));
    d.bool("gzip").ifPresent(b::gzip);
    d.duration("payload_too_large_timeout")
        .ifPresent(t -> d.apply("payload_too_large_timeout", () -> b.payloadTooLargeTimeout(t)));
  }

  private static boolean isAmplitude(String endpoint) {
    try {
      return HttpSink.isAmplitudeHost(java.net.URI.create(endpoint.trim()));
    } catch (IllegalArgumentException e) {
      return false; // the declared endpoint is not used; the override is
    }
  }
}
