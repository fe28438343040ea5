package dev.analytics.spi;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Objects;

/**
 * One event as the pipeline sees it: the id and timestamp stamped by {@link dev.analytics.Analytics#emit} and a JSON
 * value. Read back from the log, the value is the stored envelope
 * {@code {"id": "...", "timestamp": "...", "event": {...}}}; after the transforms it is whatever they
 * produced (for Amplitude, the request body). The id never changes across retries or restarts, which
 * makes it the natural {@code insert_id}.
 *
 * <p>Read back from the log, the envelope's {@code event} is an {@code ObjectNode} whose fields are parsed
 * from the stored bytes the first time anything reads them; written to JSON unread, it is those bytes.
 * A chain that passes the event through whole never parses it. To the code that reads it, it is an
 * ordinary object node.
 */
public final class Record {
  private final String id;
  private final Instant timestamp;
  private final JsonNode value;

  private Record(String id, Instant timestamp, JsonNode value) {
    this.id = Objects.requireNonNull(id, "id == null");
    this.timestamp = Objects.requireNonNull(timestamp, "timestamp == null");
    this.value = Objects.requireNonNull(value, "value == null");
  }

  public static Record of(String id, Instant timestamp, JsonNode value) {
    return new Record(id, timestamp, value);
  }

  /** The time-ordered unique id assigned by {@code emit()}. */
  public String id() {
    return id;
  }

  /** When {@code emit()} accepted the event. */
  public Instant timestamp() {
    return timestamp;
  }

  /** The envelope, or the transformed value. Callers must not mutate it. */
  public JsonNode value() {
    return value;
  }

  /** The same record with another value, as a transform produces it. */
  public Record withValue(JsonNode newValue) {
    return new Record(id, timestamp, newValue);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Record
        && ((Record) o).id.equals(id)
        && ((Record) o).timestamp.equals(timestamp)
        && ((Record) o).value.equals(value);
  }

  @Override
  public int hashCode() {
    return id.hashCode();
  }

  @Override
  public String toString() {
    return "Record{id=" + id + ", timestamp=" + timestamp + "}";
  }
}
