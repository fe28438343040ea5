package dev.analytics.http.connector;

import com.fasterxml.jackson.databind.JsonNode;
import dev.analytics.Sink;
import dev.analytics.http.AmplitudeMode;
import dev.analytics.http.BodyMode;
import dev.analytics.http.HttpSink;
import dev.analytics.spi.HumanDuration;
import dev.analytics.spi.SinkProvider;
import dev.analytics.spi.SinkSettings;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * {@code type: http-sink}: maps the connector's {@code http:} keys (Fluvio http-sink v0.3.0, see
 * {@code fluvio-connector.md}) and the library's delivery settings onto {@link HttpSink.Builder}.
 */
public final class HttpSinkProvider implements SinkProvider {
  private static final Set<String> HTTP_KEYS = Set.of(
      "endpoint", "method", "headers", "user_agent", "user-agent", "http_request_timeout",
      "http_connect_timeout", "backoff_min", "backoff_max");
  private static final Set<String> DELIVERY_KEYS = Set.of(
      "mode", "max_batch_records", "max_batch_bytes", "linger", "max_in_flight", "merge_field",
      "amplitude", "gzip", "max_attempts", "max_concurrent_requests", "payload_too_large_timeout");

  @Override
  public String type() {
    return "http-sink";
  }

  @Override
  public Sink create(SinkSettings settings) {
    JsonNode http = settings.section();
    JsonNode delivery = settings.delivery();
    if (!http.isObject()) throw new IllegalArgumentException("http: expected a map of settings");
    if (!delivery.isObject()) throw new IllegalArgumentException("delivery: expected a map of settings");
    warnUnknown(http, "http.", HTTP_KEYS, settings::warn);
    warnUnknown(delivery, "delivery.", DELIVERY_KEYS, settings::warn);

    HttpSink.Builder b = HttpSink.builder().secrets(settings.secrets());
    String name = settings.connectorName().replaceAll("[^A-Za-z0-9._-]", "-");
    if (!name.isEmpty()) b.name(name.length() > 64 ? name.substring(0, 64) : name);

    JsonNode endpoint = http.get("endpoint");
    if (endpoint == null || endpoint.isNull()) throw new IllegalArgumentException("http.endpoint: required");
    apply("http.endpoint", () -> b.endpoint(text("http.endpoint", endpoint)));
    if (has(http, "method")) apply("http.method", () -> b.method(text("http.method", http.get("method"))));
    if (has(http, "headers")) {
      JsonNode headers = http.get("headers");
      if (!headers.isArray()) throw new IllegalArgumentException("http.headers: expected a list of \"Name: Value\"");
      for (int i = 0; i < headers.size(); i++) {
        String key = "http.headers[" + i + "]";
        String line = text(key, headers.get(i));
        int colon = line.indexOf(':');
        if (colon <= 0) {
          // The value may be a credential: name the entry, never print it.
          throw new IllegalArgumentException(key + ": expected \"Name: Value\" (no ':' found)");
        }
        String hname = line.substring(0, colon).trim();
        String hvalue = line.substring(colon + 1).trim();
        apply(key, () -> b.header(hname, hvalue));
      }
    }
    for (String key : new String[] {"user_agent", "user-agent"}) {
      if (has(http, key)) apply("http." + key, () -> b.userAgent(text("http." + key, http.get(key))));
    }
    if (has(http, "http_request_timeout")) {
      Duration d = duration("http.http_request_timeout", http.get("http_request_timeout"));
      apply("http.http_request_timeout", () -> b.requestTimeout(d));
    }
    if (has(http, "http_connect_timeout")) {
      Duration d = duration("http.http_connect_timeout", http.get("http_connect_timeout"));
      apply("http.http_connect_timeout", () -> b.connectTimeout(d));
    }
    Duration min = has(http, "backoff_min") ? duration("http.backoff_min", http.get("backoff_min")) : HttpSink.DEFAULT_BACKOFF_MIN;
    Duration max = has(http, "backoff_max") ? duration("http.backoff_max", http.get("backoff_max")) : HttpSink.DEFAULT_BACKOFF_MAX;
    apply(has(http, "backoff_max") ? "http.backoff_max" : "http.backoff_min", () -> b.backoff(min, max));

    if (has(delivery, "mode")) {
      String mode = text("delivery.mode", delivery.get("mode"));
      switch (mode) {
        case "batch":
          String field = has(delivery, "merge_field") ? text("delivery.merge_field", delivery.get("merge_field")) : "events";
          apply("delivery.merge_field", () -> b.bodyMode(BodyMode.mergeOn(field)));
          break;
        case "per-record":
          b.bodyMode(BodyMode.perRecord());
          break;
        case "json-array":
          b.bodyMode(BodyMode.jsonArray());
          break;
        default:
          throw new IllegalArgumentException("delivery.mode: expected batch, per-record or json-array: \"" + mode + "\"");
      }
    } else if (has(delivery, "merge_field")) {
      String field = text("delivery.merge_field", delivery.get("merge_field"));
      apply("delivery.merge_field", () -> b.bodyMode(BodyMode.mergeOn(field)));
    }
    if (has(delivery, "max_batch_records")) {
      int n = integer("delivery.max_batch_records", delivery.get("max_batch_records"));
      apply("delivery.max_batch_records", () -> b.maxBatchRecords(n));
    }
    if (has(delivery, "max_batch_bytes")) {
      int n = integer("delivery.max_batch_bytes", delivery.get("max_batch_bytes"));
      apply("delivery.max_batch_bytes", () -> b.maxRequestBytes(n));
    }
    if (has(delivery, "linger")) {
      Duration d = duration("delivery.linger", delivery.get("linger"));
      apply("delivery.linger", () -> b.linger(d));
    }
    if (has(delivery, "max_in_flight")) {
      int n = integer("delivery.max_in_flight", delivery.get("max_in_flight"));
      apply("delivery.max_in_flight", () -> b.maxInFlight(n));
    }
    if (has(delivery, "max_concurrent_requests")) {
      int n = integer("delivery.max_concurrent_requests", delivery.get("max_concurrent_requests"));
      apply("delivery.max_concurrent_requests", () -> b.maxConcurrentRequests(n));
    }
    if (has(delivery, "max_attempts")) {
      int n = integer("delivery.max_attempts", delivery.get("max_attempts"));
      apply("delivery.max_attempts", () -> b.maxAttempts(n));
    }
    if (has(delivery, "payload_too_large_timeout")) {
      Duration d = duration("delivery.payload_too_large_timeout", delivery.get("payload_too_large_timeout"));
      apply("delivery.payload_too_large_timeout", () -> b.payloadTooLargeTimeout(d));
    }
    if (has(delivery, "amplitude")) {
      b.amplitude(bool("delivery.amplitude", delivery.get("amplitude")) ? AmplitudeMode.ON : AmplitudeMode.OFF);
    } else if (declaresAmplitude(settings.declaredSection())) {
      // The file names Amplitude; an endpoint override (a proxy, a local receiver) keeps its rules.
      b.amplitude(AmplitudeMode.ON);
    }
    if (has(delivery, "gzip")) b.gzip(bool("delivery.gzip", delivery.get("gzip")));
    return b.build();
  }

