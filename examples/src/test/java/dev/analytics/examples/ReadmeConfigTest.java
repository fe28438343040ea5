package dev.analytics.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.analytics.Analytics;
import dev.analytics.connector.ConnectorConfig;
import dev.analytics.connector.ConnectorLoader;
import dev.analytics.spi.SecretProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's connector file example, which documents every key, loads as written, without warnings. */
class ReadmeConfigTest {
  @TempDir Path work;

  @Test
  void everyDocumentedKeyIsKnownAndValid() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    int section = readme.indexOf("### Connector file (YAML)");
    assertThat(section).isNotNegative();
    int start = readme.indexOf("```yaml\n", section) + "```yaml\n".length();
    String yaml = readme.substring(start, readme.indexOf("```", start));

    List<String> warnings = new ArrayList<>();
    ConnectorLoader loader = ConnectorLoader.fromYaml(yaml)
        .secrets(SecretProvider.of(Map.of("AMPLITUDE_API_TOKEN", "readme-key")))
        .baseDirectory(work)
        .warnings(warnings::add);
    ConnectorConfig config = loader.load();
    assertThat(config.directory()).isEqualTo(work.resolve("service-events"));

    // Building also hands the http: and delivery: keys to the sink provider, which validates them.
    try (Analytics analytics = loader.build()) {
      assertThat(analytics.directory()).isEqualTo(work.resolve("service-events"));
    }
    assertThat(warnings).isEmpty();
  }
}
