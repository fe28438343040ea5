package dev.analytics.transform.internal.fluvio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.analytics.transform.internal.CompiledStep;
import dev.analytics.transform.internal.JoltModel;
import dev.analytics.transform.internal.RecordError;
import dev.analytics.transform.internal.SpecError;
import dev.analytics.transform.internal.fluvio.ShiftSyntax.At;
import dev.analytics.transform.internal.fluvio.ShiftSyntax.Capture;
import dev.analytics.transform.internal.fluvio.ShiftSyntax.Index;
import dev.analytics.transform.internal.fluvio.ShiftSyntax.Key;
import dev.analytics.transform.internal.fluvio.ShiftSyntax.Lhs;
import dev.analytics.transform.internal.fluvio.ShiftSyntax.Rhs;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fluvio's {@code shift}, written here because its syntax and matching differ from jolt-core's Shiftr
 * (see {@code fluvio-jolt.md}): explicit {@code &(n,m)} / {@code $(n,m)} / {@code @(n,rhs)} forms,
 * backslash escapes, star/pipe patterns tried in spec order (jolt-core sorts them by specificity),
 * and record errors where jolt-core silently skips. The output shares unchanged subtrees with the input
 * and copies any container before writing into it, so the input is never mutated.
 */
public final class FluvioShift {
  private final Node root;

  private FluvioShift(Node root) {
    this.root = root;
  }

  /** @throws SpecError when the spec is malformed */
  public static FluvioShift parse(JsonNode spec) {
    return new FluvioShift(node(spec, List.of(1)));
  }

  public JsonNode apply(JsonNode input) {
    Run run = new Run();
    run.push(new String[] {""}, input == null ? JoltModel.NODES.nullNode() : input);
    run.visit(root, run.values[0]);
    return run.output == null ? JoltModel.NODES.nullNode() : run.output;
  }

  // ---- spec ----

  private static final class Node {
    final List<Infallible> infallibles = new ArrayList<>();
    final Map<String, Child> literals = new LinkedHashMap<>();
    final List<Child> amps = new ArrayList<>();
    final List<Child> patterns = new ArrayList<>();
  }

  private static final class Infallible {
    final Lhs lhs;
    final List<Rhs> outputs;

    Infallible(Lhs lhs, List<Rhs> outputs) {
      this.lhs = lhs;
      this.outputs = outputs;
    }
  }

  /** A spec entry: a nested {@link Node} or a leaf's outputs (empty for a null RHS). */
  private static final class Child {
    final Lhs lhs;
    final Pattern[] patterns;
    final Node node;
    final List<Rhs> outputs;

    Child(Lhs lhs, Node node, List<Rhs> outputs) {
      this.lhs = lhs;
      this.node = node;
      this.outputs = outputs;
      if (lhs.kind == Lhs.Kind.PATTERN) {
        patterns = new Pattern[lhs.alternatives.size()];
        for (int i = 0; i < patterns.length; i++) {
          StringBuilder regex = new StringBuilder();
          List<String> segments = lhs.alternatives.get(i);
          for (int j = 0; j < segments.size(); j++) {
            if (j > 0) regex.append("(.*?)");
            if (!segments.get(j).isEmpty()) regex.append(Pattern.quote(segments.get(j)));
          }
          patterns[i] = Pattern.compile(regex.toString(), Pattern.DOTALL);
        }
      } else {
        patterns = null;
      }
    }
  }

