package dev.analytics.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.analytics.Analytics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.config.YamlPropertiesFactoryBean;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.io.ByteArrayResource;

/** The README's "Spring Boot" application.yml starts the starter and delivers, as written. */
class ReadmeSpringBootTest {
  @TempDir Path dir;
  private final LoopbackReceiver receiver = new LoopbackReceiver();

  @AfterEach
  void stopReceiver() {
    receiver.close();
  }

  @Test
  void theReadmeApplicationYmlWorksAsWritten() throws Exception {
    String yaml = readmeYaml();
    assertThat(yaml.lines().count()).as("a ten-line application.yml").isLessThanOrEqualTo(10);
    YamlPropertiesFactoryBean factory = new YamlPropertiesFactoryBean();
    factory.setResources(new ByteArrayResource(yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    Properties properties = factory.getObject();
    List<String> values = new ArrayList<>();
    properties.forEach((k, v) -> values.add(k + "=" + v));
    // Only what points the example at this machine is replaced: the directory, the endpoint, the secret.
    values.add("analytics.directory=" + dir);
    values.add("analytics.http.endpoint=" + receiver.endpoint());
    values.add("AMPLITUDE_API_TOKEN=readme-key");

    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(AnalyticsAutoConfiguration.class))
        .withPropertyValues(values.toArray(new String[0]))
        .run(context -> {
          assertThat(context).hasNotFailed();
          context.getBean(Analytics.class).emit(Map.of("event_type", "Readme", "user_id", "user-00009"));
          Waits.until("delivery", () -> !receiver.accepted().isEmpty());
          LoopbackReceiver.Request request = receiver.accepted().get(0);
          assertThat(request.headers).containsEntry("x-team", "growth");
          JsonNode body = new ObjectMapper().readTree(request.body);
          assertThat(body.path("api_key").asText()).isEqualTo("readme-key");
          assertThat(body.path("events").get(0).path("event_type").asText()).isEqualTo("Readme");
        });
  }

  private static String readmeYaml() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    int section = readme.indexOf("\n## Spring Boot\n");
    assertThat(section).as("README has a Spring Boot section").isPositive();
    int start = readme.indexOf("```yaml\n", section) + "```yaml\n".length();
    return readme.substring(start, readme.indexOf("```", start));
  }
}
