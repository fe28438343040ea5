package dev.analytics.transform.internal.fluvio;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@code default} or {@code remove} spec walked once: nested maps of literal keys down to leaves (any
 * non-object value, null included). Spec arrays become maps keyed "0", "1", ... as in Fluvio.
 */
final class SpecTree {
  /** Values are either a leaf {@link JsonNode} or a nested {@link SpecTree}. */
  final Map<String, Object> children = new LinkedHashMap<>();

  static SpecTree of(JsonNode spec) {
    SpecTree tree = new SpecTree();
    if (spec.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = spec.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        tree.children.put(e.getKey(), childOf(e.getValue()));
      }
    } else {
      for (int i = 0; i < spec.size(); i++) tree.children.put(Integer.toString(i), childOf(spec.get(i)));
    }
    return tree;
  }

  private static Object childOf(JsonNode value) {
    return value.isObject() || value.isArray() ? of(value) : value;
  }
}
