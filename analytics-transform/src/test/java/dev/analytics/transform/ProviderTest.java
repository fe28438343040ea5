package dev.analytics.transform;

import static dev.analytics.transform.Json.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.analytics.connector.ConnectorConfig;
import dev.analytics.connector.ConnectorLoader;
import dev.analytics.connector.TransformStep;
import dev.analytics.spi.SecretProvider;
import dev.analytics.spi.Secrets;
import dev.analytics.spi.Transform;
import dev.analytics.spi.TransformProvider;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The ServiceLoader registration, driven by the shared connector fixture as the config loader reads it. */
class ProviderTest {
  static final String TOKEN = "tok-9f2c31d7";
  static final String SEED_INPUT = FluvioDialectTest.SEED_INPUT;
  static final String EXPECTED_BODY =
      "{\"events\":[{\"user_id\":\"user@example.com\",\"event_type\":\"ServiceAbcExampleEvent\","
          + "\"time\":1696629748241,\"app_version\":\"c738ca3\",\"event_id\":5,\"session_id\":9876645851321,"
          + "\"insert_id\":\"d768b1b3-5c53-4e3c-9d4c-3c6c2a5b0f11\"}],\"api_key\":\"" + TOKEN + "\"}";

  static TransformProvider provider(String uses) {
    List<TransformProvider> found = ServiceLoader.load(TransformProvider.class).stream()
        .map(ServiceLoader.Provider::get)
        .filter(p -> p.supports(uses))
        .collect(Collectors.toList());
    assertThat(found).hasSize(1);
    return found.get(0);
  }

  /** A byte-for-byte copy of the shared seed connector file, in the test resources. */
  static Path fixture() throws Exception {
    return Path.of(ProviderTest.class.getResource("/amplitude-connector.yaml").toURI());
  }

  @Test
  void registeredForJoltAndInfinyonJolt() {
    assertThat(provider("jolt").supports("infinyon/jolt@0.3.0")).isTrue();
    TransformProvider p = provider("infinyon/jolt@0.4.2");
    assertThat(p.supports("infinyon/jolt@0.3.0")).isTrue();
    assertThat(p.supports("infinyon/jolt@0.5.0")).isTrue(); // claimed, so that create() can say why not
    assertThat(p.supports("infinyon/regex-filter@0.1.0")).isFalse();
    assertThatThrownBy(() -> p.create("infinyon/jolt@0.5.0", json("{'spec':[]}"), Secrets.none()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unsupported version \"0.5.0\" (supported: 0.3.x, 0.4.x)");
    assertThatThrownBy(() -> p.create("jolt", json("{}"), Secrets.none()))
        .hasMessage("jolt: with.spec is required (the chain of operations)");
  }

  @Test
  void theFixtureConnectorGivesTheExpectedBody() throws Exception {
    ConnectorConfig config = ConnectorLoader.fromFile(fixture())
        .secrets(SecretProvider.of(Map.of("AMPLITUDE_API_TOKEN", TOKEN)))
        .load();
    TransformStep step = config.transforms().get(0);
    Secrets secrets = Secrets.resolve(config.secretNames(), SecretProvider.of(Map.of("AMPLITUDE_API_TOKEN", TOKEN)));
    Transform transform = provider(step.uses()).create(step.uses(), step.with(), secrets);

    JsonNode out = transform.apply(json(SEED_INPUT));
    assertThat(out.toString()).isEqualTo(EXPECTED_BODY);
    assertThat(transform.describe()).isEqualTo("infinyon/jolt@0.3.0");
    assertThat(transform.redact(out.toString())).doesNotContain(TOKEN).contains("\"api_key\":\"****\"");
  }

  @Test
  void renderingAgainAfterTheLoaderRenderedIsANoOp() throws Exception {
    Secrets secrets = Secrets.resolve(List.of("AMPLITUDE_API_TOKEN"), SecretProvider.of(Map.of("AMPLITUDE_API_TOKEN", TOKEN)));
    String withTemplate = "{\"spec\":[{\"operation\":\"remove\",\"spec\":{\"timestamp\":\"\"}},"
        + "{\"operation\":\"shift\",\"spec\":{\"event\":\"events[0]\"}},"
        + "{\"operation\":\"default\",\"spec\":{\"api_key\":\"${{ secrets.AMPLITUDE_API_TOKEN }}\"}}]}";
    JsonNode preRendered = Json.PLAIN.readTree(secrets.render(withTemplate));
    Transform fromRendered = provider("infinyon/jolt@0.3.0").create("infinyon/jolt@0.3.0", preRendered, secrets);
    Transform fromTemplate = provider("infinyon/jolt@0.3.0")
        .create("infinyon/jolt@0.3.0", Json.PLAIN.readTree(withTemplate), secrets);
    assertThat(fromRendered.apply(json(SEED_INPUT)).toString()).isEqualTo(EXPECTED_BODY);
    assertThat(fromTemplate.apply(json(SEED_INPUT)).toString()).isEqualTo(EXPECTED_BODY);
    assertThat(fromRendered.redact("key=" + TOKEN)).isEqualTo("key=****");
  }
}
