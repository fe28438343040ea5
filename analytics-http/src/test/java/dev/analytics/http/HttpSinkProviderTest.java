package dev.analytics.http;

import static dev.analytics.http.testing.HttpTesting.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.analytics.spi.ConfigSection;
import dev.analytics.spi.Secrets;
import dev.analytics.spi.Sink;
import dev.analytics.spi.SinkProvider;
import dev.analytics.spi.SinkSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** The {@code http-sink} provider: Fluvio's {@code http:} keys and the library's delivery settings. */
class HttpSinkProviderTest {
  final List<String> warnings = new ArrayList<>();

  SinkProvider provider() {
    for (SinkProvider p : ServiceLoader.load(SinkProvider.class)) {
      if (p.type().equals("http-sink")) return p;
    }
    throw new AssertionError("no http-sink provider registered");
  }

  HttpSink create(String http, String delivery) {
    return create(http, delivery, Secrets.none());
  }

  HttpSink create(String http, String delivery, Secrets secrets) {
    Sink sink = provider().create(settings(http, delivery, null, secrets));
    assertThat(sink).isInstanceOf(HttpSink.class);
    return (HttpSink) sink;
  }

  /** Settings as the connector loader hands them over, from JSON instead of YAML (so without lines). */
  SinkSettings settings(String http, String delivery, String endpointOverride, Secrets secrets) {
    ConfigSection.Origin origin = new ConfigSection.Origin() {
      @Override
      public String source() {
        return "connector test";
      }

      @Override
      public void warn(String message) {
        warnings.add(message);
      }

      @Override
      public Secrets secrets() {
        return secrets;
      }
    };
    SinkSettings.Builder b = SinkSettings.builder()
        .connectorName("amplitude-connector")
        .connectorVersion("0.2.5")
        .section(ConfigSection.of(json(http), "http", origin))
        .endpointOverride(endpointOverride)
        .secrets(secrets);
    if (delivery != null) b.delivery(ConfigSection.of(json(delivery), "analytics.delivery", origin));
    return b.build();
  }

  @Test
  void seedConfigGetsJsonBatchesAndAmplitudeMode() {
    HttpSink sink = create("{\"endpoint\":\"https://api2.amplitude.com/2/httpapi\"}", null);
    assertThat(sink.endpoint().toString()).isEqualTo("https://api2.amplitude.com/2/httpapi");
    assertThat(sink.method()).isEqualTo("POST");
    assertThat(sink.headers()).containsExactly(Map.entry("Content-Type", "application/json"));
    assertThat(sink.bodyMode()).isEqualTo(BodyMode.mergeOn("events"));
    assertThat(sink.amplitude()).isTrue();
    assertThat(sink.requestTimeout()).isEqualTo(Duration.ofSeconds(15));
    assertThat(sink.connectTimeout()).isEqualTo(Duration.ofSeconds(1));
    assertThat(warnings).isEmpty();
  }

  @Test
  void anEndpointOverrideKeepsTheAmplitudeRulesTheFileDeclares() {
    // The seed file names Amplitude; the loader points it at a local receiver (or a proxy).
    Sink sink = provider().create(settings("{\"endpoint\":\"https://api2.amplitude.com/2/httpapi\"}", null,
        "http://127.0.0.1:9/2/httpapi", Secrets.none()));
    assertThat(((HttpSink) sink).endpoint().toString()).isEqualTo("http://127.0.0.1:9/2/httpapi");
    assertThat(((HttpSink) sink).amplitude()).isTrue();
    // Without a declared Amplitude endpoint, a loopback endpoint is plain HTTP...
    assertThat(create("{\"endpoint\":\"http://127.0.0.1:9/2/httpapi\"}", null).amplitude()).isFalse();
    // ...and an explicit setting always wins.
    Sink off = provider().create(settings("{\"endpoint\":\"https://api2.amplitude.com/2/httpapi\"}",
        "{\"amplitude\":false}", "http://127.0.0.1:9/2/httpapi", Secrets.none()));
    assertThat(((HttpSink) off).amplitude()).isFalse();
  }

