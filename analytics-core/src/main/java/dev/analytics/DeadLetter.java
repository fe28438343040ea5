package dev.analytics;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A record that can never succeed as it is: rejected by a sink, or failed by a transform. It keeps the
 * original envelope, so {@link DeadLetters#replay} can send it again with the same id.
 */
public final class DeadLetter {
  private final String id;
  private final String sink;
  private final String reason;
  private final Instant time;
  private final JsonNode envelope;
  private final JsonNode transformed;

  public DeadLetter(
      String id, String sink, String reason, Instant time, JsonNode envelope, JsonNode transformed) {
    this.id = Objects.requireNonNull(id, "id == null");
    this.sink = Objects.requireNonNull(sink, "sink == null");
    this.reason = Objects.requireNonNull(reason, "reason == null");
    this.time = Objects.requireNonNull(time, "time == null");
    this.envelope = Objects.requireNonNull(envelope, "envelope == null");
    this.transformed = transformed;
  }

  /** The record's id, as assigned by {@code emit()}. */
  public String id() {
    return id;
  }

  /** The name of the sink that rejected it. */
  public String sink() {
    return sink;
  }

  /** Why: the status and response excerpt, or the transform step and error. Secrets are masked. */
  public String reason() {
    return reason;
  }

  /** When it was dead-lettered. */
  public Instant time() {
    return time;
  }

  /** The stored envelope {@code {"id","timestamp","event"}}. */
  public JsonNode envelope() {
    return envelope;
  }

  /** The transformed value that was sent, with secrets masked; empty when a transform failed. */
  public Optional<JsonNode> transformed() {
    return Optional.ofNullable(transformed);
  }

  @Override
  public String toString() {
    return "DeadLetter{id=" + id + ", sink=" + sink + ", reason=" + reason + ", time=" + time + "}";
  }
}
