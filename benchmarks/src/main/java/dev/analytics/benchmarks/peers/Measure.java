package dev.analytics.benchmarks.peers;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * The four measures, each run in a child JVM of its own against one library and one {@link Receiver}.
 * Each returns its figures as JSON for {@link PeerReport}. Times are {@code System.nanoTime()}; no
 * measure sleeps a fixed time to wait for an outcome: waits poll the receiver with a deadline.
 */
enum Measure {
  /** (a) {@code emit} calls per second from one thread, flat out, after a warm-up. */
  THROUGHPUT,
  /** (b) per-call latency at a steady rate, open loop: each call timed from its intended start. */
  LATENCY,
  /** (c) events per second counted at the receiver, from the first emit to the N-th arrival. */
  END_TO_END,
  /** (d) heap after a full GC, every second, while emitting with the receiver answering 503. */
  HEAP;

  static final ObjectMapper JSON = new ObjectMapper();
  static final double[] PERCENTILES = {50, 90, 99, 99.9, 99.99};

  /** The settings of one mode (quick or full) for all measures. */
  record Settings(Duration throughputWarmup, Duration throughputTime, int latencyRate, Duration latencyWarmup,
      Duration latencyTime, int endToEndWarmupEvents, int endToEndEvents, Duration endToEndDeadline,
      int heapEvents, int heapRate, Duration heapMaxTime, Duration heapTail) {

    static final Settings FULL = new Settings(Duration.ofSeconds(2), Duration.ofSeconds(5), 20_000,
        Duration.ofSeconds(3), Duration.ofSeconds(10), 5_000, 50_000, Duration.ofSeconds(90), 1_000_000, 100_000,
        Duration.ofSeconds(90), Duration.ofSeconds(3));
    static final Settings QUICK = new Settings(Duration.ofMillis(500), Duration.ofSeconds(1), 20_000,
        Duration.ofSeconds(1), Duration.ofSeconds(2), 1_000, 5_000, Duration.ofSeconds(60), 100_000, 100_000,
        Duration.ofSeconds(20), Duration.ofSeconds(2));
  }

  ObjectNode run(PeerClient client, Receiver receiver, Settings s) throws Exception {
    return switch (this) {
      case THROUGHPUT -> throughput(client, s);
      case LATENCY -> latency(client, s);
      case END_TO_END -> endToEnd(client, receiver, s);
      case HEAP -> heap(client, receiver, s);
    };
  }

  static ObjectNode throughput(PeerClient client, Settings s) {
    int i = emitFor(client, 0, s.throughputWarmup());
    long start = System.nanoTime();
    int events = emitFor(client, i, s.throughputTime()) - i;
    double seconds = (System.nanoTime() - start) / 1e9;
    return JSON.createObjectNode().put("eventsPerSecond", events / seconds).put("events", events)
        .put("seconds", seconds);
  }

  /** Emits from event number {@code from} for {@code time}; returns the next event number. */
  private static int emitFor(PeerClient client, int from, Duration time) {
    long end = System.nanoTime() + time.toNanos();
    int i = from;
    do {
      for (int k = 0; k < 256; k++) client.emit(i++);
    } while (System.nanoTime() < end);
    return i;
  }

  /**
   * One thread calls at the steady rate; each call's latency runs from its intended start, so a stall
   * also counts for the calls it delayed (no coordinated omission). The pacing spins rather than parks:
   * parking's wake-up slack (~50 us) is the size of the gap at 20k/s. Same for every library. A library
   * that falls behind by more than the measured time, or makes under 90% of the rate, is saturated (it
   * cannot take the rate here): the run stops or ends and says so, and the report leaves its
   * percentiles out.
   */
  static ObjectNode latency(PeerClient client, Settings s) {
    Histogram fromIntended = new Histogram(Duration.ofMinutes(1).toNanos(), 3);
    Histogram service = new Histogram(Duration.ofMinutes(1).toNanos(), 3);
    long period = 1_000_000_000L / s.latencyRate();
    long start = System.nanoTime();
    long measureFrom = start + s.latencyWarmup().toNanos();
    long end = measureFrom + s.latencyTime().toNanos();
    long intended = start;
    int i = 0;
    int measured = 0;
    long lastDone = start;
    long giveUp = end + s.latencyTime().toNanos();
    boolean saturated = false;
    while (intended < end) {
      if (System.nanoTime() > giveUp) {
        saturated = true;
        break;
      }
      long now;
      while ((now = System.nanoTime()) < intended) Thread.onSpinWait();
      client.emit(i++);
      long done = System.nanoTime();
      lastDone = done;
      if (intended >= measureFrom) {
        fromIntended.recordValue(done - intended);
        service.recordValue(done - now);
        measured++;
      }
      intended += period;
    }
    // Over the measured window: below 90% of the rate the run measured a growing backlog, not the call
    // (one 1 s stall in 10 s still passes, and shows in the percentiles as it should).
    double achievedRate = measured > 0
        ? measured / Math.max(1e-9, (lastDone - measureFrom) / 1e9)
        : i / Math.max(1e-9, (lastDone - start) / 1e9);
    saturated |= measured == 0 || achievedRate < 0.9 * s.latencyRate();
    ObjectNode result = JSON.createObjectNode().put("rate", s.latencyRate()).put("events", measured)
        .put("saturated", saturated).put("achievedRate", achievedRate)
        .put("seconds", s.latencyTime().toNanos() / 1e9);
    result.set("fromIntendedMicros", percentiles(fromIntended));
    result.set("serviceMicros", percentiles(service));
    return result;
  }

