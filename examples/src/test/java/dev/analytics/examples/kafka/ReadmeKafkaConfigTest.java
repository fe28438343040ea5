package dev.analytics.examples.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.analytics.Analytics;
import dev.analytics.connector.ConnectorLoader;
import dev.analytics.spi.SecretProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's kafka-sink connector file, which documents every key of the kafka: section, loads and builds without warnings. */
class ReadmeKafkaConfigTest {
  @TempDir Path work;

  @Test
  void theDocumentedKafkaSectionIsKnownAndValid() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    int section = readme.indexOf("### 1. The service produces to Kafka");
    assertThat(section).isNotNegative();
    int start = readme.indexOf("```yaml\n", section) + "```yaml\n".length();
    String yaml = readme.substring(start, readme.indexOf("```", start));

    List<String> warnings = new ArrayList<>();
    ConnectorLoader loader = ConnectorLoader.fromYaml(yaml)
        .secrets(SecretProvider.of(Map.of("KAFKA_JAAS",
            "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"p\";")))
        .baseDirectory(work)
        .warnings(warnings::add);
    // Building creates the producer (it connects lazily, so no broker is needed here).
    try (Analytics analytics = loader.build()) {
      assertThat(analytics.directory()).isEqualTo(work.resolve("service-events"));
    }
    assertThat(warnings).isEmpty();
  }
}