  private static boolean declaresAmplitude(JsonNode declared) {
    JsonNode endpoint = declared.get("endpoint");
    if (endpoint == null || !endpoint.isTextual()) return false;
    try {
      return HttpSink.isAmplitudeHost(java.net.URI.create(endpoint.asText().trim()));
    } catch (IllegalArgumentException e) {
      return false; // reported where the effective endpoint is parsed
    }
  }

  private static void warnUnknown(JsonNode section, String prefix, Set<String> known, Consumer<String> warn) {
    for (Iterator<Map.Entry<String, JsonNode>> it = section.fields(); it.hasNext(); ) {
      String key = it.next().getKey();
      if (!known.contains(key)) warn.accept("unknown key " + prefix + key + " ignored");
    }
  }

  private static boolean has(JsonNode section, String key) {
    JsonNode v = section.get(key);
    return v != null && !v.isNull();
  }

  private static void apply(String key, Runnable setter) {
    try {
      setter.run();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
    }
  }

  private static String text(String key, JsonNode node) {
    if (!node.isTextual()) throw new IllegalArgumentException(key + ": expected a string, got " + node.getNodeType());
    return node.asText();
  }

  private static int integer(String key, JsonNode node) {
    if (node.isIntegralNumber() && node.canConvertToInt()) return node.intValue();
    if (node.isTextual() && node.asText().trim().matches("\\d{1,9}")) return Integer.parseInt(node.asText().trim());
    throw new IllegalArgumentException(key + ": expected an integer, got " + node);
  }

  private static boolean bool(String key, JsonNode node) {
    if (node.isBoolean()) return node.booleanValue();
    if (node.isTextual() && (node.asText().equals("true") || node.asText().equals("false"))) {
      return Boolean.parseBoolean(node.asText());
    }
    throw new IllegalArgumentException(key + ": expected true or false, got " + node);
  }

  private static Duration duration(String key, JsonNode node) {
    if (!node.isTextual()) {
      throw new IllegalArgumentException(key + ": expected a duration such as 500ms, 15s or 1m, got " + node);
    }
    try {
      return HumanDuration.parse(node.asText());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
    }
  }
}
