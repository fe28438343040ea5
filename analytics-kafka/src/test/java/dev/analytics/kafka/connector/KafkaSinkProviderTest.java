package dev.analytics.kafka.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.analytics.kafka.KafkaSink;
import dev.analytics.spi.ConfigSection;
import dev.analytics.spi.Secrets;
import dev.analytics.spi.Sink;
import dev.analytics.spi.SinkProvider;
import dev.analytics.spi.SinkSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class KafkaSinkProviderTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final List<String> warnings = new ArrayList<>();

  @Test
  void isFoundByTypeKafkaSink() {
    assertThat(ServiceLoader.load(SinkProvider.class)).extracting(SinkProvider::type).contains("kafka-sink");
  }

  @Test
  void buildsAKafkaSinkFromTheKafkaSection() {
    Sink sink = create("{\"bootstrap_servers\":\"127.0.0.1:1\",\"topic\":\"service-events\",\"key\":\"record_id\","
        + "\"max_block\":\"250ms\",\"producer\":{\"compression.type\":\"lz4\"},\"colour\":\"blue\"}",
        "{\"max_batch_records\":100,\"max_in_flight\":2}");
    try {
      assertThat(sink).isInstanceOf(KafkaSink.class);
      assertThat(((KafkaSink) sink).topic()).isEqualTo("service-events");
      assertThat(sink.maxBatchRecords()).isEqualTo(100);
      assertThat(sink.maxInFlight()).isEqualTo(2);
      assertThat(warnings).singleElement().asString().contains("kafka.colour").contains("unknown key");
    } finally {
      sink.close();
    }
  }

  @Test
  void errorsNameTheKeyPath() {
    assertThatThrownBy(() -> create("{\"topic\":\"t\"}", "{}"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("kafka.bootstrap_servers")
        .hasMessageStartingWith("connector test.yaml");
    assertThatThrownBy(() -> create("{\"bootstrap_servers\":\"h:1\"}", "{}"))
        .hasMessageContaining("kafka.topic");
    assertThatThrownBy(() -> create("{\"bootstrap_servers\":\"h:1\",\"topic\":\"t\",\"key\":\"user.id\"}", "{}"))
        .hasMessageContaining("kafka.key").hasMessageContaining("expected user, record_id or a JSON pointer");
    assertThatThrownBy(() -> create("{\"bootstrap_servers\":\"h:1\",\"topic\":\"t\",\"producer\":{\"acks\":\"1\"}}", "{}"))
        .hasMessageContaining("kafka.producer.acks");
    assertThatThrownBy(() -> create("{\"bootstrap_servers\":\"h:1\",\"topic\":\"t\"}", "{\"max_in_flight\":\"many\"}"))
        .hasMessageContaining("analytics.delivery.max_in_flight");
  }

  @Test
  void aProducerCredentialNeverAppearsInAnError() {
    assertThatThrownBy(() -> create("{\"bootstrap_servers\":\"h:1\",\"topic\":\"t\",\"producer\":{\"sasl.jaas.config\":{\"x\":\"hunter2\"}}}", "{}"))
        .hasMessageContaining("kafka.producer.sasl.jaas.config").hasMessageContaining("expected a single value")
        .message().doesNotContain("hunter2");
  }

  private Sink create(String kafka, String delivery) {
    try {
      ConfigSection.Origin origin = new ConfigSection.Origin() {
        @Override
        public String source() {
          return "connector test.yaml";
        }

        @Override
        public void warn(String message) {
          warnings.add(message);
        }
      };
      return new KafkaSinkProvider().create(SinkSettings.builder().connectorName("svc")
          .section(ConfigSection.of(MAPPER.readTree(kafka), "kafka", origin))
          .delivery(ConfigSection.of(MAPPER.readTree(delivery), "analytics.delivery", origin))
          .secrets(Secrets.none()).build());
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }
}
