package dev.analytics.internal.log;

import java.util.Map;
import java.util.TreeMap;

/**
 * The seqs already counted as missing, as disjoint ranges: several readers (one per sink) and recovery
 * meet the same damage from different positions, and each missing record must be counted once.
 */
final class MissingSeqs {
  /** Range start to range end (exclusive), disjoint and not adjacent. */
  private final TreeMap<Long, Long> ranges = new TreeMap<>();

  /** Adds {@code [from, to)}; returns how many of those seqs were not counted before. */
  synchronized long add(long from, long to) {
    if (to <= from) return 0;
    long fresh = to - from;
    long start = from;
    long end = to;
    Map.Entry<Long, Long> before = ranges.floorEntry(from);
    if (before != null && before.getValue() >= from) {
      fresh -= Math.min(before.getValue(), to) - from;
      start = before.getKey();
      end = Math.max(end, before.getValue());
      ranges.remove(before.getKey());
    }
    Map.Entry<Long, Long> next;
    while ((next = ranges.ceilingEntry(from)) != null && next.getKey() <= to) {
      fresh -= Math.max(0, Math.min(next.getValue(), to) - next.getKey());
      end = Math.max(end, next.getValue());
      ranges.remove(next.getKey());
    }
    ranges.put(start, end);
    return fresh;
  }
}
