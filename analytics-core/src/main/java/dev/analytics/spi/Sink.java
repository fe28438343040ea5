package dev.analytics.spi;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Where records go: one dispatcher thread per sink reads batches from the log, transforms them and
 * calls {@link #send}. Several batches may be in flight at once ({@link #maxInFlight()}); they may
 * complete in any order, and the dispatcher still advances its cursor in log order, only past records
 * that were delivered or dead-lettered.
 *
 * <p>A sink never drops anything by itself: whatever it cannot deliver now it reports as
 * {@link Outcome#retryLater()}, and the core keeps it.
 */
public interface Sink {
  /**
   * Sends {@code batch} and completes with one outcome per record, in the batch's order. Must not block
   * for long; a stage that completes exceptionally, or a list of the wrong size, counts as "retry
   * later" for every record of the batch.
   */
  CompletionStage<List<Outcome>> send(List<Record> batch);

  /** Called once before the first {@link #send}. */
  default void open(Context context) {}

  /** The most records the dispatcher passes to one {@link #send}. */
  default int maxBatchRecords() {
    return 500;
  }

  /**
   * How long the dispatcher waits for a batch to fill before sending a partial one. It is also the most
   * a record waits before the dispatcher reads it (emit() wakes the dispatcher only for a full batch
   * or after a quiet spell); with no linger, that bound is 5 ms.
   */
  default Duration linger() {
    return Duration.ZERO;
  }

  /** How many {@link #send} calls may be outstanding at once. */
  default int maxInFlight() {
    return 1;
  }

  /** Masks any secret this sink holds (an API key in a header) in {@code text}; see {@link Transform#redact}. */
  default String redact(String text) {
    return text;
  }

  /** A short name for messages. */
  default String describe() {
    return getClass().getSimpleName();
  }

  /** Releases resources; called once when the owning {@link dev.analytics.Analytics} closes. */
  default void close() {}

  /** What the core offers a sink. */
  interface Context {
    /** The sink's name in this {@link dev.analytics.Analytics} instance. */
    String name();

    /**
     * Reports a configuration fault (a bad API key, a 401 or 403): the sink holds its records and
     * retries slowly, and the listener and log are told loudly.
     */
    void reportFault(String message);

    /** The fault reported before is gone (a request succeeded again). */
    void clearFault();
  }
}
