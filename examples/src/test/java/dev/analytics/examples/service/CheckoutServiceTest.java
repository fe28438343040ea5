package dev.analytics.examples.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.analytics.Analytics;
import dev.analytics.connector.ConnectorLoader;
import dev.analytics.spi.SecretProvider;
import dev.analytics.testing.AmplitudeReceiver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckoutServiceTest {
  private static final String KEY = "checkout-key-123";
  @TempDir Path work;

  @Test
  void ordersBecomeEventsDeliveredByCloseEvenWhenTheEndpointStartsLate() throws Exception {
    AmplitudeReceiver receiver = AmplitudeReceiver.create(KEY, AmplitudeReceiver.freePort());
    Analytics analytics = ConnectorLoader.fromFile(Path.of("src/main/resources/dev/analytics/examples/amplitude-connector.yaml"))
        .secrets(SecretProvider.of(Map.of("AMPLITUDE_API_TOKEN", KEY)))
        .endpoint(receiver.endpoint().toString())
        .baseDirectory(work)
        // Generous, so a slow CI machine still delivers within close(); the default is 5 s.
        .customize(builder -> builder.closeTimeout(Duration.ofSeconds(30)))
        .build();
    HttpClient client = HttpClient.newHttpClient();
    try (CheckoutService service = CheckoutService.start(analytics, 0)) {
      URI checkout = URI.create("http://127.0.0.1:" + service.port() + "/checkout");
      for (int i = 1; i <= 3; i++) {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(checkout)
            .POST(HttpRequest.BodyPublishers.ofString(
                "{\"user_id\":\"buyer-" + i + "@example.com\",\"order_id\":\"o-" + i + "\",\"total\":" + (10 * i) + ".5}"))
            .build(), HttpResponse.BodyHandlers.ofString());
        // The order succeeds although the analytics endpoint is not up.
        assertThat(response.statusCode()).isEqualTo(202);
      }
      HttpResponse<String> bad = client.send(HttpRequest.newBuilder(checkout)
          .POST(HttpRequest.BodyPublishers.ofString("{\"user_id\":\"x\"}")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(bad.statusCode()).isEqualTo(400);
      receiver.start();
    } // close(): stops the server, then Analytics delivers within its close timeout

    try {
      List<JsonNode> events = receiver.events();
      assertThat(events).extracting(e -> e.at("/event_properties/order_id").asText())
          .containsExactlyInAnyOrder("o-1", "o-2", "o-3");
      assertThat(events).allSatisfy(e -> assertThat(e.get("event_type").asText()).isEqualTo("Order Placed"));
      assertThat(events.stream().map(e -> e.get("user_id").asText()).collect(Collectors.toSet()))
          .containsExactlyInAnyOrder("buyer-1@example.com", "buyer-2@example.com", "buyer-3@example.com");
    } finally {
      receiver.close();
    }
  }
}
