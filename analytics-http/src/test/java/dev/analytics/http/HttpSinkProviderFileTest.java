package dev.analytics.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.analytics.Analytics;
import dev.analytics.connector.ConnectorLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code http-sink} provider behind the real connector loader: its keys' errors and warnings name
 * the key path and the line of the file, and quote values as the file writes them.
 */
class HttpSinkProviderFileTest {
  private static final String HEAD = "apiVersion: 0.1.0\n"   // 1
      + "meta:\n"                                            // 2
      + "  name: c\n"                                        // 3
      + "  type: http-sink\n"                                // 4
      + "  topic: t\n"                                       // 5
      + "http:\n"                                            // 6
      + "  endpoint: http://127.0.0.1:9/in\n";               // 7
  @TempDir Path dir;
  final List<String> warnings = new CopyOnWriteArrayList<>();

  private Analytics.Builder configure(String rest) {
    return ConnectorLoader.fromYaml(HEAD + rest).baseDirectory(dir).warnings(warnings::add).configure();
  }

  private void fails(String rest, String... parts) {
    assertThatThrownBy(() -> configure(rest)).isInstanceOf(IllegalArgumentException.class)
        .satisfies(e -> {
          for (String part : parts) assertThat(e.getMessage()).contains(part);
        });
  }

  @Test
  void deliveryValuesNameTheKeyPathAndLine() {
    String d = "analytics:\n  delivery:\n"; // lines 8, 9; the key under test is on line 10
    fails(d + "    mode: [batch]\n", "connector <yaml>: analytics.delivery.mode (line 10)", "expected one of");
    fails(d + "    mode: stream\n", "analytics.delivery.mode (line 10)", "expected one of [", "\"stream\"");
    fails(d + "    max_batch_bytes: 3GiB\n", "analytics.delivery.max_batch_bytes (line 10)", "out of range", "3GiB");
    fails(d + "    max_in_flight: 0\n", "analytics.delivery.max_in_flight (line 10)", "out of range [1, 1024]", "0");
    fails(d + "    max_batch_records: ten\n", "analytics.delivery.max_batch_records (line 10)", "expected an integer");
    fails(d + "    linger: 2h\n", "analytics.delivery.linger (line 10)", "linger out of range [0s, 1m]: 2h");
    fails(d + "    gzip: maybe\n", "analytics.delivery.gzip (line 10)", "expected true or false");
  }

  @Test
  void httpValuesNameTheKeyPathAndLineWithDurationsAsWritten() {
    fails("  http_request_timeout: fast\n", "connector <yaml>: http.http_request_timeout (line 8)", "invalid duration \"fast\"");
    fails("  backoff_min: 10s\n  backoff_max: 1s\n", "http.backoff_max (line 9)", "backoffMax < backoffMin: 1s < 10s");
    fails("  http_request_timeout: 11m\n", "http.http_request_timeout (line 8)", "requestTimeout out of range [1ms, 10m]: 11m");
    fails("  headers: \"X-Team: growth\"\n", "http.headers (line 8)", "expected a list");
    fails("  headers:\n    - no colon here\n", "http.headers[0] (line 9)", "expected \"Name: Value\"");
  }

  @Test
  void unknownKeysAreWarnedWithTheKnownOnes() {
    configure("  retries: 3\nanalytics:\n  delivery:\n    bogus: 1\n");
    assertThat(warnings).containsExactly(
        "connector <yaml>: http.retries (line 8): unknown key ignored (known: backoff_max, backoff_min, endpoint,"
            + " headers, http_connect_timeout, http_request_timeout, method, user-agent, user_agent)",
        "connector <yaml>: analytics.delivery.bogus (line 11): unknown key ignored (known: adaptive_concurrency,"
            + " amplitude, gzip, linger, max_attempts, max_batch_bytes, max_batch_records, max_concurrent_requests, max_in_flight,"
            + " merge_field, mode, payload_too_large_timeout)");
  }

  @Test
  void deliveryModesAreCaseAndSeparatorInsensitive() {
    configure("analytics:\n  delivery:\n    mode: PER_RECORD\n");
    configure("analytics:\n  delivery:\n    mode: Json-Array\n");
    assertThat(warnings).isEmpty();
  }
}
