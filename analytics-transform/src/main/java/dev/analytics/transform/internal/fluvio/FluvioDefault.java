package dev.analytics.transform.internal.fluvio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.analytics.transform.internal.json.JoltModel;
import java.util.Map;

/**
 * Fluvio's {@code default}: for each spec leaf path absent from the input, create the missing objects and
 * set it. Unlike jolt-core's Defaultr: keys are literal (no {@code *}, {@code |}, {@code []}), a key
 * present with value {@code null} counts as present, a {@code null} input stays {@code null}, and a path
 * blocked by a scalar or array is left alone. Copy on write: the input is never mutated.
 */
public final class FluvioDefault {
  private final SpecTree spec;

  private FluvioDefault(SpecTree spec) {
    this.spec = spec;
  }

  public static FluvioDefault parse(JsonNode spec) {
    return new FluvioDefault(SpecTree.of(spec));
  }

  public JsonNode apply(JsonNode input) {
    if (input == null || !input.isObject()) return input == null ? JoltModel.NODES.nullNode() : input;
    return apply((ObjectNode) input, spec);
  }

  private static ObjectNode apply(ObjectNode input, SpecTree spec) {
    ObjectNode out = null;
    for (Map.Entry<String, Object> e : spec.children.entrySet()) {
      String key = e.getKey();
      ObjectNode current = out != null ? out : input;
      JsonNode existing = current.get(key);
      JsonNode replacement;
      if (e.getValue() instanceof SpecTree) {
        SpecTree sub = (SpecTree) e.getValue();
        if (existing == null) {
          ObjectNode created = apply(JoltModel.NODES.objectNode(), sub);
          if (created.isEmpty()) continue; // an empty {} in the spec does nothing
          replacement = created;
        } else if (existing.isObject()) {
          ObjectNode child = apply((ObjectNode) existing, sub);
          if (child == existing) continue;
          replacement = child;
        } else {
          continue; // null, a scalar or an array: present, or blocking the path
        }
      } else {
        if (existing != null) continue;
        replacement = (JsonNode) e.getValue();
      }
      if (out == null) out = FluvioRemove.shallowCopy(input);
      out.set(key, replacement);
    }
    return out != null ? out : input;
  }
}
