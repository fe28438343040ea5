package dev.analytics.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.analytics.spi.SecretProvider;
import dev.analytics.spi.SinkSettings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** apiVersion 0.1.0, 0.2.0, the legacy format without it, and the rest. */
class ApiVersionTest {
  private final List<String> warnings = Fixtures.newWarnings();

  @BeforeEach
  @AfterEach
  void reset() {
    TestProviders.reset();
  }

  /** The seed in the 0.2.0 layout: the topic is an object. */
  static final String V2 = "apiVersion: 0.2.0\n"
      + "meta:\n"
      + "  version: 0.2.5\n"
      + "  name: amplitude-connector\n"
      + "  type: http-sink\n"
      + "  topic:\n"
      + "    meta:\n"
      + "      name: service-events\n"
      + "    partition:\n"
      + "      count: 3\n"
      + "  secrets:\n"
      + "    - name: AMPLITUDE_API_TOKEN\n"
      + "http:\n"
      + "  endpoint: \"https://api2.amplitude.com/2/httpapi\"\n"
      + "  headers:\n"
      + "    - \"X-Token: ${{ secrets.AMPLITUDE_API_TOKEN }}\"\n"
      + "transforms:\n"
      + "  - uses: infinyon/jolt@0.3.0\n"
      + "    with:\n"
      + "      spec:\n"
      + "        - operation: default\n"
      + "          spec:\n"
      + "            api_key: \"${{ secrets.AMPLITUDE_API_TOKEN }}\"\n";

  @Test
  void version020ReadsTheTopicObjectAndRendersSecrets() {
    ConnectorConfig config = Fixtures.loader(V2, warnings)
        .secrets(SecretProvider.of(Map.of("AMPLITUDE_API_TOKEN", Fixtures.TOKEN)))
        .load();
    assertThat(config.apiVersion()).contains("0.2.0");
    assertThat(config.topic()).isEqualTo("service-events");
    assertThat(config.name()).isEqualTo("amplitude-connector");
    assertThat(config.secretNames()).containsExactly("AMPLITUDE_API_TOKEN");
    assertThat(config.sinkSection().path("headers").get(0).asText()).isEqualTo("X-Token: " + Fixtures.TOKEN);
    assertThat(config.transforms().get(0).with().path("spec").get(0).path("spec").path("api_key").asText())
        .isEqualTo("${{ secrets.AMPLITUDE_API_TOKEN }}");
    assertThat(config.warnings()).isEmpty();
  }

  @Test
  void version020ConfiguresTheProviders() {
    Fixtures.loader(V2, warnings)
        .secrets(SecretProvider.of(Map.of("AMPLITUDE_API_TOKEN", Fixtures.TOKEN)))
        .configure();
    SinkSettings settings = TestProviders.SINK_SETTINGS.get(0);
    assertThat(settings.connectorName()).isEqualTo("amplitude-connector");
    assertThat(settings.section().node().path("endpoint").asText()).isEqualTo("https://api2.amplitude.com/2/httpapi");
    assertThat(TestProviders.TRANSFORM_CALLS).hasSize(1);
  }

  @Test
  void version020UnknownTopicKeysWarn() {
    ConnectorConfig config = Fixtures.loader(V2.replace("    partition:\n", "    partitions:\n"), warnings)
        .secrets(SecretProvider.of(Map.of("AMPLITUDE_API_TOKEN", Fixtures.TOKEN)))
        .load();
    assertThat(config.warnings()).singleElement().asString().contains("meta.topic.partitions (line 9): unknown key");
  }

  @Test
  void version020WithAStringTopicFails() {
    String yaml = "apiVersion: 0.2.0\nmeta:\n  name: c\n  type: http-sink\n  topic: t\n";
    assertThatThrownBy(() -> Fixtures.loader(yaml, warnings).load())
        .hasMessageContaining("meta.topic (line 5): apiVersion 0.2.0 expects a mapping {meta: {name: ...}}");
  }

  @Test
  void version020WithoutTopicMetaNameFails() {
    String yaml = "apiVersion: 0.2.0\nmeta:\n  name: c\n  type: http-sink\n  topic:\n    partition: {count: 1}\n";
    assertThatThrownBy(() -> Fixtures.loader(yaml, warnings).load())
        .hasMessageContaining("meta.topic.meta: required");
    String noName = "apiVersion: 0.2.0\nmeta:\n  name: c\n  type: http-sink\n  topic:\n    meta: {}\n";
    assertThatThrownBy(() -> Fixtures.loader(noName, warnings).load())
        .hasMessageContaining("meta.topic.meta.name: required");
  }

  @Test
  void version010WithAnObjectTopicFails() {
    String yaml = "apiVersion: 0.1.0\nmeta:\n  name: c\n  type: http-sink\n  topic:\n    meta:\n      name: t\n";
    assertThatThrownBy(() -> Fixtures.loader(yaml, warnings).load())
        .hasMessageContaining("meta.topic (line 5): apiVersion 0.1.0 expects the topic name as a string")
        .hasMessageContaining("needs apiVersion: 0.2.0");
  }

  @Test
  void legacyFormatWithoutApiVersionLoads() {
    ConnectorConfig config = Fixtures.loader(
        "meta:\n  name: c\n  type: http-sink\n  topic: legacy-events\nhttp:\n  endpoint: http://x\n", warnings).load();
    assertThat(config.apiVersion()).isEmpty();
    assertThat(config.topic()).isEqualTo("legacy-events");
    assertThat(config.secretNames()).isEmpty();
  }

  @Test
  void unsupportedVersionsFailOnLineOne() {
    for (String version : List.of("0.3.0", "1.0.0", "\"\"", "[0.1.0]")) {
      assertThatThrownBy(() -> Fixtures.loader("apiVersion: " + version + "\nmeta:\n  name: c\n", warnings).load())
          .as(version)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("apiVersion (line 1): unsupported")
          .hasMessageContaining("expected 0.1.0 or 0.2.0");
    }
  }

  @Test
  void quotedVersionIsAccepted() {
    ConnectorConfig config = Fixtures.loader(
        "apiVersion: \"0.2.0\"\nmeta:\n  name: c\n  type: http-sink\n  topic: {meta: {name: t}}\n", warnings).load();
    assertThat(config.apiVersion()).contains("0.2.0");
    assertThat(config.topic()).isEqualTo("t");
  }
}
