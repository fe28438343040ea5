package dev.analytics.kafka.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.analytics.testing.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real broker in a child JVM, killed with {@code kill -9} and started again: it comes back on the same
 * port with its topics and records. Runs with {@code -Pkafka} (40 to 75 s here: two broker starts).
 */
@Tag("kafka")
class KafkaBrokerTest {
  private static final String TOPIC = "kept";

  @TempDir Path dir;

  @Test
  void comesBackOnTheSamePortWithItsTopicAndRecordsAfterKillMinus9() throws Exception {
    try (KafkaBroker broker = KafkaBroker.create(dir.resolve("broker"))) {
      String address = broker.bootstrapServers();
      broker.start().awaitReady();
      broker.createTopic(TOPIC, 2);
      produce(broker, "before the kill");

      broker.kill();
      assertThat(broker.isRunning()).isFalse();
      broker.start().awaitReady();

      assertThat(broker.bootstrapServers()).isEqualTo(address);
      try (Admin admin = broker.admin()) {
        assertThat(admin.describeTopics(Set.of(TOPIC)).allTopicNames().get().get(TOPIC).partitions()).hasSize(2);
      }
      assertThat(consumeOne(broker)).isEqualTo("before the kill");
    }
  }

  private static void produce(KafkaBroker broker, String value) throws Exception {
    Properties p = new Properties();
    p.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    p.setProperty(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>(TOPIC, "key", value)).get();
    }
  }

  private static String consumeOne(KafkaBroker broker) {
    Properties p = new Properties();
    p.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    p.setProperty(ConsumerConfig.GROUP_ID_CONFIG, "verifier");
    p.setProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(TOPIC));
      Await.until(Duration.ofSeconds(60), () -> {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) values.add(r.value());
        return !values.isEmpty();
      }, () -> "a record on " + TOPIC + " after the restart:\n" + broker.tail());
    }
    return values.get(0);
  }
}
