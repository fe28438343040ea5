package dev.analytics.http;

import java.util.Objects;

/**
 * How the records of one request become its body.
 *
 * <ul>
 *   <li>{@link #perRecord()}: one record per request, the record's value as the body: exactly what
 *       Fluvio's {@code http-sink} does.
 *   <li>{@link #jsonArray()}: a JSON array of the records' values, {@code [v1, v2, ...]}.
 *   <li>{@link #mergeOn(String) mergeOn("events")}: records that are objects differing only in the
 *       array field {@code events} are merged into one body whose {@code events} is the concatenation,
 *       so the seed chain's {@code {"events":[e],"api_key":k}} records become
 *       {@code {"events":[e1,...,en],"api_key":k}}. Records that differ elsewhere go into separate
 *       bodies; records that are not such objects are sent one per request.
 * </ul>
 */
public final class BodyMode {
  /** The kinds of body. */
  public enum Kind {
    PER_RECORD,
    JSON_ARRAY,
    MERGE_ON_ARRAY_FIELD
  }

  private static final BodyMode PER_RECORD = new BodyMode(Kind.PER_RECORD, null);
  private static final BodyMode JSON_ARRAY = new BodyMode(Kind.JSON_ARRAY, null);

  private final Kind kind;
  private final String field;

  private BodyMode(Kind kind, String field) {
    this.kind = kind;
    this.field = field;
  }

  /** One record per request (Fluvio http-sink's behaviour). */
  public static BodyMode perRecord() {
    return PER_RECORD;
  }

  /** A JSON array of records per request. */
  public static BodyMode jsonArray() {
    return JSON_ARRAY;
  }

  /** Merges records that differ only in the array field {@code field}. */
  public static BodyMode mergeOn(String field) {
    Objects.requireNonNull(field, "field == null");
    if (field.isEmpty()) throw new IllegalArgumentException("merge field is empty");
    return new BodyMode(Kind.MERGE_ON_ARRAY_FIELD, field);
  }

  public Kind kind() {
    return kind;
  }

  /** The merge field; {@code null} unless {@link #kind()} is {@code MERGE_ON_ARRAY_FIELD}. */
  public String field() {
    return field;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BodyMode && ((BodyMode) o).kind == kind && Objects.equals(((BodyMode) o).field, field);
  }

  @Override
  public int hashCode() {
    return kind.hashCode() * 31 + Objects.hashCode(field);
  }

  @Override
  public String toString() {
    return field == null ? kind.name().toLowerCase(java.util.Locale.ROOT) : "merge on " + field;
  }
}
