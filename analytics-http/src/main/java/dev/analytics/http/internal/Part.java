package dev.analytics.http.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * One record of a batch, serialized once for every request it may end up in (a split or a resend
 * re-plans parts without serializing them again).
 */
final class Part {
  /** Position in the batch handed to {@code send}. */
  final int index;
  /** The record's id. */
  final String id;
  /** Merge group: the record's value without the merge field, serialized; null when sent alone. */
  final String groupKey;
  /**
   * Merge mode: the value's fields before and after the merge field, each serialized as an object (so
   * the merged body keeps the field where the record had it), else null.
   */
  final byte[] before;
  final byte[] after;
  /** Serialized elements of the merge field (merge mode), else null. */
  final List<byte[]> elements;
  /** The whole value, serialized (non-merge modes and records that cannot be merged). */
  final byte[] whole;
  /** Elements of the value's {@code events} array (the merge field in merge mode), for Amplitude's indexes. */
  final List<JsonNode> events;
  /** Body bytes this part adds to a request. */
  final int size;

  /** A record that merges with others of its group: its value split around the merge field. */
  record Merged(String groupKey, byte[] before, byte[] after, List<byte[]> elements) {}

  /** Exactly one of {@code merged} and {@code whole} is non-null. */
  Part(int index, String id, Merged merged, byte[] whole, List<JsonNode> events) {
    this.index = index;
    this.id = id;
    this.groupKey = merged == null ? null : merged.groupKey();
    this.before = merged == null ? null : merged.before();
    this.after = merged == null ? null : merged.after();
    this.elements = merged == null ? null : merged.elements();
    this.whole = whole;
    this.events = events;
    int s = 0;
    if (elements != null) {
      for (byte[] e : elements) s += e.length + 1;
    } else {
      s = whole.length + 1;
    }
    this.size = s;
  }

  /** How many elements this part adds to a request: its merged events, or 1. */
  int count() {
    return elements != null ? Math.max(1, elements.size()) : 1;
  }
}
