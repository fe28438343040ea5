package dev.analytics.transform.internal.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.POJONode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts between Jackson trees and jolt-core's model (LinkedHashMap / ArrayList / String / Number /
 * Boolean / null) directly, without a text round trip. Numbers keep their Java type (Integer, Long,
 * BigInteger, Double, Float, BigDecimal) and objects keep their key order, so a value that no Jolt step
 * touched comes out exactly as it went in.
 */
public final class JoltModel {
  /** Exact decimals: a BigDecimal keeps its scale ({@code 1.50} stays {@code 1.50}). */
  public static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

  private static final ObjectMapper POJO_MAPPER = new ObjectMapper();

  private JoltModel() {}

  /** A fresh, mutable jolt-core tree: jolt-core's default/remove/modify steps mutate their input. */
  public static Object toJolt(JsonNode node) {
    if (node == null) return null;
    switch (node.getNodeType()) {
      case OBJECT: {
        Map<String, Object> map = new LinkedHashMap<>(capacity(node.size()));
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          map.put(e.getKey(), toJolt(e.getValue()));
        }
        return map;
      }
      case ARRAY: {
        List<Object> list = new ArrayList<>(node.size());
        for (JsonNode element : node) list.add(toJolt(element));
        return list;
      }
      case STRING:
        return node.textValue();
      case NUMBER:
        return node.numberValue();
      case BOOLEAN:
        return node.booleanValue();
      case BINARY:
        return node.asText(); // base64, as Jackson would write it
      case POJO:
        // Trees parsed from the log never hold POJOs; a caller's tree may, so serialize it like Jackson would.
        return toJolt(POJO_MAPPER.valueToTree(((POJONode) node).getPojo()));
      default: // NULL, MISSING
        return null;
    }
  }

  /** A Jackson tree for a jolt-core value. */
  public static JsonNode toJson(Object value) {
    if (value == null) return NODES.nullNode();
    if (value instanceof Map) {
      Map<?, ?> map = (Map<?, ?>) value;
      ObjectNode object = NODES.objectNode();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        object.set(String.valueOf(e.getKey()), toJson(e.getValue()));
      }
      return object;
    }
    if (value instanceof List) {
      ArrayNode array = NODES.arrayNode(((List<?>) value).size());
      for (Object element : (List<?>) value) array.add(toJson(element));
      return array;
    }
    if (value instanceof String) return NODES.textNode((String) value);
    if (value instanceof Integer) return NODES.numberNode((Integer) value);
    if (value instanceof Long) return NODES.numberNode((Long) value);
    if (value instanceof Double) return NODES.numberNode((Double) value);
    if (value instanceof Boolean) return NODES.booleanNode((Boolean) value);
    if (value instanceof BigDecimal) return NODES.numberNode((BigDecimal) value);
    if (value instanceof BigInteger) return NODES.numberNode((BigInteger) value);
    if (value instanceof Float) return NODES.numberNode((Float) value);
    if (value instanceof Short) return NODES.numberNode((Short) value);
    if (value instanceof Byte) return NODES.numberNode((Byte) value);
    if (value instanceof Number) return NODES.numberNode(new BigDecimal(value.toString()));
    if (value instanceof Object[]) {
      ArrayNode array = NODES.arrayNode();
      for (Object element : (Object[]) value) array.add(toJson(element));
      return array;
    }
    if (value instanceof Character || value instanceof CharSequence) return NODES.textNode(value.toString());
    throw new IllegalArgumentException("unsupported value type in a Jolt result: " + value.getClass().getName());
  }

  private static int capacity(int size) {
    return size < 3 ? size + 1 : (int) (size / 0.75f + 1);
  }

  /** A JSON value's kind for messages: {@code object}, {@code string}, {@code nothing}... */
  public static String kind(JsonNode node) {
    if (node == null || node.isMissingNode()) return "nothing";
    return node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
  }
}
