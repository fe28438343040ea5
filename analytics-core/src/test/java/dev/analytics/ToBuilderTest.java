package dev.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.analytics.spi.ConfigSection;
import dev.analytics.spi.SinkSettings;
import dev.analytics.testing.RecordingSink;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code toBuilder()} on the core's built objects: the same settings, to change some of them. */
class ToBuilderTest {
  @TempDir Path dir;

  @Test
  void anInstanceRebuiltFromItsBuilderKeepsItsSinksAndSettings() {
    RecordingSink sink = new RecordingSink();
    Analytics first = Analytics.builder().directory(dir.resolve("a")).durability(Durability.SYNC)
        .sink("recorded", sink).build();
    Analytics.Builder again = first.toBuilder();
    first.close();

    try (Analytics second = again.directory(dir.resolve("b")).build()) {
      String id = second.emit(Map.of("event_type", "rebuilt"));
      assertThat(second.flush(Duration.ofSeconds(30))).isTrue();
      assertThat(sink.deliveredIds()).contains(id);
      assertThat(second.directory()).isEqualTo(dir.resolve("b"));
    }
    // Same settings: SYNC and the sink. Reopening the first directory works once it is closed.
    try (Analytics reopened = first.toBuilder().build()) {
      assertThat(reopened.directory()).isEqualTo(dir.resolve("a"));
    }
  }

  @Test
  void sinkSettingsRebuiltFromTheirBuilderAreEqualInEveryPart() {
    ConfigSection.Origin origin = new ConfigSection.Origin() {
      @Override
      public String source() {
        return "test";
      }

      @Override
      public void warn(String message) {}
    };
    ConfigSection section = ConfigSection.of(
        JsonNodeFactory.instance.objectNode().put("endpoint", "http://127.0.0.1:1/x"), "http", origin);
    SinkSettings settings = SinkSettings.builder().connectorName("c").connectorVersion("1.0").section(section)
        .endpointOverride("http://127.0.0.1:2/y").extension(CharSequence.class, "handed over").build();
    SinkSettings copy = settings.toBuilder().connectorName("d").build();
    assertThat(copy.extension(CharSequence.class)).contains("handed over");
    assertThat(copy.extension(Runnable.class)).isEmpty();
    assertThat(copy.connectorName()).isEqualTo("d");
    assertThat(copy.connectorVersion()).contains("1.0");
    assertThat(copy.section()).isSameAs(section);
    assertThat(copy.delivery()).isSameAs(settings.delivery());
    assertThat(copy.endpointOverride()).contains("http://127.0.0.1:2/y");
    assertThat(copy.secrets()).isSameAs(settings.secrets());
  }
}
