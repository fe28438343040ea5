package dev.analytics.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.analytics.Analytics;
import dev.analytics.kafka.testing.KafkaBroker;
import dev.analytics.testing.Await;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * KafkaSink against a real broker in a child JVM that starts only after the service has begun emitting
 * (the start-up race): every emitted id arrives on the topic, once or more, with its envelope; a record
 * larger than the broker accepts is dead-lettered with the broker's reason. The one broker test of the
 * default suite (about 20 s); the Connect end-to-end tests run with {@code -Pkafka}.
 */
class KafkaSinkBrokerTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final int EVENTS_BEFORE_START = 500;
  private static final int EVENTS_WHILE_STARTING = 500;

  @TempDir Path dir;

  @Test
  void everyIdEmittedBeforeAndWhileTheBrokerStartsArrives() throws Exception {
    Set<String> emitted = new LinkedHashSet<>();
    try (KafkaBroker broker = KafkaBroker.create(dir.resolve("broker"), Map.of("message.max.bytes", "100000"))) {
      KafkaSink sink = KafkaSink.builder()
          .bootstrapServers(broker.bootstrapServers())
          .topic("service-events")
          .maxBlock(Duration.ofMillis(200))
          .build();
      try (Analytics analytics = Analytics.builder()
          .directory(dir.resolve("log"))
          .sink("kafka", sink)
          .retryBackoff(Duration.ofMillis(100), Duration.ofSeconds(1))
          .build()) {
        for (int i = 0; i < EVENTS_BEFORE_START; i++) emitted.add(analytics.emit(event(i)));
        assertThat(analytics.flush(Duration.ofMillis(500))).as("nothing can be delivered before the broker runs").isFalse();

        broker.start();
        for (int i = EVENTS_BEFORE_START; i < EVENTS_BEFORE_START + EVENTS_WHILE_STARTING; i++) {
          emitted.add(analytics.emit(event(i)));
        }
        String tooLarge = analytics.emit(Map.of("event_type", "upload", "user_id", "user-1", "blob", "x".repeat(150_000)));
        broker.awaitReady();
        assertThat(analytics.flush(Duration.ofSeconds(90))).as("flushed to the broker").isTrue();

        assertThat(analytics.deadLetters().list()).singleElement().satisfies(letter -> {
          assertThat(letter.id()).isEqualTo(tooLarge);
          assertThat(letter.reason()).contains("too large for kafka topic service-events");
        });
      }

      Map<String, Integer> arrivals = consumeIds(broker, emitted);
      assertThat(arrivals.keySet()).containsAll(emitted);
      int duplicates = arrivals.values().stream().mapToInt(n -> n - 1).sum();
      System.out.printf("KafkaSinkBrokerTest: %d emitted, %d distinct arrived, %d duplicates%n",
          emitted.size(), arrivals.size(), duplicates);
    }
  }

  private static Map<String, Integer> consumeIds(KafkaBroker broker, Set<String> expected) throws Exception {
    Properties p = new Properties();
    p.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    p.setProperty(ConsumerConfig.GROUP_ID_CONFIG, "verifier");
    p.setProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    Map<String, Integer> arrivals = new HashMap<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of("service-events"));
      Await.until(Duration.ofSeconds(60), () -> {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          String id = new String(r.headers().lastHeader(KafkaSink.ID_HEADER).value(), StandardCharsets.UTF_8);
          JsonNode envelope = read(r.value());
          assertThat(envelope.path("id").asText()).isEqualTo(id);
          assertThat(new String(r.key(), StandardCharsets.UTF_8))
              .isEqualTo(envelope.path("event").path("user_id").asText());
          arrivals.merge(id, 1, Integer::sum);
        }
        return arrivals.keySet().containsAll(expected);
      }, () -> (expected.size() - arrivals.size()) + " of " + expected.size() + " ids missing");
    }
    return arrivals;
  }

  private static JsonNode read(byte[] value) {
    try {
      return MAPPER.readTree(value);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  private static Map<String, Object> event(int i) {
    return Map.of("event_type", "page_view", "user_id", "user-" + (i % 17), "n", i);
  }
}
