package dev.analytics.http.internal;

/** The kinds of request body, as {@code BodyMode} names them for users. */
public enum BodyShape {
  /** One record per request, its value as the body. */
  PER_RECORD,
  /** A JSON array of the records' values. */
  JSON_ARRAY,
  /** Records differing only in one array field, merged into one body. */
  MERGE_ON_ARRAY_FIELD
}
