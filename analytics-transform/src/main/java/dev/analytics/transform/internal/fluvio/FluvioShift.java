package dev.analytics.transform.internal.fluvio;

import com.fasterxml.jackson.databind.JsonNode;
import dev.analytics.transform.internal.CompiledStep;
import dev.analytics.transform.internal.json.JoltModel;
import dev.analytics.transform.internal.json.RecordError;
import dev.analytics.transform.internal.json.SpecError;
import dev.analytics.transform.internal.fluvio.ShiftSpec.Child;
import dev.analytics.transform.internal.fluvio.ShiftSpec.Infallible;
import dev.analytics.transform.internal.fluvio.ShiftSpec.Node;
import dev.analytics.transform.internal.fluvio.ShiftSyntax.At;
import dev.analytics.transform.internal.fluvio.ShiftSyntax.Capture;
import dev.analytics.transform.internal.fluvio.ShiftSyntax.Index;
import dev.analytics.transform.internal.fluvio.ShiftSyntax.Key;
import dev.analytics.transform.internal.fluvio.ShiftSyntax.Rhs;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fluvio's {@code shift}, written here because its syntax and matching differ from jolt-core's Shiftr
 * (see {@code fluvio-jolt.md}): explicit {@code &(n,m)} / {@code $(n,m)} / {@code @(n,rhs)} forms,
 * backslash escapes, star/pipe patterns tried in spec order (jolt-core sorts them by specificity),
 * and record errors where jolt-core silently skips. This class walks the input and evaluates
 * references; {@link ShiftSpec} holds the parsed spec and {@link ShiftOutput} writes the output.
 *
 * <p>Levels: every object the spec descends into is one level, with the captures of the key that led
 * to it and its value. A scalar met where the spec has an object is matched by its text form as a key,
 * and is itself the value of that match.
 */
public final class FluvioShift {
  private final Node root;

  private FluvioShift(Node root) {
    this.root = root;
  }

  /** @throws SpecError when the spec is malformed or holds a reference that can never succeed */
  public static FluvioShift parse(JsonNode spec) {
    return new FluvioShift(ShiftSpec.parse(spec));
  }

  /** @throws RecordError when a reference of the spec fails on this input */
  public JsonNode apply(JsonNode input) {
    Run run = new Run();
    JsonNode value = input == null ? JoltModel.NODES.nullNode() : input;
    run.push(new String[] {""}, value);
    run.visit(root, value);
    return run.output.result();
  }

  // ---- one run over one record ----

  private static final class Run {
    String[][] captures = new String[8][];
    JsonNode[] values = new JsonNode[8];
    int depth;
    final ShiftOutput output = new ShiftOutput();

    void push(String[] caps, JsonNode value) {
      if (depth == values.length) {
        captures = Arrays.copyOf(captures, depth * 2);
        values = Arrays.copyOf(values, depth * 2);
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

    /** Visits {@code input}, the value of the top level, with the spec object {@code node}. */
    void visit(Node node, JsonNode input) {
      for (Infallible inf : node.infallibles) writeInfallible(inf);
      if (input.isObject()) {
        for (Iterator<Map.Entry<String, JsonNode>> it = input.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          match(node, e.getKey(), e.getValue());
        }
      } else if (input.isArray()) {
        for (int i = 0; i < input.size(); i++) match(node, Integer.toString(i), input.get(i));
      } else {
        match(node, ScalarText.of(input), input);
      }
    }

    /**
     * The value is computed with the levels as they are; the output paths are evaluated after entering
     * the top level a second time, so there {@code &(0)} and {@code &(1)} both give the key that led
     * here, and {@code @(0,x)} and {@code @(1,x)} both look in its value.
     */
    private void writeInfallible(Infallible inf) {
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
      push(captures[depth - 1], values[depth - 1]);
      try {
        for (Rhs rhs : inf.outputs) write(rhs, value);
      } finally {
        pop();
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
            throw new RecordError(at.text + " is " + JoltModel.kind(value) + ", not a key");
          }
          out.append(ScalarText.of(value));
        }
      }
      return out.toString();
    }

    private int indexValue(Object op, String where) {
      if (op instanceof Integer) return (Integer) op; // bounded when the spec was parsed
      if (op instanceof Capture) return index(capture((Capture) op, "&"), where);
      At at = (At) op;
      JsonNode value = lookup(at);
      if (value.isIntegralNumber() && value.canConvertToInt()) return bounded(value.intValue(), at.text);
      if (value.isTextual()) return index(value.textValue(), at.text);
      throw new RecordError(at.text + " is " + JoltModel.kind(value) + ", not an index");
    }

    private static int index(String text, String where) {
      int i;
      try {
        i = Integer.parseInt(text);
      } catch (NumberFormatException e) {
        throw new RecordError(where + ": index \"" + text + "\" is not a number");
      }
      return bounded(i, where);
    }

    /**
     * Writing at index n pads the array with nulls up to it: an index taken from a record must not
     * let one record allocate an array of billions of elements (the process would run out of memory,
     * not just fail the record).
     */
    private static int bounded(int i, String where) {
      if (i < 0) throw new RecordError(where + ": negative index " + i);
      if (i > ShiftSyntax.MAX_INDEX) {
        throw new RecordError(where + ": index " + i + " is over the limit of " + ShiftSyntax.MAX_INDEX);
      }
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
          path[i] = op == ShiftSyntax.APPEND ? ShiftOutput.APPEND : (Object) indexValue(op, rhs.text);
        }
      }
      output.write(path, value);
    }
  }
}
