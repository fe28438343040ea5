package dev.analytics;

import dev.analytics.spi.DeadLetter;
import java.util.List;
import java.util.function.Predicate;

/**
 * The dead-letter log of an {@link Analytics} instance, from {@link Analytics#deadLetters()}. Entries stay
 * on disk until replayed or purged.
 */
public interface DeadLetters {
  /** Every dead letter currently kept, oldest first. */
  List<DeadLetter> list();

  /**
   * Appends the envelopes of the matching dead letters to the event log again (same id and timestamp,
   * so a receiver that deduplicates on {@code insert_id} sees no duplicate) and removes them from the
   * dead-letter log. Returns how many were replayed.
   */
  int replay(Predicate<DeadLetter> which);

  /** Replays every dead letter. */
  default int replayAll() {
    return replay(letter -> true);
  }

  /** Removes the matching dead letters without replaying them; returns how many. */
  int purge(Predicate<DeadLetter> which);
}
