package dev.analytics.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;

/**
 * Turns what a caller passes to {@code emit()} into the compact JSON of one object, once. Anything
 * that is not a JSON object is misuse and fails here, in the caller's thread, with a message that
 * says what to fix.
 */
final class EventSerializer {
  private final ObjectMapper mapper;
  private final ObjectReader strictReader;

  EventSerializer(ObjectMapper mapper) {
    this.mapper = mapper;
    this.strictReader = mapper.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  }

  byte[] toJson(Object event) {
    try {
      if (event instanceof CharSequence) {
        JsonNode node;
        try {
          node = strictReader.readTree(event.toString());
        } catch (JsonProcessingException e) {
          throw new IllegalArgumentException("event string is not valid JSON: " + e.getOriginalMessage());
        }
        return objectBytes(node);
      }
      if (event instanceof JsonNode) return objectBytes((JsonNode) event);
      byte[] bytes = mapper.writeValueAsBytes(event);
      if (bytes.length == 0 || bytes[0] != '{') {
        throw new IllegalArgumentException("event of type " + event.getClass().getName()
            + " must serialize to a JSON object, got " + new String(bytes, 0, Math.min(bytes.length, 40),
                java.nio.charset.StandardCharsets.UTF_8));
      }
      return bytes;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("event of type " + event.getClass().getName()
          + " cannot be serialized to JSON (is it cyclic, or missing getters?): " + e.getOriginalMessage(), e);
    } catch (StackOverflowError e) {
      throw new IllegalArgumentException("event of type " + event.getClass().getName()
          + " cannot be serialized to JSON: it refers to itself (a cycle)");
    }
  }

  private byte[] objectBytes(JsonNode node) throws JsonProcessingException {
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException(
          "event must be a JSON object, got " + (node == null ? "nothing" : node.getNodeType()));
    }
    return mapper.writeValueAsBytes(node);
  }
}
