package dev.analytics.spi;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Hears what happens inside an {@link dev.analytics.Analytics} instance. Every method has a no-op default; implement
 * the ones you need. Calls come from the library's own threads, never from {@code emit()}; they must be
 * fast and must not throw (a throwing listener is logged and ignored).
 */
public interface Listener {
  /** A listener that does nothing. */
  Listener NONE = new Listener() {};

  /**
   * {@code count} events were dropped because the log was full, by the when-full {@code policy}: the
   * name of the {@code dev.analytics.WhenFull} constant, {@code "DROP_NEWEST"} or {@code "DROP_OLDEST"}.
   */
  default void onDropped(String policy, long count) {}

  /** Corrupt bytes were skipped while reading {@code segment} at {@code offset}. */
  default void onCorruption(Path segment, long offset, long skippedRecords, String detail) {}

  /**
   * The sink acknowledged {@code records} records of sink {@code sink} as delivered: one call per
   * acknowledged batch (or part of one), never per record. {@code oldest} and {@code newest} are how long
   * the oldest and the newest of them waited from {@code emit()} to this acknowledgement (by the
   * instance's clock): every record of the batch waited between the two.
   */
  default void onDelivered(String sink, int records, Duration oldest, Duration newest) {}

  /** A record was dead-lettered. */
  default void onDeadLetter(DeadLetter letter) {}

  /** {@code records} records of sink {@code sink} will be retried after {@code delay}. */
  default void onRetry(String sink, int records, Duration delay) {}

  /** A sink reported a configuration fault; it holds its records until the fault is fixed. */
  default void onSinkFault(String sink, String message) {}

  /** The sink's configuration fault is gone. */
  default void onSinkFaultCleared(String sink) {}

  /** Writing or fsyncing the log failed; affected records were not reported durable. */
  default void onStorageError(IOException error) {}
}
