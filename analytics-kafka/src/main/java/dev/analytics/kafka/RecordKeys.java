package dev.analytics.kafka;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import dev.analytics.spi.Record;
import java.util.Objects;
import java.util.function.Function;

/** The key strategies behind {@link KafkaSink#keyByUser()} and {@link KafkaSink#keyByField(String)}. */
final class RecordKeys {
  private RecordKeys() {}

  static String byUser(Record record) {
    JsonNode value = record.value();
    JsonNode event = value.get("event");
    for (JsonNode scope : new JsonNode[] {event, value}) {
      if (scope == null || !scope.isObject()) continue;
      String user = text(scope.get("user_id"));
      if (user != null) return user;
      String device = text(scope.get("device_id"));
      if (device != null) return device;
    }
    return record.id();
  }

  static Function<Record, String> byPointer(String pointer) {
    Objects.requireNonNull(pointer, "pointer == null");
    JsonPointer compiled;
    try {
      compiled = JsonPointer.compile(pointer);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("key: not a JSON pointer (like /event/user_id): \"" + pointer + "\"");
    }
    return record -> {
      String text = text(record.value().at(compiled));
      return text != null ? text : record.id();
    };
  }

  private static String text(JsonNode node) {
    if (node == null || node.isMissingNode() || node.isNull() || node.isContainerNode()) return null;
    String text = node.asText();
    return text.isEmpty() ? null : text;
  }
}
