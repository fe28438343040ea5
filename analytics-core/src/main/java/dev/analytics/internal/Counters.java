package dev.analytics.internal;

import java.util.concurrent.atomic.LongAdder;

/** Running totals: the engine's (emitted), and one per dispatcher (the rest), summed by the engine. */
final class Counters {
  final LongAdder emitted = new LongAdder();
  final LongAdder delivered = new LongAdder();
  final LongAdder retried = new LongAdder();
  final LongAdder deadLettered = new LongAdder();
}
