package dev.analytics.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.analytics.Analytics;
import dev.analytics.spi.Record;
import dev.analytics.spi.SecretProvider;
import dev.analytics.testing.RecordingSink;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One call from the unchanged seed file to a running {@link Analytics}, through the real engine. */
class ConnectorLoaderEndToEndTest {
  private final List<String> warnings = Fixtures.newWarnings();

  @BeforeEach
  @AfterEach
  void reset() {
    TestProviders.reset();
  }

  private ConnectorLoader seed(Path base) {
    return ConnectorLoader.fromFile(Fixtures.seed())
        .environment(Fixtures.env(Map.of()))
        .secrets(SecretProvider.of(Map.of("AMPLITUDE_API_TOKEN", Fixtures.TOKEN)))
        .classLoader(TestProviders.classLoader())
        .baseDirectory(base)
        .endpoint("http://127.0.0.1:9/2/httpapi")
        .warnings(warnings::add);
  }

  @Test
  void failureAfterTheSinkIsCreatedClosesIt(@TempDir Path tmp) {
    assertThatThrownBy(() -> seed(tmp).customize(b -> {
      throw new IllegalStateException("boom");
    }).build()).hasMessage("boom");
    assertThat(TestProviders.SINKS).singleElement().satisfies(sink -> assertThat(sink.isClosed()).isTrue());
  }

  @Test
  void seedFileBuildsAnAnalyticsThatDeliversTheShapedEvent(@TempDir Path tmp) throws Exception {
    try (Analytics analytics = seed(tmp).build()) {
      assertThat(analytics.directory()).isEqualTo(tmp.resolve("service-events"));
      String id = analytics.emit("{\"event_type\":\"Signed Up\",\"user_id\":\"user@example.com\"}");
      assertThat(analytics.flush(Duration.ofSeconds(10))).isTrue();

      RecordingSink sink = TestProviders.SINKS.get(0);
      assertThat(sink.sent()).hasSize(1);
      Record record = sink.sent().get(0);
      assertThat(record.id()).isEqualTo(id);
      assertThat(record.value().toString()).isEqualTo(
          "{\"events\":[{\"event_type\":\"Signed Up\",\"user_id\":\"user@example.com\"}],\"api_key\":\""
              + Fixtures.TOKEN + "\"}");
    }
    assertThat(warnings).isEmpty();
  }

  @Test
  void twoConnectorsInOneServiceUseTheirTopicsDirectories(@TempDir Path tmp) {
    String other = Fixtures.seedText().replace("service-events", "billing-events")
        .replace("amplitude-connector ", "billing-connector");
    try (Analytics first = seed(tmp).build();
        Analytics second = ConnectorLoader.fromYaml(other)
            .environment(Fixtures.env(Map.of()))
            .secrets(SecretProvider.of(Map.of("AMPLITUDE_API_TOKEN", Fixtures.TOKEN)))
            .classLoader(TestProviders.classLoader())
            .baseDirectory(tmp)
            .build()) {
      assertThat(first.directory()).isEqualTo(tmp.resolve("service-events"));
      assertThat(second.directory()).isEqualTo(tmp.resolve("billing-events"));
      first.emit(Map.of("event_type", "a"));
      second.emit(Map.of("event_type", "b"));
      assertThat(first.flush(Duration.ofSeconds(10))).isTrue();
      assertThat(second.flush(Duration.ofSeconds(10))).isTrue();
      assertThat(TestProviders.SINKS).hasSize(2);
      assertThat(TestProviders.SINKS.get(0).sent()).singleElement()
          .satisfies(r -> assertThat(r.value().path("events").get(0).path("event_type").asText()).isEqualTo("a"));
      assertThat(TestProviders.SINKS.get(1).sent()).singleElement()
          .satisfies(r -> assertThat(r.value().path("events").get(0).path("event_type").asText()).isEqualTo("b"));
    }
  }

  @Test
  void secondInstanceOnTheSameTopicFailsAndClosesItsSink(@TempDir Path tmp) {
    try (Analytics first = seed(tmp).build()) {
      assertThatThrownBy(() -> seed(tmp).build()).isInstanceOf(IllegalStateException.class);
      assertThat(TestProviders.SINKS).hasSize(2);
      assertThat(TestProviders.SINKS.get(1).isClosed()).isTrue();
      assertThat(TestProviders.SINKS.get(0).isClosed()).isFalse();
    }
  }
}
