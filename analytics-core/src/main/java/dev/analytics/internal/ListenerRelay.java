package dev.analytics.internal;

import dev.analytics.spi.Listener;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Calls the user's listener on its own daemon thread, so that a slow listener never slows an emit or a
 * dispatcher, and a throwing one is logged and forgotten.
 */
final class ListenerRelay {
  private static final System.Logger LOG = System.getLogger(ListenerRelay.class.getName());

  /** Bounded so that a stuck listener cannot grow the heap; beyond it, events are counted and skipped. */
  private static final int MAX_QUEUED = 10_000;
  private final java.util.concurrent.atomic.AtomicLong skipped = new java.util.concurrent.atomic.AtomicLong();
  private final Listener listener;
  private final ExecutorService executor;

  ListenerRelay(Listener listener, String name) {
    this.listener = listener;
    this.executor = listener == Listener.NONE
        ? null
        : new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(MAX_QUEUED), runnable -> {
          Thread thread = new Thread(runnable, "analytics-listener-" + name);
          thread.setDaemon(true);
          return thread;
        });
  }

  void tell(Consumer<Listener> call) {
    if (executor == null) return;
    try {
      executor.execute(() -> {
        try {
          call.accept(listener);
        } catch (Throwable t) {
          LOG.log(System.Logger.Level.WARNING, "listener threw; ignored", t);
        }
      });
    } catch (RejectedExecutionException e) {
      // Closed, or the listener is this far behind: the event is not delivered to it.
      if (!executor.isShutdown() && (skipped.incrementAndGet() & 1023) == 1) {
        LOG.log(System.Logger.Level.WARNING, "listener is " + MAX_QUEUED + " events behind; "
            + skipped.get() + " events not delivered to it so far");
      }
    }
  }

  /** Lets the calls already queued finish, for up to {@code timeoutMillis}; says so if they did not. */
  void close(long timeoutMillis) {
    if (executor == null) return;
    executor.shutdown();
    try {
      if (!executor.awaitTermination(timeoutMillis, TimeUnit.MILLISECONDS)) {
        LOG.log(System.Logger.Level.WARNING,
            "the listener is still busy " + timeoutMillis + " ms after close began; its last calls may come after close()");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
