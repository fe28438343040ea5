package dev.analytics.kafka.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.analytics.Sink;
import dev.analytics.kafka.KafkaSink;
import dev.analytics.spi.HumanDuration;
import dev.analytics.spi.SinkProvider;
import dev.analytics.spi.SinkSettings;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

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
    JsonNode kafka = settings.section();
    JsonNode delivery = settings.delivery();
    if (!kafka.isObject()) throw new IllegalArgumentException("kafka: expected a map of settings");
    for (Iterator<String> it = kafka.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!KAFKA_KEYS.contains(name)) settings.warn("unknown key kafka." + name + " ignored; known: " + KAFKA_KEYS);
    }
    for (Iterator<String> it = delivery.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!DELIVERY_KEYS.contains(name)) settings.warn("unknown key delivery." + name + " ignored for kafka-sink");
    }
    KafkaSink.Builder b = KafkaSink.builder();
    apply("kafka.bootstrap_servers", () -> b.bootstrapServers(required(kafka, "bootstrap_servers")));
    apply("kafka.topic", () -> b.topic(required(kafka, "topic")));
    String clientId = optional(kafka, "client_id");
    String name = settings.connectorName().replaceAll("[^A-Za-z0-9._-]", "-");
    apply("kafka.client_id", () -> b.clientId(clientId != null ? clientId : name.isEmpty() ? "analytics" : name));
    String key = optional(kafka, "key");
    if (key != null) apply("kafka.key", () -> b.key(key(key)));
    String maxBlock = optional(kafka, "max_block");
    if (maxBlock != null) apply("kafka.max_block", () -> b.maxBlock(HumanDuration.parse(maxBlock)));
    String deliveryTimeout = optional(kafka, "delivery_timeout");
    if (deliveryTimeout != null) apply("kafka.delivery_timeout", () -> b.deliveryTimeout(HumanDuration.parse(deliveryTimeout)));
    JsonNode producer = kafka.get("producer");
    if (producer != null && !producer.isNull()) {
      if (!producer.isObject()) throw new IllegalArgumentException("kafka.producer: expected a map of producer properties");
      for (Iterator<Map.Entry<String, JsonNode>> it = producer.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String path = "kafka.producer." + e.getKey();
        if (!e.getValue().isValueNode()) throw new IllegalArgumentException(path + ": expected a single value");
        // The value may be a credential: errors name the key only.
        apply(path, () -> b.producerProperty(e.getKey(), e.getValue().asText()));
      }
    }
    if (delivery.has("max_batch_records")) {
      apply("delivery.max_batch_records", () -> b.maxBatchRecords(integer(delivery.get("max_batch_records"))));
    }
    if (delivery.has("max_in_flight")) {
      apply("delivery.max_in_flight", () -> b.maxInFlight(integer(delivery.get("max_in_flight"))));
    }
    if (delivery.has("linger")) {
      apply("delivery.linger", () -> b.linger(HumanDuration.parse(delivery.get("linger").asText())));
    }
    try {
      return b.build();
    } catch (IllegalStateException e) {
      throw new IllegalArgumentException("kafka: " + e.getMessage());
    }
  }

  private static java.util.function.Function<dev.analytics.Record, String> key(String key) {
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

  private static int integer(JsonNode node) {
    if (node.isIntegralNumber() && node.canConvertToInt()) return node.intValue();
    if (node.isTextual() && node.asText().trim().matches("\\d{1,9}")) return Integer.parseInt(node.asText().trim());
    throw new IllegalArgumentException("expected a whole number, got " + node);
  }

  private static String required(JsonNode section, String key) {
    String value = optional(section, key);
    if (value == null) throw new IllegalArgumentException("required");
    return value;
  }

  private static String optional(JsonNode section, String key) {
    JsonNode node = section.get(key);
    if (node == null || node.isNull()) return null;
    if (!node.isValueNode()) throw new IllegalArgumentException("kafka." + key + ": expected a single value");
    String text = node.asText().trim();
    return text.isEmpty() ? null : text;
  }

  /** Runs a builder call and prefixes what it rejects with the key path as the file writes it. */
  private static void apply(String path, Runnable call) {
    try {
      call.run();
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException(path + ": " + e.getMessage());
    }
  }
}
