package dev.analytics;

import dev.analytics.internal.DeadLetterFile;
import dev.analytics.internal.log.LogFullException;
import dev.analytics.spi.DeadLetter;
import java.util.List;
import java.util.function.Predicate;

/** {@link DeadLetters} over the engine's dead-letter file, with the log's full condition made public. */
final class DeadLetterView implements DeadLetters {
  private final DeadLetterFile file;

  DeadLetterView(DeadLetterFile file) {
    this.file = file;
  }

  @Override
  public List<DeadLetter> list() {
    return file.list();
  }

  @Override
  public int replay(Predicate<DeadLetter> which) {
    try {
      return file.replay(which);
    } catch (LogFullException e) {
      throw QueueFullException.from(e);
    }
  }

  @Override
  public int purge(Predicate<DeadLetter> which) {
    return file.purge(which);
  }
}
