package dev.analytics.spring;

import dev.analytics.spi.DeadLetter;
import dev.analytics.spi.Listener;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * Tells every listener bean, in order. Each call is guarded on its own, so a throwing user listener cannot
 * keep the {@link SinkFaultTracker} (and so the health indicator) from hearing a fault.
 */
class CompositeListener implements Listener {
  private static final System.Logger LOG = System.getLogger(CompositeListener.class.getName());

  private final List<Listener> listeners;

  /** Tells {@code listeners} as the list is at each call (a live list for {@link AnalyticsMeters}). */
  CompositeListener(List<Listener> listeners) {
    this.listeners = listeners;
  }

  static Listener of(List<Listener> listeners) {
    if (listeners.isEmpty()) return Listener.NONE;
    if (listeners.size() == 1) return listeners.get(0);
    return new CompositeListener(List.copyOf(listeners));
  }

  private void tell(Consumer<Listener> call) {
    tellEach(listeners, call, "analytics listener");
  }

  /** Calls each of {@code targets} in order; one that throws is logged as {@code kind} and the rest still hear it. */
  static <T> void tellEach(List<T> targets, Consumer<T> call, String kind) {
    for (T target : targets) {
      try {
        call.accept(target);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, kind + " " + target.getClass().getName() + " threw", e);
      }
    }
  }

  @Override
  public void onDropped(String policy, long count) {
    tell(l -> l.onDropped(policy, count));
  }

  @Override
  public void onCorruption(Path segment, long offset, long skippedRecords, String detail) {
    tell(l -> l.onCorruption(segment, offset, skippedRecords, detail));
  }

  @Override
  public void onDeadLetter(DeadLetter letter) {
    tell(l -> l.onDeadLetter(letter));
  }

  @Override
  public void onDelivered(String sink, int records, Duration oldest, Duration newest) {
    tell(l -> l.onDelivered(sink, records, oldest, newest));
  }

  @Override
  public void onRetry(String sink, int records, Duration delay) {
    tell(l -> l.onRetry(sink, records, delay));
  }

  @Override
  public void onSinkFault(String sink, String message) {
    tell(l -> l.onSinkFault(sink, message));
  }

  @Override
  public void onSinkFaultCleared(String sink) {
    tell(l -> l.onSinkFaultCleared(sink));
  }

  @Override
  public void onStorageError(IOException error) {
    tell(l -> l.onStorageError(error));
  }
}
