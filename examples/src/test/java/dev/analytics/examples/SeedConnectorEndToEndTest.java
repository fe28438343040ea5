package dev.analytics.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.analytics.Analytics;
import dev.analytics.connector.ConnectorLoader;
import dev.analytics.spi.SecretProvider;
import dev.analytics.testing.AmplitudeReceiver;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed connector file, unchanged, against a local Amplitude-compatible receiver: the bodies on the
 * wire are exactly what the seed's Jolt spec makes of the events.
 */
class SeedConnectorEndToEndTest {
  private static final String KEY = "e2e-amplitude-key-42";
  /** The example input event of shared/fixtures/README.md. */
  private static final String FIXTURE_EVENT = "{\"user_id\":\"user@example.com\",\"event_type\":\"ServiceAbcExampleEvent\","
      + "\"time\":1696629748241,\"app_version\":\"c738ca3\",\"event_id\":5,\"session_id\":9876645851321,"
      + "\"insert_id\":\"d768b1b3-5c53-4e3c-9d4c-3c6c2a5b0f11\"}";

  private final ObjectMapper mapper = new ObjectMapper();
  @TempDir Path work;
  private AmplitudeReceiver receiver;
  private Analytics analytics;

  @BeforeEach
  void setUp() throws Exception {
    receiver = AmplitudeReceiver.create(KEY).start();
    analytics = ConnectorLoader.fromFile(Demo.seedConfig(work))
        .secrets(SecretProvider.of(Map.of("AMPLITUDE_API_TOKEN", KEY)))
        .endpoint(receiver.endpoint().toString())
        .baseDirectory(work)
        .build();
  }

  @AfterEach
  void tearDown() {
    if (analytics != null) analytics.close();
    receiver.close();
  }

  @Test
  void shippedCopyIsByteIdenticalToTheSharedFixture() throws Exception {
    Path shared = Path.of("").toAbsolutePath().getParent().getParent()
        .resolve("shared/fixtures/amplitude-connector.yaml");
    assumeThat(Files.isRegularFile(shared)).as("shared/ beside the repository").isTrue();
    try (InputStream copy = Demo.class.getResourceAsStream(Demo.SEED_RESOURCE)) {
      assertThat(copy.readAllBytes()).isEqualTo(Files.readAllBytes(shared));
    }
    assertThat(Demo.seedConfig(work)).isEqualTo(shared);
  }

  @Test
  void withoutSharedBesideTheRepositoryTheShippedCopyIsUsed(@TempDir Path elsewhere) throws Exception {
    Path copy = Demo.seedConfig(work, elsewhere);
    assertThat(copy).isEqualTo(work.resolve(Demo.SEED_RESOURCE));
    try (InputStream resource = Demo.class.getResourceAsStream(Demo.SEED_RESOURCE)) {
      assertThat(Files.readAllBytes(copy)).isEqualTo(resource.readAllBytes());
    }
  }

  @Test
  void fixtureEventArrivesAsTheSeedSpecBody() throws Exception {
    analytics.emit(FIXTURE_EVENT);
    assertThat(analytics.flush(Duration.ofSeconds(20))).isTrue();

    assertThat(receiver.requests()).singleElement().satisfies(request -> {
      assertThat(request.status()).as(request.response()).isEqualTo(200);
      assertThat(request.method()).isEqualTo("POST");
      assertThat(request.path()).isEqualTo("/2/httpapi");
      // Fluvio's http-sink would send text/html; JSON bodies go out as JSON.
      assertThat(request.contentType()).startsWith("application/json");
      // The batching sink writes the merged events array after the other keys; the JSON is the same.
      assertThat(mapper.readTree(request.body()))
          .isEqualTo(mapper.readTree("{\"events\":[" + FIXTURE_EVENT + "],\"api_key\":\"" + KEY + "\"}"));
      // The event itself is byte for byte what the service emitted.
      assertThat(request.body()).contains("\"events\":[" + FIXTURE_EVENT + "]");
    });
  }

  @Test
  void perRecordModeSendsExactlyFluviosBody() throws Exception {
    analytics.close();
    // The seed file unchanged, plus the library's own section: one request per record, one at a time,
    // in log order, as Fluvio's http-sink does.
    Path config = work.resolve("per-record.yaml");
    Files.writeString(config, Files.readString(Demo.seedConfig(work))
        + "\nanalytics:\n  delivery:\n    mode: per-record\n    max_concurrent_requests: 1\n    max_in_flight: 1\n");
    analytics = ConnectorLoader.fromFile(config)
        .secrets(SecretProvider.of(Map.of("AMPLITUDE_API_TOKEN", KEY)))
        .endpoint(receiver.endpoint().toString())
        .baseDirectory(work.resolve("per-record"))
        .build();
    String second = FIXTURE_EVENT.replace("\"event_id\":5", "\"event_id\":6").replace("0f11", "0f12");
    analytics.emit(FIXTURE_EVENT);
    analytics.emit(second);
    assertThat(analytics.flush(Duration.ofSeconds(20))).isTrue();

    assertThat(receiver.requests()).extracting(AmplitudeReceiver.Received::body).containsExactly(
        "{\"events\":[" + FIXTURE_EVENT + "],\"api_key\":\"" + KEY + "\"}",
        "{\"events\":[" + second + "],\"api_key\":\"" + KEY + "\"}");
    assertThat(receiver.requests()).allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
  }

  @Test
  void eventsAreBatchedIntoBodiesOfTheSeedShape() throws Exception {
    List<JsonNode> emitted = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      String event = "{\"user_id\":\"user-" + (1000 + i % 3) + "@example.com\",\"event_type\":\"Step " + i
          + "\",\"time\":" + (1696629748241L + i) + ",\"insert_id\":\"e2e-" + i + "\"}";
      analytics.emit(event);
      emitted.add(mapper.readTree(event));
    }
    assertThat(analytics.flush(Duration.ofSeconds(20))).isTrue();

    List<JsonNode> onTheWire = new ArrayList<>();
    for (AmplitudeReceiver.Received request : receiver.requests()) {
      assertThat(request.status()).as(request.response()).isEqualTo(200);
      JsonNode body = mapper.readTree(request.body());
      List<String> fields = new ArrayList<>();
      body.fieldNames().forEachRemaining(fields::add);
      assertThat(fields).containsExactlyInAnyOrder("events", "api_key");
      assertThat(body.get("api_key").asText()).isEqualTo(KEY);
      // Within one body the events keep log order; bodies may be sent concurrently.
      List<Integer> positions = new ArrayList<>();
      body.get("events").forEach(e -> positions.add(emitted.indexOf(e)));
      assertThat(positions).doesNotContain(-1).isSorted();
      body.get("events").forEach(onTheWire::add);
    }
    assertThat(onTheWire).containsExactlyInAnyOrderElementsOf(emitted);
    assertThat(receiver.duplicatesSuppressed()).isZero();
  }

  @Test
  void eventsEmittedBeforeTheReceiverIsUpAreDeliveredWhenItComes() {
    receiver.stop();
    analytics.emit(FIXTURE_EVENT);
    assertThat(analytics.flush(Duration.ofMillis(300))).isFalse();
    assertThat(receiver.requests()).isEmpty();

    receiver.start();
    assertThat(analytics.flush(Duration.ofSeconds(30))).isTrue();
    assertThat(receiver.events()).hasSize(1);
    assertThat(receiver.events().get(0).toString()).isEqualTo(FIXTURE_EVENT);
  }
}
