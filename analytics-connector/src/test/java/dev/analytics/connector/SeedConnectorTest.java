package dev.analytics.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.analytics.spi.SecretProvider;
import dev.analytics.spi.SinkSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The seed connector file, unchanged, parsed and handed to the providers. */
class SeedConnectorTest {
  private final List<String> warnings = Fixtures.newWarnings();

  @BeforeEach
  @AfterEach
  void reset() {
    TestProviders.reset();
    System.clearProperty(ConnectorLoader.ENDPOINT_PROPERTY);
  }

  private ConnectorLoader seedLoader() {
    return ConnectorLoader.fromFile(Fixtures.seed())
        .environment(Fixtures.env(Map.of()))
        .secrets(SecretProvider.of(Map.of("AMPLITUDE_API_TOKEN", Fixtures.TOKEN)))
        .classLoader(TestProviders.classLoader())
        .warnings(warnings::add);
  }

  @Test
  void testCopyIsByteForByteTheSharedSeed() throws Exception {
    assumeThat(Files.exists(Fixtures.SHARED_SEED)).as("shared fixtures present").isTrue();
    assertThat(Files.readAllBytes(Fixtures.seed())).isEqualTo(Files.readAllBytes(Fixtures.SHARED_SEED));
  }

  @Test
  void seedParsesToTheModel() {
    ConnectorConfig config = seedLoader().load();

    assertThat(config.apiVersion()).contains("0.1.0");
    assertThat(config.name()).isEqualTo("amplitude-connector"); // trailing space in the file
    assertThat(config.type()).isEqualTo("http-sink");
    assertThat(config.version()).contains("0.2.5");
    assertThat(config.topic()).isEqualTo("service-events");
    assertThat(config.secretNames()).containsExactly("AMPLITUDE_API_TOKEN");
    assertThat(config.sinkSectionName()).isEqualTo("http");
    assertThat(config.sinkSection().toString()).isEqualTo("{\"endpoint\":\"https://api2.amplitude.com/2/httpapi\"}");
    assertThat(config.endpointOverride()).isEmpty();
    assertThat(config.directory()).isEqualTo(Path.of("analytics-data", "service-events"));
    assertThat(config.settings().delivery().isEmpty()).isTrue();
    assertThat(config.warnings()).isEmpty();
    assertThat(warnings).isEmpty();
    assertThat(config.toString()).doesNotContain(Fixtures.TOKEN);
  }

  @Test
  void seedTransformStepKeepsAllThreeOperationsAndTheUnrenderedReference() throws Exception {
    ConnectorConfig config = seedLoader().load();

    assertThat(config.transforms()).hasSize(1);
    TransformStep step = config.transforms().get(0);
    assertThat(step.uses()).isEqualTo("infinyon/jolt@0.3.0");
    assertThat(step.line()).isEqualTo(13); // "  - uses: infinyon/jolt@0.3.0"
    JsonNode expected = new ObjectMapper().readTree("{\"spec\":["
        + "{\"operation\":\"remove\",\"spec\":{\"timestamp\":\"\"}},"
        + "{\"operation\":\"shift\",\"spec\":{\"event\":\"events[0]\"}},"
        + "{\"operation\":\"default\",\"spec\":{\"api_key\":\"${{ secrets.AMPLITUDE_API_TOKEN }}\"}}]}");
    assertThat(step.with()).isEqualTo(expected);
  }

  @Test
  void configureHandsTheProvidersTheSectionsAndSecrets() throws Exception {
    seedLoader().endpoint("http://127.0.0.1:9/2/httpapi").configure();

    assertThat(TestProviders.SINK_SETTINGS).hasSize(1);
    SinkSettings settings = TestProviders.SINK_SETTINGS.get(0);
    assertThat(settings.connectorName()).isEqualTo("amplitude-connector");
    assertThat(settings.connectorVersion()).contains("0.2.5");
    // The section as the file declares it; the override travels beside it, for the sink to apply.
    assertThat(settings.section().node().toString()).isEqualTo("{\"endpoint\":\"https://api2.amplitude.com/2/httpapi\"}");
    assertThat(settings.section().path()).isEqualTo("http");
    assertThat(settings.endpointOverride()).contains("http://127.0.0.1:9/2/httpapi");
    assertThat(settings.delivery().keys()).isEmpty();
    assertThat(settings.delivery().path()).isEqualTo("analytics.delivery");
    assertThat(settings.secrets().names()).containsExactly("AMPLITUDE_API_TOKEN");

    assertThat(TestProviders.TRANSFORM_CALLS).hasSize(1);
    TestProviders.TransformCall call = TestProviders.TRANSFORM_CALLS.get(0);
    assertThat(call.uses).isEqualTo("infinyon/jolt@0.3.0");
    assertThat(call.with.path("spec")).hasSize(3);
    assertThat(call.with.path("spec").path(2).path("spec").path("api_key").asText())
        .isEqualTo("${{ secrets.AMPLITUDE_API_TOKEN }}");
    assertThat(call.secrets.render("${{ secrets.AMPLITUDE_API_TOKEN }}")).isEqualTo(Fixtures.TOKEN);
  }

