package dev.analytics.connector;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * One entry of a connector file's {@code transforms:} list: the module name ({@code uses:}) and its
 * {@code with:} section, secrets not rendered (the transform renders them and keeps the values in
 * memory only).
 *
 * @param index the position in the list, from 0
 * @param uses the {@code uses:} name as written, for example {@code infinyon/jolt@0.3.0}
 * @param with the {@code with:} section, an empty object when absent
 * @param line the line of the step in the file, or -1 when unknown
 */
public record TransformStep(int index, String uses, JsonNode with, int line) {
  public TransformStep {
    Objects.requireNonNull(uses, "uses == null");
    with = Objects.requireNonNull(with, "with == null").deepCopy();
  }

  /** A copy of the {@code with:} section: callers cannot change this step. */
  @Override
  public JsonNode with() {
    return with.deepCopy();
  }

  @Override
  public String toString() {
    return "transforms[" + index + "] " + uses;
  }
}
