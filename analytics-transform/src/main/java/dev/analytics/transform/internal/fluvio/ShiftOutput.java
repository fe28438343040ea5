package dev.analytics.transform.internal.fluvio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.analytics.transform.internal.json.JoltModel;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * The output of one shift run, written path by path with Fluvio's rules:
 * <ul>
 *   <li>an empty path is the root;
 *   <li>a key part makes the place an object: missing parts are created and a non-object is replaced by
 *       {@code {}};
 *   <li>an index part ({@code [n]} or append) makes the place an array: a missing or null place becomes
 *       {@code []}, a scalar or an object becomes a one-element array holding it; {@code [n]} pads with
 *       null;
 *   <li>at the end of the path: a missing or null place is set, an array gets the value appended, and
 *       anything else becomes {@code [old, new]}.
 * </ul>
 * Values from the input are shared, not copied; a container is copied before it is first written
 * into, so the input is never mutated.
 */
final class ShiftOutput {
  /** The marker of an append part ({@code x[]}) in a path; the other parts are String keys and Integer indexes. */
  static final Object APPEND = ShiftSyntax.APPEND;

  private JsonNode root;
  /** Containers this run created (or copied), which it may mutate; the rest belongs to the input. */
  private final Set<JsonNode> owned = Collections.newSetFromMap(new IdentityHashMap<>());

  /** What was written, or a NullNode if nothing was. */
  JsonNode result() {
    return root == null ? JoltModel.NODES.nullNode() : root;
  }

  /** @param path String keys, Integer indexes and {@link #APPEND}; empty for the root */
  void write(Object[] path, JsonNode value) {
    root = put(root, path, 0, value);
  }

  private JsonNode put(JsonNode node, Object[] path, int i, JsonNode value) {
    if (i == path.length) return place(node, value);
    Object part = path[i];
    if (part instanceof String) {
      ObjectNode object = node != null && node.isObject() ? ownedObject(node) : newObject();
      String key = (String) part;
      JsonNode child = object.get(key);
      JsonNode updated = put(child, path, i + 1, value);
      if (updated != child) object.set(key, updated);
      return object;
    }
    ArrayNode array = asArray(node);
    if (part == APPEND) {
      array.add(put(null, path, i + 1, value));
      return array;
    }
    int index = (Integer) part;
    while (array.size() <= index) array.addNull();
    JsonNode child = array.get(index);
    JsonNode updated = put(child, path, i + 1, value);
    if (updated != child) array.set(index, updated);
    return array;
  }

  /** The end of a path: null is set, an array appended to, anything else paired with the new value. */
  private JsonNode place(JsonNode node, JsonNode value) {
    if (node == null || node.isNull()) return value;
    if (node.isArray()) {
      ArrayNode array = ownedArray(node);
      array.add(value);
      return array;
    }
    ArrayNode pair = newArray();
    pair.add(node);
    pair.add(value);
    return pair;
  }

  /** An index part: an array stays one, null becomes {@code []}, anything else {@code [old]}. */
  private ArrayNode asArray(JsonNode node) {
    if (node != null && node.isArray()) return ownedArray(node);
    ArrayNode array = newArray();
    if (node != null && !node.isNull()) array.add(node);
    return array;
  }

  private ObjectNode newObject() {
    ObjectNode object = JoltModel.NODES.objectNode();
    owned.add(object);
    return object;
  }

  private ArrayNode newArray() {
    ArrayNode array = JoltModel.NODES.arrayNode();
    owned.add(array);
    return array;
  }

  private ObjectNode ownedObject(JsonNode node) {
    if (owned.contains(node)) return (ObjectNode) node;
    ObjectNode copy = newObject();
    copy.setAll((ObjectNode) node);
    return copy;
  }

  private ArrayNode ownedArray(JsonNode node) {
    if (owned.contains(node)) return (ArrayNode) node;
    ArrayNode copy = newArray();
    copy.addAll((ArrayNode) node);
    return copy;
  }
}
