package dev.analytics.transform.internal;

import dev.analytics.transform.internal.json.SpecError;

import dev.analytics.transform.internal.json.JoltModel;

import com.bazaarvoice.jolt.CardinalityTransform;
import com.bazaarvoice.jolt.Defaultr;
import com.bazaarvoice.jolt.Modifier;
import com.bazaarvoice.jolt.Removr;
import com.bazaarvoice.jolt.Shiftr;
import com.bazaarvoice.jolt.Sortr;
import com.fasterxml.jackson.databind.JsonNode;
import dev.analytics.transform.internal.fluvio.FluvioDefault;
import dev.analytics.transform.internal.fluvio.FluvioRemove;
import dev.analytics.transform.internal.fluvio.FluvioShift;
import java.util.function.UnaryOperator;

/**
 * One operation of a chain, parsed once. A jolt-core step works on jolt-core's Map/List model (the
 * pipeline converts once per run of consecutive jolt-core steps); a Fluvio step works on Jackson trees
 * directly, treating them as immutable (copy on write), so it never needs a conversion or a deep copy.
 */
public final class CompiledStep {
  private final String label;
  private final UnaryOperator<Object> jolt;
  private final UnaryOperator<JsonNode> json;

  private CompiledStep(String label, UnaryOperator<Object> jolt, UnaryOperator<JsonNode> json) {
    this.label = label;
    this.jolt = jolt;
    this.json = json;
  }

  /** For messages: {@code infinyon/jolt shift}. */
  public String label() {
    return label;
  }

  /** True if this step runs on jolt-core's model ({@link #applyJolt}), false for Jackson trees ({@link #applyJson}). */
  public boolean joltModel() {
    return jolt != null;
  }

  /** Runs a jolt-core step; its input is a fresh tree the step may mutate. May return null. */
  public Object applyJolt(Object input) {
    return jolt.apply(input);
  }

  /** Runs a Fluvio step; does not mutate {@code input}; returns a NullNode rather than null. */
  public JsonNode applyJson(JsonNode input) {
    return json.apply(input);
  }

  /** The label a chain entry gets in messages, even when the entry is malformed. */
  public static String labelOf(Dialect dialect, JsonNode entry) {
    JsonNode op = entry == null ? null : entry.get("operation");
    return op != null && op.isTextual() ? dialect.label() + " " + op.textValue() : dialect.label();
  }

  /**
   * Parses one chain entry {@code {"operation": "...", "spec": ...}} (secrets already rendered).
   *
   * @throws SpecError with the reason when the entry or its spec is bad
   */
  public static CompiledStep compile(Dialect dialect, JsonNode entry) {
    String label = labelOf(dialect, entry);
    if (entry == null || !entry.isObject()) {
      throw new SpecError("a chain entry must be an object {\"operation\": ..., \"spec\": ...}, got " + JoltModel.kind(entry));
    }
    JsonNode opNode = entry.get("operation");
    if (opNode == null || !opNode.isTextual()) {
      throw new SpecError("\"operation\" must be a string, got " + JoltModel.kind(opNode));
    }
    String op = opNode.textValue();
    JsonNode spec = entry.get("spec");
    return dialect == Dialect.FLUVIO ? fluvio(label, op, spec) : joltCore(label, op, spec);
  }

  private static CompiledStep fluvio(String label, String op, JsonNode spec) {
    switch (op) {
      case "shift":
        return new CompiledStep(label, null, FluvioShift.parse(requireObject(spec))::apply);
      case "default":
        return new CompiledStep(label, null, FluvioDefault.parse(requireSpec(spec))::apply);
      case "remove":
        return new CompiledStep(label, null, FluvioRemove.parse(requireSpec(spec))::apply);
      default:
        throw new SpecError("unsupported operation \"" + op
            + "\" (infinyon/jolt knows shift, default and remove; use uses: jolt for jolt-core operations)");
    }
  }

  private static CompiledStep joltCore(String label, String op, JsonNode spec) {
    try {
      switch (op) {
        case "shift": {
          Shiftr t = new Shiftr(JoltModel.toJolt(requireObject(spec)));
          return new CompiledStep(label, t::transform, null);
        }
        case "default": {
          Defaultr t = new Defaultr(JoltModel.toJolt(requireObject(spec)));
          return new CompiledStep(label, t::transform, null);
        }
        case "remove": {
          Removr t = new Removr(JoltModel.toJolt(requireObject(spec)));
          return new CompiledStep(label, t::transform, null);
        }
        case "sort": {
          Sortr t = new Sortr();
          return new CompiledStep(label, t::transform, null);
        }
        case "cardinality": {
          CardinalityTransform t = new CardinalityTransform(JoltModel.toJolt(requireObject(spec)));
          return new CompiledStep(label, t::transform, null);
        }
        case "modify-overwrite-beta":
          return modifier(label, new Modifier.Overwritr(JoltModel.toJolt(requireObject(spec))));
        case "modify-default-beta":
          return modifier(label, new Modifier.Defaultr(JoltModel.toJolt(requireObject(spec))));
        case "modify-define-beta":
          return modifier(label, new Modifier.Definr(JoltModel.toJolt(requireObject(spec))));
        default:
          // jolt-core would also load a class by name; a config file must not instantiate arbitrary classes.
          throw new SpecError("unsupported operation \"" + op + "\" (jolt knows shift, default, remove, sort,"
              + " cardinality, modify-overwrite-beta, modify-default-beta, modify-define-beta)");
      }
    } catch (SpecError e) {
      throw e;
    } catch (RuntimeException e) { // jolt-core's SpecException and friends
      throw new SpecError(String.valueOf(e.getMessage()));
    }
  }

  private static CompiledStep modifier(String label, Modifier modifier) {
    return new CompiledStep(label, input -> modifier.transform(input, null), null);
  }

  private static JsonNode requireObject(JsonNode spec) {
    if (spec == null || !spec.isObject()) throw new SpecError("\"spec\" must be an object, got " + JoltModel.kind(spec));
    return spec;
  }

  private static JsonNode requireSpec(JsonNode spec) {
    if (spec == null || !(spec.isObject() || spec.isArray())) {
      throw new SpecError("\"spec\" must be an object, got " + JoltModel.kind(spec));
    }
    return spec;
  }

}
