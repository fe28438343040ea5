package dev.analytics.kafka.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.analytics.http.HttpSink;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/** The connector's configuration: the seed connector file unchanged, or the same as Connect properties. */
class PipelineTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String SECRET = "s3cr3t-amplitude-key";

  static Path seedFile() throws Exception {
    return Path.of(PipelineTest.class.getResource("/amplitude-connector.yaml").toURI());
  }

  @Test
  void theSeedConnectorFileRunsUnchanged() throws Exception {
    Map<String, String> props = new HashMap<>();
    props.put(ConnectSettings.CONNECTOR_FILE, seedFile().toString());
    props.put("analytics.secret.AMPLITUDE_API_TOKEN", SECRET);
    props.put(ConnectSettings.ENDPOINT, "http://127.0.0.1:9/2/httpapi");
    try (Pipeline pipeline = Pipeline.create(ConnectSettings.parse(props), getClass().getClassLoader())) {
      assertThat(pipeline.name).isEqualTo("amplitude-connector");
      assertThat(pipeline.sink).isInstanceOf(HttpSink.class);
      HttpSink http = (HttpSink) pipeline.sink;
      assertThat(http.endpoint().toString()).isEqualTo("http://127.0.0.1:9/2/httpapi");
      assertThat(http.amplitude()).as("the file names Amplitude: its rules stay with the override").isTrue();
      assertThat(pipeline.transform(envelope()))
          .isEqualTo(MAPPER.readTree("{\"events\":[{\"event_type\":\"click\",\"user_id\":\"alice\"}],\"api_key\":\"" + SECRET + "\"}"));
      assertThat(pipeline.redact("key " + SECRET)).doesNotContain(SECRET);
    }
  }

  @Test
  void connectPropertiesBuildTheSamePipelineAsTheFile() throws Exception {
    Map<String, String> props = new HashMap<>();
    props.put("name", "amplitude via properties");
    props.put("analytics.http.endpoint", "http://127.0.0.1:9/2/httpapi");
    props.put("analytics.http.headers", "[\"X-Team: growth\"]");
    props.put("analytics.delivery.max_batch_records", "50");
    props.put("analytics.secret.AMPLITUDE_API_TOKEN", SECRET);
    props.put(ConnectSettings.TRANSFORMS, "- uses: infinyon/jolt@0.3.0\n  with:\n    spec:\n"
        + "      - operation: remove\n        spec: {timestamp: \"\"}\n"
        + "      - operation: shift\n        spec: {event: \"events[0]\"}\n"
        + "      - operation: default\n        spec: {api_key: \"${{ secrets.AMPLITUDE_API_TOKEN }}\"}\n");
    try (Pipeline pipeline = Pipeline.create(ConnectSettings.parse(props), getClass().getClassLoader())) {
      HttpSink http = (HttpSink) pipeline.sink;
      assertThat(http.maxBatchRecords()).isEqualTo(50);
      assertThat(http.headers()).extracting(Map.Entry::getValue).contains("growth");
      assertThat(pipeline.transform(envelope()).get("api_key").asText()).isEqualTo(SECRET);
    }
  }

  @Test
  void withoutAFileOrSettingsTheErrorSaysWhatToSet() {
    assertThatThrownBy(() -> ConnectSettings.parse(Map.of("name", "x")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(ConnectSettings.CONNECTOR_FILE)
        .hasMessageContaining("analytics.http.endpoint");
    assertThatThrownBy(() -> ConnectSettings.parse(Map.of(ConnectSettings.CONNECTOR_FILE, "a.yaml", ConnectSettings.CONNECTOR_YAML, "x: 1")))
        .hasMessageContaining("not both");
    assertThatThrownBy(() -> ConnectSettings.parse(Map.of(ConnectSettings.CONNECTOR_FILE, "a.yaml", ConnectSettings.MAX_BUFFERED, "0")))
        .hasMessageContaining(ConnectSettings.MAX_BUFFERED);
  }

  @Test
  void fileProblemsNameThePropertyTheFileAndTheKeyWithoutSecretValues() throws Exception {
    Map<String, String> missing = Map.of(ConnectSettings.CONNECTOR_FILE, "/nonexistent/amplitude.yaml");
    assertThatThrownBy(() -> Pipeline.create(ConnectSettings.parse(missing), getClass().getClassLoader()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(ConnectSettings.CONNECTOR_FILE)
        .hasMessageContaining("/nonexistent/amplitude.yaml");

    Map<String, String> noSecret = Map.of(ConnectSettings.CONNECTOR_FILE, seedFile().toString());
    assertThatThrownBy(() -> Pipeline.create(ConnectSettings.parse(noSecret), getClass().getClassLoader()))
        .hasMessageContaining("AMPLITUDE_API_TOKEN");

    Map<String, String> badEndpoint = new HashMap<>();
    badEndpoint.put("analytics.http.endpoint", "ftp://${{ secrets.TOKEN }}@example.com/x");
    badEndpoint.put("analytics.secret.TOKEN", SECRET);
    assertThatThrownBy(() -> Pipeline.create(ConnectSettings.parse(badEndpoint), getClass().getClassLoader()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("http.endpoint")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(SECRET));
  }

  private static JsonNode envelope() throws Exception {
    return MAPPER.readTree("{\"id\":\"01a2\",\"timestamp\":\"2026-12-01T10:00:00Z\",\"event\":{\"event_type\":\"click\",\"user_id\":\"alice\"}}");
  }
}
