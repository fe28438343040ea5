package dev.analytics.transform.internal.fluvio;

import dev.analytics.transform.internal.json.JoltModel;

import com.fasterxml.jackson.databind.JsonNode;
import dev.analytics.transform.internal.CompiledStep;
import dev.analytics.transform.internal.json.SpecError;
import dev.analytics.transform.internal.fluvio.ShiftSyntax.At;
import dev.analytics.transform.internal.fluvio.ShiftSyntax.Capture;
import dev.analytics.transform.internal.fluvio.ShiftSyntax.Index;
import dev.analytics.transform.internal.fluvio.ShiftSyntax.Key;
import dev.analytics.transform.internal.fluvio.ShiftSyntax.Lhs;
import dev.analytics.transform.internal.fluvio.ShiftSyntax.Rhs;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A shift spec parsed once: per object of the spec, its infallible keys ({@code $}, {@code @}, {@code #}),
 * literal keys, {@code &} keys and star/pipe patterns. References are checked against the levels they
 * can see, and only a reference that no input can satisfy (a level above the root, a capture group its
 * pattern never has) is refused here; one that some input can satisfy is left to fail per record.
 */
final class ShiftSpec {
  private ShiftSpec() {}

  /** One object of the spec. */
  static final class Node {
    final List<Infallible> infallibles = new ArrayList<>();
    final Map<String, Child> literals = new LinkedHashMap<>();
    final List<Child> amps = new ArrayList<>();
    final List<Child> patterns = new ArrayList<>();
  }

  /** A {@code $...}, {@code @...} or {@code #...} key: evaluated once per visited object. */
  static final class Infallible {
    final Lhs lhs;
    final List<Rhs> outputs;

    Infallible(Lhs lhs, List<Rhs> outputs) {
      this.lhs = lhs;
      this.outputs = outputs;
    }
  }

  /** A key that matches input keys: a nested {@link Node} or a leaf's outputs (empty for a null RHS). */
  static final class Child {
    final Lhs lhs;
    final Pattern[] patterns;
    final Node node;
    final List<Rhs> outputs;

    Child(Lhs lhs, Node node, List<Rhs> outputs) {
      this.lhs = lhs;
      this.node = node;
      this.outputs = outputs;
      patterns = lhs.kind == Lhs.Kind.PATTERN ? regexes(lhs.alternatives) : null;
    }

    private static Pattern[] regexes(List<List<String>> alternatives) {
      Pattern[] patterns = new Pattern[alternatives.size()];
      for (int i = 0; i < patterns.length; i++) {
        StringBuilder regex = new StringBuilder();
        List<String> segments = alternatives.get(i);
        for (int j = 0; j < segments.size(); j++) {
          if (j > 0) regex.append("(.*?)");
          if (!segments.get(j).isEmpty()) regex.append(Pattern.quote(segments.get(j)));
        }
        patterns[i] = Pattern.compile(regex.toString(), Pattern.DOTALL);
      }
      return patterns;
    }
  }

  /** @throws SpecError when the spec is malformed or holds a reference that can never succeed */
  static Node parse(JsonNode spec) {
    return node(spec, List.of(1));
  }

  /**
   * @param levels for each level visible here, from the root down, how many captures its key can have
   *     (1 + the stars of its pattern)
   */
  private static Node node(JsonNode spec, List<Integer> levels) {
    Node node = new Node();
    Set<String> seen = new HashSet<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = spec.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = e.getKey();
      JsonNode value = e.getValue();
      Lhs lhs = ShiftSyntax.parseLhs(key);
      if (!seen.add(key)) throw SpecError.in("duplicate LHS key", key);
      if (lhs.infallible()) {
        node.infallibles.add(infallible(key, lhs, value, levels));
        continue;
      }
      if (lhs.kind == Lhs.Kind.AMP) check(lhs.capture, "&", levels);
      List<Integer> inner = with(levels, groups(lhs));
      Child child;
      if (value.isObject()) {
        child = new Child(lhs, node(value, inner), null);
      } else {
        child = new Child(lhs, null, outputs(value, inner));
      }
      switch (lhs.kind) {
        case LITERAL:
          if (node.literals.put(lhs.literal, child) != null) {
            throw SpecError.in("duplicate LHS key", key);
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

  /**
   * Its value sees the levels as they are; its output paths see the current level entered a second
   * time (as Fluvio's engine does), so one more level with the same captures.
   */
  private static Infallible infallible(String key, Lhs lhs, JsonNode value, List<Integer> levels) {
    if (value.isObject()) {
      throw SpecError.at("LHS", key, -1, "takes a string or an array of strings as RHS, not an object");
    }
    if (lhs.capture != null) check(lhs.capture, "$", levels);
    if (lhs.at != null) check(lhs.at, levels);
    return new Infallible(lhs, outputs(value, with(levels, levels.get(levels.size() - 1))));
  }

  private static List<Integer> with(List<Integer> levels, int groups) {
    List<Integer> inner = new ArrayList<>(levels);
    inner.add(groups);
    return inner;
  }

  private static int groups(Lhs lhs) {
    if (lhs.kind != Lhs.Kind.PATTERN) return 1;
    int max = 0;
    for (List<String> alternative : lhs.alternatives) max = Math.max(max, alternative.size() - 1);
    return max + 1;
  }

  private static List<Rhs> outputs(JsonNode value, List<Integer> levels) {
    List<Rhs> outputs = outputs(value);
    for (Rhs rhs : outputs) check(rhs, levels);
    return outputs;
  }

  private static List<Rhs> outputs(JsonNode value) {
    if (value.isNull()) return Collections.emptyList();
    if (value.isTextual()) return List.of(ShiftSyntax.parseRhs(value.textValue()));
    if (value.isArray()) {
      List<Rhs> list = new ArrayList<>(value.size());
      for (JsonNode element : value) {
        if (!element.isTextual()) {
          throw new SpecError("an RHS array holds strings only, got " + JoltModel.kind(element));
        }
        list.add(ShiftSyntax.parseRhs(element.textValue()));
      }
      return list;
    }
    throw new SpecError("an RHS must be a string, an array of strings, an object or null, got "
        + JoltModel.kind(value) + " " + value);
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
}
