package dev.analytics.kafka.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.analytics.Secrets;
import dev.analytics.Sink;
import dev.analytics.kafka.KafkaSink;
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
        "{\"max_batch_records\":100,\"max_in_flight\":\"2\"}");
    try {
      assertThat(sink).isInstanceOf(KafkaSink.class);
      assertThat(((KafkaSink) sink).topic()).isEqualTo("service-events");
      assertThat(sink.maxBatchRecords()).isEqualTo(100);
      assertThat(sink.maxInFlight()).isEqualTo(2);
      assertThat(warnings).singleElement().asString().contains("kafka.colour");
    } finally {
      sink.close();
    }
  }

  @Test
  void errorsNameTheKeyPath() {
    assertThatThrownBy(() -> create("{\"topic\":\"t\"}", "{}"))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("kafka.bootstrap_servers: required");
    assertThatThrownBy(() -> create("{\"bootstrap_servers\":\"h:1\"}", "{}"))
        .hasMessage("kafka.topic: required");
    assertThatThrownBy(() -> create("{\"bootstrap_servers\":\"h:1\",\"topic\":\"t\",\"key\":\"user.id\"}", "{}"))
        .hasMessageStartingWith("kafka.key: expected user, record_id or a JSON pointer");
    assertThatThrownBy(() -> create("{\"bootstrap_servers\":\"h:1\",\"topic\":\"t\",\"producer\":{\"acks\":\"1\"}}", "{}"))
        .hasMessageStartingWith("kafka.producer.acks: ");
    assertThatThrownBy(() -> create("{\"bootstrap_servers\":\"h:1\",\"topic\":\"t\"}", "{\"max_in_flight\":\"many\"}"))
        .hasMessageStartingWith("delivery.max_in_flight: expected a whole number");
  }

  @Test
  void aProducerCredentialNeverAppearsInAnError() {
    assertThatThrownBy(() -> create("{\"bootstrap_servers\":\"h:1\",\"topic\":\"t\",\"producer\":{\"sasl.jaas.config\":{\"x\":\"hunter2\"}}}", "{}"))
        .hasMessage("kafka.producer.sasl.jaas.config: expected a single value")
        .message().doesNotContain("hunter2");
  }

  private Sink create(String kafka, String delivery) {
    try {
      JsonNode section = MAPPER.readTree(kafka);
      return new KafkaSinkProvider().create(new SinkSettings("svc", null, section, MAPPER.readTree(delivery),
          Secrets.none(), warnings::add));
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }
}
