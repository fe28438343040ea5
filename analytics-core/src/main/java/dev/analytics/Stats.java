package dev.analytics;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * A snapshot of an {@link Analytics} instance's counters, from {@link Analytics#stats()}: what waits in
 * the log ({@link Backlog}), what flowed through it ({@link Flow}), what went wrong ({@link Problems}),
 * and the same per sink ({@link #sinks()}). The counts are since this instance started; the backlog is
 * what is on disk now.
 *
 * @param backlog records waiting in the log, from the slowest sink's cursor
 * @param flow records accepted, delivered, retried and dead-lettered
 * @param problems drops, corruption and storage errors
 * @param sinks each sink's own view, by sink name, in the order the sinks were added
 */
public record Stats(Backlog backlog, Flow flow, Problems problems, Map<String, SinkStats> sinks) {
  public Stats {
    Objects.requireNonNull(backlog, "backlog == null");
    Objects.requireNonNull(flow, "flow == null");
    Objects.requireNonNull(problems, "problems == null");
    sinks = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(
        Objects.requireNonNull(sinks, "sinks == null")));
  }

  /**
   * One sink's view of the log and what it did since this instance started.
   *
   * @param backlog records from this sink's cursor to the end of the log, their bytes, and how long the
   *     oldest of them that the sink has read has waited
   * @param cursor the sink's position: every record below this sequence number is delivered or dead-lettered
   * @param delivered records this sink delivered, counted once its cursor has passed them (so a record
   *     is never counted both delivered and queued; {@code Listener.onDelivered} hears them earlier, when
   *     the sink answers)
   * @param retried records this sink sent again after a "retry later"
   * @param deadLettered records this sink dead-lettered
   * @param inFlightBatches batches handed to the sink and not answered yet
   */
  public record SinkStats(Backlog backlog, long cursor, long delivered, long retried, long deadLettered,
      int inFlightBatches) {
    public SinkStats {
      Objects.requireNonNull(backlog, "backlog == null");
    }
  }

  /**
   * What waits in the log, not yet delivered or dead-lettered by every sink.
   *
   * @param records records from the slowest sink's cursor to the end
   * @param bytes their bytes on disk (frames), from the slowest sink's cursor to the end
   * @param oldestAge how long the oldest of them has waited; zero when nothing waits
   */
  public record Backlog(long records, long bytes, Duration oldestAge) {
    public Backlog {
      Objects.requireNonNull(oldestAge, "oldestAge == null");
    }
  }

  /**
   * Records through the instance since it started.
   *
   * @param emitted events accepted by {@code emit()}
   * @param delivered records delivered, summed over sinks; each counted once its sink's cursor passed it
   * @param retried records sent again after a "retry later", summed over sinks
   * @param deadLettered records written to the dead-letter log
   */
  public record Flow(long emitted, long delivered, long retried, long deadLettered) {}

  /**
   * What went wrong since the instance started.
   *
   * @param dropped events dropped by the when-full policy
   * @param corruptSkipped records lost to corruption or missing segments, skipped when reading the log
   * @param storageErrors failed writes or fsyncs of the log (full disk, I/O errors)
   */
  public record Problems(long dropped, long corruptSkipped, long storageErrors) {}

  /** Records in the log not yet delivered or dead-lettered by every sink. */
  public long queuedRecords() {
    return backlog.records();
  }

  /** Bytes of the log from the slowest sink's cursor to the end. */
  public long queuedBytes() {
    return backlog.bytes();
  }

  /** How long the oldest queued record has waited; zero when nothing is queued. */
  public Duration oldestQueuedAge() {
    return backlog.oldestAge();
  }

  /** Events accepted by {@code emit()} since this instance started. */
  public long emitted() {
    return flow.emitted();
  }

  /** Records delivered, summed over sinks, since this instance started. */
  public long delivered() {
    return flow.delivered();
  }

  /** Records sent again after a "retry later", summed over sinks. */
  public long retried() {
    return flow.retried();
  }

  /** Records written to the dead-letter log. */
  public long deadLettered() {
    return flow.deadLettered();
  }

  /** Events dropped by the when-full policy. */
  public long dropped() {
    return problems.dropped();
  }

  /** Records lost to corruption or missing segments, skipped when reading the log. */
  public long corruptSkipped() {
    return problems.corruptSkipped();
  }

  /** Failed writes or fsyncs of the log (full disk, I/O errors). */
  public long storageErrors() {
    return problems.storageErrors();
  }
}
