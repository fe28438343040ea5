package dev.analytics.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.analytics.spi.SecretProvider;
import dev.analytics.testing.AmplitudeReceiver;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuickStartTest {
  @TempDir Path directory;

  @Test
  void deliversTheEventBeforeCloseReturns() throws Exception {
    try (AmplitudeReceiver receiver = AmplitudeReceiver.create("quick-start-key").start()) {
      QuickStart.send(receiver.endpoint(), SecretProvider.of(Map.of("AMPLITUDE_API_TOKEN", "quick-start-key")),
          directory);

      assertThat(receiver.requests()).singleElement().satisfies(r -> assertThat(r.status()).isEqualTo(200));
      assertThat(receiver.events()).singleElement().satisfies(event -> {
        assertThat(event.get("event_type").asText()).isEqualTo("Signed Up");
        assertThat(event.get("user_id").asText()).isEqualTo("user@example.com");
      });
    }
  }
}
