package dev.analytics.kafka.connector;

import com.fasterxml.jackson.databind.JsonNode;
import dev.analytics.kafka.KafkaSink;
import dev.analytics.spi.ConfigSection;
import dev.analytics.spi.Record;
import dev.analytics.spi.Sink;
import dev.analytics.spi.SinkProvider;
import dev.analytics.spi.SinkSettings;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code type: kafka-sink}: the connector file's {@code kafka:} section onto {@link KafkaSink.Builder}.
 *
 * <pre>{@code
 * kafka:
 *   bootstrap_servers: kafka-1:9092,kafka-2:9092   # required
 *   topic: service-events                          # required
 *   key: user             # user (default: user_id, else device_id, else the record id) | record_id | /json/pointer
 *   client_id: my-service
 *   max_block: 1s          # how long a send may wait for metadata
 *   delivery_timeout: 30s  # producer retries before the local log takes over (forever)
 *   producer:              # any other producer property, as Kafka names it
 *     security.protocol: SASL_SSL
 *     sasl.jaas.config: "${{ secrets.KAFKA_JAAS }}"
 * analytics:
 *   delivery: {max_batch_records: 500, max_in_flight: 4, linger: 0ms}
 * }</pre>
 */
public final class KafkaSinkProvider implements SinkProvider {
  private static final Set<String> KAFKA_KEYS = Set.of(
      "bootstrap_servers", "topic", "key", "client_id", "max_block", "delivery_timeout", "producer");
  private static final Set<String> DELIVERY_KEYS = Set.of("max_batch_records", "max_in_flight", "linger");

  @Override
  public String type() {
    return "kafka-sink";
  }

  @Override
  public Sink create(SinkSettings settings) {
    ConfigSection kafka = settings.section();
    ConfigSection delivery = settings.delivery();
    kafka.warnUnknown(KAFKA_KEYS);
    delivery.warnUnknown(DELIVERY_KEYS);

    KafkaSink.Builder b = KafkaSink.builder();
    String servers = kafka.requiredString("bootstrap_servers");
    kafka.apply("bootstrap_servers", () -> b.bootstrapServers(servers));
    String topic = kafka.requiredString("topic");
    kafka.apply("topic", () -> b.topic(topic));
    String name = settings.connectorName().replaceAll("[^A-Za-z0-9._-]", "-");
    String clientId = kafka.string("client_id").orElse(name.isEmpty() ? "analytics" : name);
    kafka.apply("client_id", () -> b.clientId(clientId));
    kafka.string("key").ifPresent(key -> kafka.apply("key", () -> b.key(key(key))));
    kafka.duration("max_block").ifPresent(d -> kafka.apply("max_block", () -> b.maxBlock(d)));
    kafka.duration("delivery_timeout").ifPresent(d -> kafka.apply("delivery_timeout", () -> b.deliveryTimeout(d)));
    kafka.section("producer").ifPresent(producer -> {
      for (String property : producer.keys()) {
        JsonNode value = producer.get(property);
        if (value == null) continue;
        // The value may be a credential: a problem names the key only.
        if (!value.isValueNode()) throw new IllegalArgumentException(producer.format(producer.path(property),
            producer.line(property), "expected a single value"));
        producer.apply(property, () -> b.producerProperty(property, value.asText()));
      }
    });
    delivery.integer("max_batch_records", 1, 1_000_000)
        .ifPresent(n -> delivery.apply("max_batch_records", () -> b.maxBatchRecords(n)));
    delivery.integer("max_in_flight", 1, 1_000).ifPresent(n -> delivery.apply("max_in_flight", () -> b.maxInFlight(n)));
    delivery.duration("linger").ifPresent(d -> delivery.apply("linger", () -> b.linger(d)));
    try {
      return b.build();
    } catch (IllegalStateException | IllegalArgumentException e) {
      throw new IllegalArgumentException(kafka.format(kafka.path(), kafka.line(), e.getMessage()));
    }
  }

  private static Function<Record, String> key(String key) {
    switch (key) {
      case "user":
        return KafkaSink.keyByUser();
      case "record_id":
        return KafkaSink.keyByRecordId();
      default:
        if (key.startsWith("/")) return KafkaSink.keyByField(key);
        throw new IllegalArgumentException("expected user, record_id or a JSON pointer like /event/account_id: \"" + key + "\"");
    }
  }
}
