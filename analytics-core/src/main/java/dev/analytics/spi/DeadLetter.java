package dev.analytics.spi;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A record that can never succeed as it is: rejected by a sink, or failed by a transform. It keeps the
 * original envelope, so {@link dev.analytics.DeadLetters#replay} can send it again with the same id.
 *
 * @param id the record's id, as assigned by {@code emit()}
 * @param sink the name of the sink that rejected it
 * @param reason why: the status and response excerpt, or the transform step and error; secrets masked
 * @param time when it was dead-lettered
 * @param envelope the stored envelope {@code {"id","timestamp","event"}}
 * @param transformed the transformed value that was sent, secrets masked; empty when a transform failed
 */
public record DeadLetter(String id, String sink, String reason, Instant time, JsonNode envelope,
    Optional<JsonNode> transformed) {
  public DeadLetter {
    Objects.requireNonNull(id, "id == null");
    Objects.requireNonNull(sink, "sink == null");
    Objects.requireNonNull(reason, "reason == null");
    Objects.requireNonNull(time, "time == null");
    Objects.requireNonNull(envelope, "envelope == null");
    Objects.requireNonNull(transformed, "transformed == null (use Optional.empty())");
  }

  /** A dead letter whose transformed value may be absent ({@code null}). */
  public DeadLetter(String id, String sink, String reason, Instant time, JsonNode envelope, JsonNode transformed) {
    this(id, sink, reason, time, envelope, Optional.ofNullable(transformed));
  }

  /** Without the values (the envelope may hold personal data): id, sink, reason and time. */
  @Override
  public String toString() {
    return "DeadLetter{id=" + id + ", sink=" + sink + ", reason=" + reason + ", time=" + time + "}";
  }
}
