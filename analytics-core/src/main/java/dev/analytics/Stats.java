package dev.analytics;

import java.time.Duration;

/** A snapshot of an {@link Analytics} instance's counters, from {@link Analytics#stats()}. */
public final class Stats {
  private final long queuedRecords;
  private final long queuedBytes;
  private final Duration oldestQueuedAge;
  private final long emitted;
  private final long delivered;
  private final long retried;
  private final long deadLettered;
  private final long dropped;
  private final long corruptSkipped;
  private final long storageErrors;

  /** For implementations and tests; users get instances from {@link Analytics#stats()}. */
  public Stats(
      long queuedRecords,
      long queuedBytes,
      Duration oldestQueuedAge,
      long emitted,
      long delivered,
      long retried,
      long deadLettered,
      long dropped,
      long corruptSkipped,
      long storageErrors) {
    this.queuedRecords = queuedRecords;
    this.queuedBytes = queuedBytes;
    this.oldestQueuedAge = oldestQueuedAge;
    this.emitted = emitted;
    this.delivered = delivered;
    this.retried = retried;
    this.deadLettered = deadLettered;
    this.dropped = dropped;
    this.corruptSkipped = corruptSkipped;
    this.storageErrors = storageErrors;
  }

  /** Records in the log not yet delivered or dead-lettered by every sink. */
  public long queuedRecords() {
    return queuedRecords;
  }

  /** Bytes of the log from the slowest sink's cursor to the end. */
  public long queuedBytes() {
    return queuedBytes;
  }

  /** How long the oldest queued record has waited; zero when nothing is queued. */
  public Duration oldestQueuedAge() {
    return oldestQueuedAge;
  }

  /** Events accepted by {@code emit()} since this instance started. */
  public long emitted() {
    return emitted;
  }

  /** Records delivered, summed over sinks, since this instance started. */
  public long delivered() {
    return delivered;
  }

  /** Records sent again after a "retry later", summed over sinks. */
  public long retried() {
    return retried;
  }

  /** Records written to the dead-letter log. */
  public long deadLettered() {
    return deadLettered;
  }

  /** Events dropped by the when-full policy. */
  public long dropped() {
    return dropped;
  }

  /** Corrupt records skipped when reading the log. */
  public long corruptSkipped() {
    return corruptSkipped;
  }

  /** Failed writes or fsyncs of the log (full disk, I/O errors). */
  public long storageErrors() {
    return storageErrors;
  }

  @Override
  public String toString() {
    return "Stats{queuedRecords=" + queuedRecords
        + ", queuedBytes=" + queuedBytes
        + ", oldestQueuedAge=" + oldestQueuedAge
        + ", emitted=" + emitted
        + ", delivered=" + delivered
        + ", retried=" + retried
        + ", deadLettered=" + deadLettered
        + ", dropped=" + dropped
        + ", corruptSkipped=" + corruptSkipped
        + ", storageErrors=" + storageErrors
        + "}";
  }
}