  @Test
  void sharedSeedLoadsTheSameAsTheCopy() {
    assumeThat(Files.exists(Fixtures.SHARED_SEED)).as("shared fixtures present").isTrue();
    ConnectorConfig shared = ConnectorLoader.fromFile(Fixtures.SHARED_SEED)
        .environment(Fixtures.env(Map.of()))
        .secrets(SecretProvider.of(Map.of("AMPLITUDE_API_TOKEN", Fixtures.TOKEN)))
        .warnings(warnings::add)
        .load();
    ConnectorConfig copy = seedLoader().load();
    assertThat(shared.name()).isEqualTo(copy.name());
    assertThat(shared.topic()).isEqualTo(copy.topic());
    assertThat(shared.sinkSection()).isEqualTo(copy.sinkSection());
    assertThat(shared.transforms().get(0).with()).isEqualTo(copy.transforms().get(0).with());
    assertThat(shared.source()).isEqualTo(Fixtures.SHARED_SEED.toString());
    assertThat(warnings).isEmpty();
  }

  @Test
  void endpointOverrideFromCodeBeatsPropertyBeatsEnvironmentBeatsFile() {
    String file = "https://api2.amplitude.com/2/httpapi";
    ConnectorLoader none = seedLoader();
    assertThat(none.load().sinkSection().path("endpoint").asText()).isEqualTo(file);

    ConnectorLoader env = seedLoader()
        .environment(Fixtures.env(Map.of(ConnectorLoader.ENDPOINT_VARIABLE, "http://127.0.0.1:1/env")));
    // The section stays as the file declares it; the override travels beside it, for the sink to apply.
    assertThat(env.load().sinkSection().path("endpoint").asText()).isEqualTo(file);
    assertThat(env.load().endpointOverride()).contains("http://127.0.0.1:1/env");
    assertThat(none.load().endpointOverride()).isEmpty();

    System.setProperty(ConnectorLoader.ENDPOINT_PROPERTY, "http://127.0.0.1:2/property");
    assertThat(env.load().endpointOverride()).contains("http://127.0.0.1:2/property");

    env.endpoint("http://127.0.0.1:3/code");
    assertThat(env.load().endpointOverride()).contains("http://127.0.0.1:3/code");

    System.clearProperty(ConnectorLoader.ENDPOINT_PROPERTY);
    assertThat(seedLoader().load().endpointOverride()).isEmpty();
  }

  @Test
  void baseDirectoryFromCodeBeatsTheFileBeatsTheDefault(@TempDir Path tmp) {
    String withDirectory = Fixtures.seedText() + "analytics:\n  directory: " + tmp.resolve("from-file") + "\n";
    ConnectorLoader loader = ConnectorLoader.fromYaml(withDirectory)
        .environment(Fixtures.env(Map.of()))
        .secrets(SecretProvider.of(Map.of("AMPLITUDE_API_TOKEN", Fixtures.TOKEN)))
        .warnings(warnings::add);
    assertThat(loader.load().directory()).isEqualTo(tmp.resolve("from-file").resolve("service-events"));

    loader.baseDirectory(tmp.resolve("from-code"));
    assertThat(loader.load().directory()).isEqualTo(tmp.resolve("from-code").resolve("service-events"));
    assertThat(warnings).isEmpty();
  }

  @Test
  void customizeRunsOnTheConfiguredBuilder() {
    List<Object> seen = new java.util.ArrayList<>();
    dev.analytics.Analytics.Builder builder = seedLoader().endpoint("http://127.0.0.1:9/x")
        .customize(seen::add)
        .configure();
    assertThat(seen).containsExactly(builder);
  }
}
