package dev.analytics.http.internal;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/** Runs at most {@code max} asynchronous tasks at once; the others wait their turn, in order. */
final class RequestLimiter {
  private final int max;
  private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
  private int running;

  RequestLimiter(int max) {
    this.max = max;
  }

  <T> CompletableFuture<T> submit(Supplier<? extends java.util.concurrent.CompletionStage<T>> task) {
    CompletableFuture<T> result = new CompletableFuture<>();
    Runnable start = () -> {
      java.util.concurrent.CompletionStage<T> stage;
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
    start.run();
    return result;
  }

  private void release() {
    Runnable next;
    synchronized (this) {
      next = waiting.poll();
      if (next == null) running--;
    }
    if (next != null) next.run();
  }
}
