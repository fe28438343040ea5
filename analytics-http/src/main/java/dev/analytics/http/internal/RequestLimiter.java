package dev.analytics.http.internal;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/** Runs at most {@code max} asynchronous tasks at once; the others wait their turn, in order. */
final class RequestLimiter {
  /**
   * Tasks that complete synchronously (a send refused at once) start the next waiting task from their
   * completion callback: without a trampoline a long queue would nest that deep and overflow the stack.
   */
  private static final ThreadLocal<ArrayDeque<Runnable>> TRAMPOLINE = new ThreadLocal<>();

  private final int max;
  private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
  private int running;

  RequestLimiter(int max) {
    this.max = max;
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
      if (running >= max) {
        waiting.add(start);
        return result;
      }
      running++;
    }
    run(start);
    return result;
  }

  private void release() {
    Runnable next;
    synchronized (this) {
      next = waiting.poll();
      if (next == null) running--;
    }
    if (next != null) run(next);
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
