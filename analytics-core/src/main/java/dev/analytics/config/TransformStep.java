package dev.analytics.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * One entry of a connector file's {@code transforms:} list: the module name ({@code uses:}) and its
 * {@code with:} section, secrets not rendered (the transform renders them and keeps the values in
 * memory only).
 */
public final class TransformStep {
  private final int index;
  private final String uses;
  private final JsonNode with;
  private final int line;

  TransformStep(int index, String uses, JsonNode with, int line) {
    this.index = index;
    this.uses = Objects.requireNonNull(uses, "uses == null");
    this.with = Objects.requireNonNull(with, "with == null");
    this.line = line;
  }

  /** The position in the list, from 0. */
  public int index() {
    return index;
  }

  /** The {@code uses:} name as written, for example {@code infinyon/jolt@0.3.0}. */
  public String uses() {
    return uses;
  }

  /** A copy of the {@code with:} section, an empty object when absent. */
  public JsonNode with() {
    return with.deepCopy();
  }

  /** The line of the step in the file, or -1 when unknown. */
  public int line() {
    return line;
  }

  @Override
  public String toString() {
    return "transforms[" + index + "] " + uses;
  }
}
