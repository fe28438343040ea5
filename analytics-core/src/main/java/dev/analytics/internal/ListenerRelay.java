package dev.analytics.internal;

import dev.analytics.Listener;
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

  private final Listener listener;
  private final ExecutorService executor;

  ListenerRelay(Listener listener, String name) {
    this.listener = listener;
    this.executor = listener == Listener.NONE
        ? null
        : new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), runnable -> {
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
      // Closed: late events are not delivered to the listener.
    }
  }

  void close(long timeoutMillis) {
    if (executor == null) return;
    executor.shutdown();
    try {
      executor.awaitTermination(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