  private static ObjectNode percentiles(Histogram h) {
    ObjectNode p = JSON.createObjectNode();
    for (double q : PERCENTILES) p.put(Markdown.percentileKey(q), h.getValueAtPercentile(q) / 1000.0);
    p.put("max", h.getMaxValue() / 1000.0);
    p.put("mean", h.getMean() / 1000.0);
    return p;
  }

  static ObjectNode endToEnd(PeerClient client, Receiver receiver, Settings s) {
    Duration deadline = s.endToEndDeadline();
    for (int i = 0; i < s.endToEndWarmupEvents(); i++) client.emit(i);
    client.flush();
    awaitEvents(receiver, s.endToEndWarmupEvents(), deadline);
    long events0 = receiver.events();
    long requests0 = receiver.requests();
    long bytes0 = receiver.wireBytes();
    long start = System.nanoTime();
    int n = s.endToEndEvents();
    for (int i = 0; i < n; i++) client.emit(s.endToEndWarmupEvents() + i);
    double emitSeconds = (System.nanoTime() - start) / 1e9;
    client.flush();
    long end = start + deadline.toNanos();
    while (receiver.events() - events0 < n && System.nanoTime() < end) LockSupport.parkNanos(200_000);
    long arrivedAt = System.nanoTime();
    long arrived = Math.min(n, receiver.events() - events0);
    double seconds = (arrivedAt - start) / 1e9;
    long requests = receiver.requests() - requests0;
    // Past the deadline (a starved machine) the rate is what arrived by then, marked incomplete.
    return JSON.createObjectNode().put("eventsPerSecond", arrived / seconds).put("events", n)
        .put("arrived", arrived).put("complete", arrived == n).put("seconds", seconds)
        .put("emitSeconds", emitSeconds).put("requests", requests)
        .put("eventsPerRequest", (double) n / Math.max(1, requests))
        .put("wireBytesPerEvent", (double) (receiver.wireBytes() - bytes0) / Math.max(1, arrived));
  }

  /** Polls until the receiver has counted {@code target} events; fails past the deadline. */
  private static void awaitEvents(Receiver receiver, long target, Duration deadline) {
    long end = System.nanoTime() + deadline.toNanos();
    while (receiver.events() < target) {
      if (System.nanoTime() > end) {
        throw new IllegalStateException("receiver counted " + receiver.events() + " of " + target + " events within "
            + deadline);
      }
      LockSupport.parkNanos(200_000);
    }
  }

  /**
   * The receiver answers 503 from the start; events go in at a steady rate (no faster than
   * {@code heapRate}) while a sampler runs {@code System.gc()} and reads the heap every second, and
   * on for {@code heapTail} after the last one. A library that cannot take them all within
   * {@code heapMaxTime} (a loaded machine) stops there; the result says how many went in.
   */
  static ObjectNode heap(PeerClient client, Receiver receiver, Settings s) throws InterruptedException {
    receiver.down();
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    ArrayNode samples = JSON.createArrayNode();
    long start = System.nanoTime();
    Thread sampler = new Thread(() -> {
      long next = start;
      while (!Thread.currentThread().isInterrupted()) {
        System.gc();
        samples.addArray().add((System.nanoTime() - start) / 1e9).add(memory.getHeapMemoryUsage().getUsed() / 1e6);
        next += 1_000_000_000L;
        LockSupport.parkNanos(next - System.nanoTime());
      }
    }, "peers-heap-sampler");
    sampler.setDaemon(true);
    sampler.start();
    int chunk = Math.max(1, s.heapRate() / 100); // one chunk per 10 ms
    long chunkNanos = 10_000_000L;
    long next = start;
    long stopAt = start + s.heapMaxTime().toNanos();
    int i = 0;
    while (i < s.heapEvents() && System.nanoTime() < stopAt) {
      LockSupport.parkNanos(next - System.nanoTime());
      for (int k = 0; k < chunk && i < s.heapEvents(); k++) client.emit(i++);
      next += chunkNanos;
    }
    double emitSeconds = (System.nanoTime() - start) / 1e9;
    long tailEnd = System.nanoTime() + s.heapTail().toNanos();
    for (long left; (left = tailEnd - System.nanoTime()) > 0; ) LockSupport.parkNanos(left);
    sampler.interrupt();
    sampler.join(Duration.ofMinutes(2).toMillis()); // also what makes its samples visible here
    if (sampler.isAlive()) throw new IllegalStateException("the heap sampler did not stop within 2 minutes");
    double peak = 0;
    for (var sample : samples) peak = Math.max(peak, sample.get(1).asDouble());
    ObjectNode result = JSON.createObjectNode().put("events", i).put("emitSeconds", emitSeconds)
        .put("peakMegabytes", peak)
        .put("lastMegabytes", samples.isEmpty() ? 0 : samples.get(samples.size() - 1).get(1).asDouble())
        .put("requestsRefused", receiver.refused());
    result.set("samples", samples);
    return result;
  }
}
