package dev.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.analytics.spi.SecretProvider;
import dev.analytics.spi.Secrets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Declared secrets are resolved at once: a missing or empty value fails naming the secret, never a value. */
class SecretsResolveTest {
  @Test
  void aMissingValueFailsNamingTheSecret() {
    assertThatThrownBy(() -> Secrets.resolve(List.of("API_KEY"), SecretProvider.of(Map.of())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("secret API_KEY is declared but has no value");
  }

  @Test
  void anEmptyValueIsRefusedLikeAMissingOne() {
    assertThatThrownBy(() -> Secrets.resolve(List.of("API_KEY"), SecretProvider.of(Map.of("API_KEY", ""))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("secret API_KEY is declared but its value is empty");
  }

  @Test
  void aValueIsRenderedAndMasked() {
    Secrets secrets = Secrets.resolve(List.of("API_KEY"), SecretProvider.of(Map.of("API_KEY", "k-123456")));
    assertThat(secrets.render("key=${{ secrets.API_KEY }}")).isEqualTo("key=k-123456");
    assertThat(secrets.redact("sent k-123456")).isEqualTo("sent ****");
  }
}
