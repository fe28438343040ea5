package dev.analytics.transform.internal.fluvio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.analytics.transform.internal.json.JoltModel;
import java.util.Map;

/**
 * Fluvio's {@code remove}: for each spec leaf path present in the input, remove the key from its parent
 * object. Spec values are ignored ({@code ""}, {@code 1}, {@code null} all mean "remove"); keys are
 * literal (jolt-core's Removr reads {@code *} and {@code |} as wildcards and can remove array elements).
 * Copy on write: the input is never mutated.
 */
public final class FluvioRemove {
  private final SpecTree spec;

  private FluvioRemove(SpecTree spec) {
    this.spec = spec;
  }

  public static FluvioRemove parse(JsonNode spec) {
    return new FluvioRemove(SpecTree.of(spec));
  }

  public JsonNode apply(JsonNode input) {
    if (input == null) return JoltModel.NODES.nullNode();
    return input.isObject() ? apply((ObjectNode) input, spec) : input;
  }

  private static ObjectNode apply(ObjectNode input, SpecTree spec) {
    ObjectNode out = null;
    for (Map.Entry<String, Object> e : spec.children.entrySet()) {
      String key = e.getKey();
      ObjectNode current = out != null ? out : input;
      JsonNode existing = current.get(key);
      if (existing == null) continue;
      if (e.getValue() instanceof SpecTree) {
        if (!existing.isObject()) continue; // arrays and scalars: nothing to remove inside
        ObjectNode child = apply((ObjectNode) existing, (SpecTree) e.getValue());
        if (child == existing) continue;
        if (out == null) out = shallowCopy(input);
        out.set(key, child);
      } else {
        if (out == null) out = shallowCopy(input);
        out.remove(key);
      }
    }
    return out != null ? out : input;
  }

  static ObjectNode shallowCopy(ObjectNode node) {
    ObjectNode copy = JoltModel.NODES.objectNode();
    copy.setAll(node);
    return copy;
  }
}
