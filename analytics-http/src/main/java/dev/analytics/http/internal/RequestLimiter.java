package dev.analytics.http.internal;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Runs at most {@link ConcurrencyLimit#current()} asynchronous tasks at once; the others wait their turn,
 * in order. When the limit rises, waiting tasks start as running ones finish; when it falls, running
 * tasks are not interrupted, the next ones just wait longer.
 */
final class RequestLimiter {
  /**
   * Tasks that complete synchronously (a send refused at once) start the next waiting task from their
   * completion callback: without a trampoline a long queue would nest that deep and overflow the stack.
   */
  private static final ThreadLocal<ArrayDeque<Runnable>> TRAMPOLINE = new ThreadLocal<>();

  private final ConcurrencyLimit limit;
  private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
  private int running;

  RequestLimiter(int max) {
    this(ConcurrencyLimit.fixed(max));
  }

  RequestLimiter(ConcurrencyLimit limit) {
    this.limit = limit;
  }

  /** Tasks running now. */
  synchronized int running() {
    return running;
  }

  <T> CompletableFuture<T> submit(Supplier<? extends CompletionStage<T>> task) {
    CompletableFuture<T> result = new CompletableFuture<>();
    Runnable start = () -> {
      CompletionStage<T> stage;
      try {
        stage = task.get();
      } catch (Throwable t) {
        stage = CompletableFuture.failedFuture(t);
      }
      stage.whenComplete((value, error) -> {
        release();
        if (error != null) {
          result.completeExceptionally(error);
        } else {
          result.complete(value);
        }
      });
    };
    synchronized (this) {
      if (running >= limit.current() || !waiting.isEmpty()) {
        waiting.add(start);
        return result;
      }
      running++;
      limit.started(running);
    }
    run(start);
    return result;
  }

  private void release() {
    ArrayDeque<Runnable> next = new ArrayDeque<>(1);
    synchronized (this) {
      running--;
      // The limit may have risen since the last start: start as many as it now allows.
      for (int max = limit.current(); running < max && !waiting.isEmpty(); ) {
        next.add(waiting.poll());
        running++;
        limit.started(running);
      }
    }
    for (Runnable task : next) run(task);
  }

  private static void run(Runnable task) {
    ArrayDeque<Runnable> queue = TRAMPOLINE.get();
    if (queue != null) {
      queue.add(task); // an outer run() on this thread picks it up
      return;
    }
    queue = new ArrayDeque<>();
    TRAMPOLINE.set(queue);
    try {
      for (Runnable r = task; r != null; r = queue.poll()) r.run();
    } finally {
      TRAMPOLINE.remove();
    }
  }
}