  @Test
  void fluvioKeysAreMapped() {
    HttpSink sink = create("{\"endpoint\":\"http://collector.local:8080/in\",\"method\":\"put\","
        + "\"headers\":[\"Authorization: Bearer abc:def\",\"X-Trace:  on \"],\"user_agent\":\"ua/1\","
        + "\"http_request_timeout\":\"2s\",\"http_connect_timeout\":\"500ms\","
        + "\"backoff_min\":\"250ms\",\"backoff_max\":\"1m\"}", null);
    assertThat(sink.method()).isEqualTo("PUT");
    assertThat(sink.headers()).containsExactly(
        Map.entry("Content-Type", "application/json"),
        Map.entry("Authorization", "Bearer abc:def"),
        Map.entry("X-Trace", "on"));
    assertThat(sink.userAgent()).isEqualTo("ua/1");
    assertThat(sink.requestTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(sink.connectTimeout()).isEqualTo(Duration.ofMillis(500));
    assertThat(sink.backoffMin()).isEqualTo(Duration.ofMillis(250));
    assertThat(sink.backoffMax()).isEqualTo(Duration.ofMinutes(1));
    assertThat(sink.amplitude()).isFalse();
    assertThat(sink.redact("token abc:def")).isEqualTo("token ****");
  }

  @Test
  void userAgentWithADashIsAcceptedToo() {
    assertThat(create("{\"endpoint\":\"http://h/\",\"user-agent\":\"dash/2\"}", null).userAgent()).isEqualTo("dash/2");
    assertThat(warnings).isEmpty();
  }

  @Test
  void explicitHeadersAreKeptEvenFluviosTextHtml() {
    HttpSink sink = create("{\"endpoint\":\"http://h/\",\"headers\":[\"Content-Type: text/html\"]}", null);
    assertThat(sink.headers()).containsExactly(Map.entry("Content-Type", "text/html"));
  }

  @Test
  void deliverySettingsAreMapped() {
    HttpSink sink = create("{\"endpoint\":\"https://api.eu.amplitude.com/2/httpapi\"}",
        "{\"mode\":\"per-record\",\"max_batch_records\":50,\"max_batch_bytes\":65536,\"linger\":\"20ms\","
            + "\"max_in_flight\":8,\"gzip\":false,\"amplitude\":false}");
    assertThat(sink.bodyMode()).isEqualTo(BodyMode.perRecord());
    assertThat(sink.maxBatchRecords()).isEqualTo(50);
    assertThat(sink.maxRequestBytes()).isEqualTo(65536);
    assertThat(sink.linger()).isEqualTo(Duration.ofMillis(20));
    assertThat(sink.maxInFlight()).isEqualTo(8);
    assertThat(sink.gzip()).isFalse();
    assertThat(sink.amplitude()).isFalse();
    HttpSink batch = create("{\"endpoint\":\"http://h/\"}", "{\"mode\":\"batch\",\"amplitude\":true}");
    assertThat(batch.bodyMode()).isEqualTo(BodyMode.mergeOn("events"));
    assertThat(batch.amplitude()).isTrue();
  }

  @Test
  void unknownKeysAreWarnedAboutNotFatal() {
    create("{\"endpoint\":\"http://h/\",\"retries\":3}", "{\"bogus\":1}");
    assertThat(warnings).containsExactlyInAnyOrder(
        "connector test: http.retries: unknown key ignored (known: backoff_max, backoff_min, endpoint, headers,"
            + " http_connect_timeout, http_request_timeout, method, user-agent, user_agent)",
        "connector test: analytics.delivery.bogus: unknown key ignored (known: adaptive_concurrency, amplitude, gzip,"
            + " linger, max_attempts, max_batch_bytes, max_batch_records, max_concurrent_requests, max_in_flight,"
            + " merge_field, mode, payload_too_large_timeout)");
  }

  @Test
  void wrongValuesNameTheKeyPath() {
    assertThatThrownBy(() -> create("{}", null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("connector test: http.endpoint: required");
    assertThatThrownBy(() -> create("{\"endpoint\":\"ftp://h/\"}", null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("connector test: http.endpoint: ");
    assertThatThrownBy(() -> create("{\"endpoint\":\"http://h/\",\"http_request_timeout\":\"fast\"}", null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("connector test: http.http_request_timeout: ");
    assertThatThrownBy(() -> create("{\"endpoint\":\"http://h/\",\"http_connect_timeout\":5}", null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("connector test: http.http_connect_timeout: ");
    assertThatThrownBy(() -> create("{\"endpoint\":\"http://h/\",\"headers\":\"Content-Type: x\"}", null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("connector test: http.headers: ");
    assertThatThrownBy(() -> create("{\"endpoint\":\"http://h/\",\"backoff_min\":\"10s\",\"backoff_max\":\"1s\"}", null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("connector test: http.backoff_max: ");
    assertThatThrownBy(() -> create("{\"endpoint\":\"http://h/\"}", "{\"mode\":\"stream\"}"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("connector test: analytics.delivery.mode: ");
    assertThatThrownBy(() -> create("{\"endpoint\":\"http://h/\"}", "{\"max_batch_records\":0}"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("connector test: analytics.delivery.max_batch_records: ");
    assertThatThrownBy(() -> create("{\"endpoint\":\"http://h/\"}", "{\"linger\":\"2h\"}"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("connector test: analytics.delivery.linger: ");
  }

  @Test
  void aMalformedHeaderNeverPrintsItsValue() {
    Secrets secrets = Secrets.resolve(List.of("TOKEN"), n -> Optional.of("s3cr3t-value"));
    assertThatThrownBy(() -> create("{\"endpoint\":\"http://h/\",\"headers\":[\"Bearer s3cr3t-value\"]}", null, secrets))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("connector test: http.headers[0]: ")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cr3t-value"));
    assertThatThrownBy(() -> create("{\"endpoint\":\"http://h/\",\"headers\":[\"Host: s3cr3t-value\"]}", null, secrets))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("connector test: http.headers[0]: ")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cr3t-value"));
  }

  @Test
  void declaredSecretsAreMasked() {
    Secrets secrets = Secrets.resolve(List.of("AMPLITUDE_API_TOKEN"), n -> Optional.of("amp-key-123456"));
    HttpSink sink = create("{\"endpoint\":\"https://api2.amplitude.com/2/httpapi\"}", null, secrets);
    assertThat(sink.redact("{\"api_key\":\"amp-key-123456\"}")).isEqualTo("{\"api_key\":\"****\"}");
  }

  @Test
  void payloadTooLargeTimeoutIsMapped() {
    HttpSink sink = create("{\"endpoint\":\"http://h/\"}", "{\"payload_too_large_timeout\":\"10m\"}");
    assertThat(sink.payloadTooLargeTimeout()).isEqualTo(Duration.ofMinutes(10));
    assertThat(create("{\"endpoint\":\"http://h/\"}", null).payloadTooLargeTimeout())
        .isEqualTo(HttpSink.DEFAULT_PAYLOAD_TOO_LARGE_TIMEOUT).isEqualTo(Duration.ofHours(1));
    assertThat(warnings).isEmpty();
    assertThatThrownBy(() -> create("{\"endpoint\":\"http://h/\"}", "{\"payload_too_large_timeout\":\"forever\"}"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("connector test: analytics.delivery.payload_too_large_timeout: ");
    assertThatThrownBy(() -> create("{\"endpoint\":\"http://h/\"}", "{\"payload_too_large_timeout\":\"200h\"}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("connector test: analytics.delivery.payload_too_large_timeout: ")
        .hasMessageContaining("payloadTooLargeTimeout out of range");
  }

  @Test
  void adaptiveConcurrencyIsMapped() {
    assertThat(create("{\"endpoint\":\"http://h/\"}", null).adaptiveConcurrency()).isTrue();
    HttpSink sink = create("{\"endpoint\":\"http://h/\"}",
        "{\"adaptive_concurrency\":false,\"max_concurrent_requests\":7}");
    assertThat(sink.adaptiveConcurrency()).isFalse();
    assertThat(sink.concurrencyLimit()).isEqualTo(7);
    assertThat(warnings).isEmpty();
  }
}
