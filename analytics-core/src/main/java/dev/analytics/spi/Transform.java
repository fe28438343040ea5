package dev.analytics.spi;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Turns a record's value into what the sink sends, just before sending (never before storing, so
 * secrets rendered into a transform never reach the disk). Implementations are built once, must be
 * thread-safe, and must not mutate their input.
 *
 * <p>{@code analytics-transform} implements this with Jolt; a plain lambda works too:
 * {@code value -> value.get("event")}.
 */
@FunctionalInterface
public interface Transform {
  /**
   * Returns the transformed value, never {@code null}.
   *
   * @throws TransformException when this record cannot be transformed; it is dead-lettered with the
   *     message
   */
  JsonNode apply(JsonNode value) throws TransformException;

  /** A short name for messages, such as {@code infinyon/jolt@0.3.0}. */
  default String describe() {
    return getClass().getSimpleName();
  }

  /**
   * Masks any secret this transform holds in {@code text}. The core calls it on everything derived
   * from a transformed value before writing it to the dead-letter log, so that no secret reaches the disk.
   */
  default String redact(String text) {
    return text;
  }
}
