package dev.analytics.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;

/** Amplitude HTTP V2's request rules and error bodies, as {@link AmplitudeReceiver} applies them. */
final class AmplitudeRules {
  private static final Set<String> PLACEHOLDER_IDS =
      Set.of("null", "none", "0", "-1", "anonymous", "unknown", "undefined", "nil", "(none)");

  private final ObjectMapper mapper = new ObjectMapper();
  private final String apiKey;

  AmplitudeRules(String apiKey) {
    this.apiKey = apiKey;
  }

  /** A status and body to answer. */
  record Response(int status, String body) {}

  static byte[] decode(byte[] raw, String contentEncoding) throws IOException {
    if (contentEncoding == null || contentEncoding.isBlank() || contentEncoding.equalsIgnoreCase("identity")) {
      return raw;
    }
    if (!contentEncoding.trim().equalsIgnoreCase("gzip")) {
      throw new IOException("unsupported Content-Encoding " + contentEncoding);
    }
    // Bounded read: the limit is counted after decompression, and a zip bomb must not fill the heap.
    try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(raw))) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buffer = new byte[8192];
      int n;
      while ((n = in.read(buffer)) > 0) {
        out.write(buffer, 0, n);
        if (out.size() >= AmplitudeReceiver.MAX_BODY_BYTES) break;
      }
      return out.toByteArray();
    }
  }

  /**
   * Checks a decoded request body the way Amplitude does: the answer to send, or null when the request
   * is valid; then {@code valid[0]} holds its events.
   */
  Response check(byte[] body, JsonNode[] valid) {
    JsonNode root;
    try {
      root = mapper.readTree(body);
    } catch (IOException e) {
      return new Response(400, error(400, "Invalid JSON request body"));
    }
    if (root == null || !root.isObject()) return new Response(400, error(400, "Invalid JSON request body"));
    JsonNode key = root.get("api_key");
    if (key == null || key.isNull() || (key.isTextual() && key.asText().isEmpty())) {
      return new Response(400, missingField("api_key"));
    }
    // Amplitude quotes the key back; a receiver built for this library never echoes a secret.
    if (!key.isTextual() || !key.asText().equals(apiKey)) {
      return new Response(400, error(400, "Invalid API key"));
    }
    JsonNode events = root.get("events");
    if (events == null || !events.isArray()) return new Response(400, missingField("events"));
    if (events.size() > AmplitudeReceiver.MAX_EVENTS) return new Response(413, error(413, "Payload too large"));
    int minIdLength = root.path("options").path("min_id_length").asInt(AmplitudeReceiver.DEFAULT_MIN_ID_LENGTH);

    Map<String, List<Integer>> missing = new TreeMap<>();
    Map<String, List<Integer>> invalid = new TreeMap<>();
    Map<String, List<Integer>> invalidLength = new TreeMap<>();
    for (int i = 0; i < events.size(); i++) {
      JsonNode event = events.get(i);
      if (!event.isObject()) {
        invalid.computeIfAbsent("event", k -> new ArrayList<>()).add(i);
        continue;
      }
      JsonNode type = event.get("event_type");
      if (type == null || !type.isTextual() || type.asText().isEmpty()) {
        missing.computeIfAbsent("event_type", k -> new ArrayList<>()).add(i);
      }
      boolean anyId = false;
      for (String field : List.of("user_id", "device_id")) {
        JsonNode id = event.get(field);
        if (id == null || id.isNull()) continue;
        String text = id.asText();
        if (PLACEHOLDER_IDS.contains(text.trim().toLowerCase(Locale.ROOT))) {
          invalid.computeIfAbsent(field, k -> new ArrayList<>()).add(i);
        } else if (text.length() < minIdLength) {
          invalidLength.computeIfAbsent(field, k -> new ArrayList<>()).add(i);
        }
        anyId = true;
      }
      if (!anyId) missing.computeIfAbsent("user_id", k -> new ArrayList<>()).add(i);
    }
    if (!missing.isEmpty() || !invalid.isEmpty() || !invalidLength.isEmpty()) {
      ObjectNode error = mapper.createObjectNode();
      error.put("code", 400);
      error.put("error", missing.isEmpty() ? "Invalid field values on some events"
          : "Request missing required field");
      error.set("events_with_invalid_fields", indexes(invalid));
      error.set("events_with_missing_fields", indexes(missing));
      if (!invalidLength.isEmpty()) error.set("events_with_invalid_id_lengths", indexes(invalidLength));
      return new Response(400, error.toString());
    }
    valid[0] = events;
    return null;
  }

  private ObjectNode indexes(Map<String, List<Integer>> byField) {
    ObjectNode node = mapper.createObjectNode();
    byField.forEach((field, list) -> {
      ArrayNode array = node.putArray(field);
      list.forEach(array::add);
    });
    return node;
  }

  private String missingField(String field) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("code", 400);
    body.put("error", "Request missing required field");
    body.put("missing_field", field);
    return mapper.valueToTree(body).toString();
  }

  String error(int code, String message) {
    ObjectNode node = mapper.createObjectNode();
    node.put("code", code);
    node.put("error", message);
    return node.toString();
  }
}
