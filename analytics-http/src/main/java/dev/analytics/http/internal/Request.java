package dev.analytics.http.internal;

import java.util.List;

/** One planned HTTP request: its parts in body order, the body, and the event-index owners (or null). */
final class Request {
  final List<Part> parts;
  final byte[] body;
  /** For each index of the body's {@code events} array, the position of its part in {@code parts}. */
  final int[] eventOwner;

  Request(List<Part> parts, byte[] body, int[] eventOwner) {
    this.parts = parts;
    this.body = body;
    this.eventOwner = eventOwner;
  }

  /** Index in the body's {@code events} array of the first event of part {@code k}. */
  int firstEventOf(int k) {
    int start = 0;
    for (int i = 0; i < k; i++) start += parts.get(i).events.size();
    return start;
  }
}