  /**
   * @param levels for each level visible here, from the root down, how many captures its key has
   *     (1 + the stars of its pattern), so that references are checked now rather than per record
   */
  private static Node node(JsonNode spec, List<Integer> levels) {
    Node node = new Node();
    Set<String> seen = new HashSet<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = spec.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = e.getKey();
      JsonNode value = e.getValue();
      Lhs lhs = ShiftSyntax.parseLhs(key);
      if (!seen.add(key)) throw new SpecError("duplicate LHS key \"" + key + "\"");
      if (lhs.infallible()) {
        if (value.isObject()) {
          throw new SpecError("LHS \"" + key + "\" takes a string or an array of strings as RHS, not an object");
        }
        if (lhs.capture != null) check(lhs.capture, "$", levels);
        if (lhs.at != null) check(lhs.at, levels);
        List<Rhs> outputs = outputs(value);
        for (Rhs rhs : outputs) check(rhs, levels);
        node.infallibles.add(new Infallible(lhs, outputs));
        continue;
      }
      if (lhs.kind == Lhs.Kind.AMP) check(lhs.capture, "&", levels);
      List<Integer> inner = new ArrayList<>(levels);
      inner.add(groups(lhs));
      Child child;
      if (value.isObject()) {
        child = new Child(lhs, node(value, inner), null);
      } else {
        List<Rhs> outputs = outputs(value);
        for (Rhs rhs : outputs) check(rhs, inner);
        child = new Child(lhs, null, outputs);
      }
      switch (lhs.kind) {
        case LITERAL:
          if (node.literals.put(lhs.literal, child) != null) {
            throw new SpecError("duplicate LHS key \"" + key + "\"");
          }
          break;
        case AMP:
          node.amps.add(child);
          break;
        default:
          node.patterns.add(child);
      }
    }
    return node;
  }

  private static int groups(Lhs lhs) {
    if (lhs.kind != Lhs.Kind.PATTERN) return 1;
    int max = 0;
    for (List<String> alternative : lhs.alternatives) max = Math.max(max, alternative.size() - 1);
    return max + 1;
  }

  private static void check(Rhs rhs, List<Integer> levels) {
    for (Object part : rhs.parts) {
      if (part instanceof Key) {
        for (Object piece : ((Key) part).pieces) check(piece, levels);
      } else {
        check(((Index) part).op, levels);
      }
    }
  }

  private static void check(Object reference, List<Integer> levels) {
    if (reference instanceof Capture) {
      check((Capture) reference, "&", levels);
    } else if (reference instanceof At) {
      At at = (At) reference;
      if (at.level >= levels.size()) {
        throw new SpecError(at.text + ": there are only " + levels.size() + " levels here");
      }
      if (at.path != null) check(at.path, levels);
    }
  }

  private static void check(Capture c, String sigil, List<Integer> levels) {
    String text = sigil + "(" + c.level + "," + c.group + ")";
    if (c.level >= levels.size()) {
      throw new SpecError(text + ": there are only " + levels.size() + " levels here");
    }
    int groups = levels.get(levels.size() - 1 - c.level);
    if (c.group >= groups) {
      throw new SpecError(text + ": the key at level " + c.level + " has " + (groups - 1) + " captures");
    }
  }

  private static List<Rhs> outputs(JsonNode value) {
    if (value.isNull()) return Collections.emptyList();
    if (value.isTextual()) return List.of(ShiftSyntax.parseRhs(value.textValue()));
    if (value.isArray()) {
      List<Rhs> list = new ArrayList<>(value.size());
      for (JsonNode element : value) {
        if (!element.isTextual()) {
          throw new SpecError("an RHS array holds strings only, got " + CompiledStep.kind(element));
        }
        list.add(ShiftSyntax.parseRhs(element.textValue()));
      }
      return list;
    }
    throw new SpecError("an RHS must be a string, an array of strings, an object or null, got "
        + CompiledStep.kind(value) + " " + value);
  }

  // ---- one run over one record ----

  private static final class Run {
    String[][] captures = new String[8][];
    JsonNode[] values = new JsonNode[8];
    int depth;
    JsonNode output;
    /** Containers this run created (or copied), which it may mutate; the rest belongs to the input. */
    final Set<JsonNode> owned = Collections.newSetFromMap(new IdentityHashMap<>());

    void push(String[] caps, JsonNode value) {
      if (depth == values.length) {
        captures = java.util.Arrays.copyOf(captures, depth * 2);
        values = java.util.Arrays.copyOf(values, depth * 2);
      }
      captures[depth] = caps;
      values[depth] = value;
      depth++;
    }

    void pop() {
      depth--;
      captures[depth] = null;
      values[depth] = null;
    }

    void visit(Node node, JsonNode input) {
      for (Infallible inf : node.infallibles) {
        JsonNode value;
        switch (inf.lhs.kind) {
          case DOLLAR:
            value = JoltModel.NODES.textNode(capture(inf.lhs.capture, "$"));
            break;
          case AT:
            value = lookup(inf.lhs.at);
            break;
          default:
            value = JoltModel.NODES.textNode(inf.lhs.literal);
        }
        for (Rhs rhs : inf.outputs) write(rhs, value);
      }
      if (input.isObject()) {
        for (Iterator<Map.Entry<String, JsonNode>> it = input.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          match(node, e.getKey(), e.getValue());
        }
      } else if (input.isArray()) {
        for (int i = 0; i < input.size(); i++) match(node, Integer.toString(i), input.get(i));
      } else {
        // A scalar is matched by its string form, as a key without a value.
        String key = input.isNull() ? "null" : input.asText();
        match(node, key, JoltModel.NODES.nullNode());
      }
    }

    private void match(Node node, String key, JsonNode value) {
      Child literal = node.literals.get(key);
      if (literal != null) {
        apply(literal, new String[] {key}, value);
        return;
      }
      for (Child amp : node.amps) {
        if (key.equals(capture(amp.lhs.capture, "&"))) {
          apply(amp, new String[] {key}, value);
          return;
        }
      }
      for (Child pattern : node.patterns) {
        for (Pattern p : pattern.patterns) {
          Matcher m = p.matcher(key);
          if (m.matches()) {
            String[] caps = new String[m.groupCount() + 1];
            caps[0] = key;
            for (int g = 1; g < caps.length; g++) caps[g] = m.group(g);
            apply(pattern, caps, value);
            return;
          }
        }
      }
    }

    private void apply(Child child, String[] caps, JsonNode value) {
      push(caps, value);
      try {
        if (child.node != null) {
          visit(child.node, value);
        } else {
          for (Rhs rhs : child.outputs) write(rhs, value);
        }
      } finally {
        pop();
      }
    }

    String capture(Capture c, String sigil) {
      if (c.level >= depth) {
        throw new RecordError(sigil + "(" + c.level + "," + c.group + "): there are only " + depth + " levels");
      }
      String[] caps = captures[depth - 1 - c.level];
      if (c.group >= caps.length) {
        throw new RecordError(sigil + "(" + c.level + "," + c.group + "): the key at level " + c.level
            + " has only " + (caps.length - 1) + " captures");
      }
      return caps[c.group];
    }

    JsonNode lookup(At at) {
      if (at.level >= depth) {
        throw new RecordError(at.text + ": there are only " + depth + " levels");
      }
      JsonNode current = values[depth - 1 - at.level];
      if (at.path == null) return current;
      for (Object part : at.path.parts) {
        if (part instanceof Key) {
          String key = key((Key) part);
          JsonNode next;
          if (current.isObject()) {
            next = current.get(key);
          } else if (current.isArray()) {
            next = current.get(index(key, at.text));
          } else {
            next = null;
          }
          if (next == null) throw new RecordError(at.text + " not found");
          current = next;
        } else {
          Object op = ((Index) part).op;
          if (op == ShiftSyntax.APPEND) throw new RecordError(at.text + ": [] cannot be read");
          int i = indexValue(op, at.text);
          if (!current.isArray()) throw new RecordError(at.text + ": [" + i + "] on a non-array");
          if (i >= current.size()) throw new RecordError(at.text + ": index " + i + " out of range");
          current = current.get(i);
        }
      }
      return current;
    }

    private String key(Key key) {
      if (key.pieces.size() == 1 && key.pieces.get(0) instanceof String) return (String) key.pieces.get(0);
      StringBuilder out = new StringBuilder();
      for (Object piece : key.pieces) {
        if (piece instanceof String) {
          out.append((String) piece);
        } else if (piece instanceof Capture) {
          out.append(capture((Capture) piece, "&"));
        } else {
          At at = (At) piece;
          JsonNode value = lookup(at);
          if (value.isNull() || value.isContainerNode()) {
            throw new RecordError(at.text + " is " + CompiledStep.kind(value) + ", not a key");
          }
          out.append(value.asText());
        }
      }
      return out.toString();
    }

    private int indexValue(Object op, String where) {
      if (op instanceof Integer) return (Integer) op;
      if (op instanceof Capture) return index(capture((Capture) op, "&"), where);
      At at = (At) op;
      JsonNode value = lookup(at);
      if (value.isIntegralNumber() && value.canConvertToInt()) {
        if (value.intValue() < 0) throw new RecordError(at.text + ": negative index " + value.intValue());
        return value.intValue();
      }
      if (value.isTextual()) return index(value.textValue(), at.text);
      throw new RecordError(at.text + " is " + CompiledStep.kind(value) + ", not an index");
    }

    private static int index(String text, String where) {
      int i;
      try {
        i = Integer.parseInt(text);
      } catch (NumberFormatException e) {
        throw new RecordError(where + ": index \"" + text + "\" is not a number");
      }
      if (i < 0) throw new RecordError(where + ": negative index " + i);
      return i;
    }

    // ---- writing ----

    void write(Rhs rhs, JsonNode value) {
      List<Object> parts = rhs.parts;
      Object[] path = new Object[parts.size()];
      for (int i = 0; i < path.length; i++) {
        Object part = parts.get(i);
        if (part instanceof Key) {
          path[i] = key((Key) part);
        } else {
          Object op = ((Index) part).op;
          path[i] = op == ShiftSyntax.APPEND ? op : (Object) indexValue(op, rhs.text);
        }
      }
      output = put(output, path, 0, value);
    }

    private JsonNode put(JsonNode node, Object[] path, int i, JsonNode value) {
      if (i == path.length) {
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
      Object part = path[i];
      if (part instanceof String) {
        ObjectNode object = node != null && node.isObject() ? ownedObject(node) : newObject();
        String key = (String) part;
        JsonNode child = object.get(key);
        JsonNode updated = put(child, path, i + 1, value);
        if (updated != child) object.set(key, updated);
        return object;
      }
      ArrayNode array = node != null && node.isArray() ? ownedArray(node) : newArray();
      if (part == ShiftSyntax.APPEND) {
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
}
