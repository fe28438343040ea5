package dev.analytics.internal;

import java.util.concurrent.atomic.LongAdder;

/** The engine's running totals, shared by its dispatchers. */
final class Counters {
  final LongAdder emitted = new LongAdder();
  final LongAdder delivered = new LongAdder();
  final LongAdder retried = new LongAdder();
  final LongAdder deadLettered = new LongAdder();
}
