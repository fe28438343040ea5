package dev.analytics.kafka.connect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.analytics.spi.Record;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.Map;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Turns a Kafka record back into the library's {@link Record}: the envelope
 * {@code {"id","timestamp","event"}} that {@code KafkaSink} produced, so the connector file's transforms
 * see exactly what they see in-process. Any other JSON value is wrapped in an envelope, with the id from
 * the {@value #ID_HEADER} header, else {@code <topic>-<partition>-<offset>} (stable across redeliveries,
 * so it still works as an {@code insert_id}).
 */
final class Envelopes {
  /** Must match {@code dev.analytics.kafka.KafkaSink.ID_HEADER}. */
  static final String ID_HEADER = AnalyticsSinkTask.ID_HEADER;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Envelopes() {}

  /** Why a record cannot become a {@link Record}; it goes to the errant-record reporter with this reason. */
  static final class Unreadable extends Exception {
    Unreadable(String message) {
      super(message);
    }
  }

  static Record toRecord(SinkRecord record) throws Unreadable {
    JsonNode value = value(record.value());
    String id = header(record, ID_HEADER);
    if (value.isObject() && value.hasNonNull("event") && value.path("id").isTextual()) {
      String envelopeId = value.get("id").asText();
      Instant timestamp = timestamp(value.path("timestamp").asText(null), record);
      return Record.of(id != null ? id : envelopeId, timestamp, value);
    }
    if (id == null) id = record.topic() + "-" + record.kafkaPartition() + "-" + record.kafkaOffset();
    Instant timestamp = timestamp(null, record);
    ObjectNode envelope = MAPPER.createObjectNode();
    envelope.put("id", id);
    envelope.put("timestamp", timestamp.toString());
    envelope.set("event", value);
    return Record.of(id, timestamp, envelope);
  }

  private static JsonNode value(Object value) throws Unreadable {
    if (value == null) throw new Unreadable("the record has no value (a tombstone): nothing to deliver");
    try {
      if (value instanceof byte[]) return MAPPER.readTree((byte[]) value);
      if (value instanceof String) return MAPPER.readTree((String) value);
      if (value instanceof Map || value instanceof Collection) return MAPPER.valueToTree(value);
    } catch (java.io.IOException | IllegalArgumentException e) {
      String message = e.getMessage() == null ? e.toString() : e.getMessage().split("\n", 2)[0];
      throw new Unreadable("the value is not JSON: " + message);
    }
    throw new Unreadable("unsupported value type " + value.getClass().getName()
        + ": use value.converter ByteArrayConverter or StringConverter (or JsonConverter with schemas.enable=false)");
  }

  private static Instant timestamp(String text, SinkRecord record) {
    if (text != null) {
      try {
        return Instant.parse(text);
      } catch (DateTimeParseException e) {
        // Fall back to the Kafka timestamp.
      }
    }
    return record.timestamp() != null ? Instant.ofEpochMilli(record.timestamp()) : Instant.now();
  }

  static String header(SinkRecord record, String name) {
    Header header = record.headers().lastWithName(name);
    if (header == null || header.value() == null) return null;
    Object v = header.value();
    String text = v instanceof byte[] ? new String((byte[]) v, StandardCharsets.UTF_8) : v.toString();
    return text.isEmpty() ? null : text;
  }
}
