package dev.analytics.http.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.LongConsumer;
import java.util.function.LongFunction;
import java.util.function.Supplier;

/**
 * Runs at most {@link ConcurrencyLimit#current()} asynchronous tasks at once; the others wait their turn,
 * in order. When the limit rises, waiting tasks start as running ones finish; when it falls, running
 * tasks are not interrupted, the next ones just wait longer. Every attempt of a request, a retry too,
 * takes its turn here: a refused request gives its slot back when its answer arrives and waits in line
 * like any other before it is sent again. {@link #close()} fails the waiting tasks at once.
 */
final class RequestLimiter {
  /**
   * Tasks that complete synchronously (a send refused at once) start the next waiting task from their
   * completion callback: without a trampoline a long queue would nest that deep and overflow the stack.
   */
  private static final ThreadLocal<ArrayDeque<Runnable>> TRAMPOLINE = new ThreadLocal<>();

  private final ConcurrencyLimit limit;
  /** Each waiting task, to be started with the ticket {@link ConcurrencyLimit#started} returns for it. */
  private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
  private int running;
  private boolean closed;

  private record Waiting(LongConsumer start, CompletableFuture<?> result) {}

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

  /** Tasks waiting for a slot now. */
  synchronized int waiting() {
    return waiting.size();
  }

  <T> CompletableFuture<T> submit(Supplier<? extends CompletionStage<T>> task) {
    return submit(ticket -> task.get());
  }

  /**
   * Runs {@code task} when a slot is free, with the limit's ticket for that start (see
   * {@link ConcurrencyLimit#started}). After {@link #close()} the result fails at once.
   */
  <T> CompletableFuture<T> submit(LongFunction<? extends CompletionStage<T>> task) {
    CompletableFuture<T> result = new CompletableFuture<>();
    LongConsumer start = ticket -> {
      CompletionStage<T> stage;
      try {
        stage = task.apply(ticket);
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
    long ticket;
    synchronized (this) {
      if (closed) return CompletableFuture.failedFuture(new IllegalStateException("closed"));
      if (running >= limit.current() || !waiting.isEmpty()) {
        waiting.add(new Waiting(start, result));
        return result;
      }
      running++;
      ticket = limit.started(running);
    }
    run(() -> start.accept(ticket));
    return result;
  }

  /**
   * Starts no more tasks: the waiting ones (retries among them) fail at once with "closed"; running ones
   * end as they will.
   */
  void close() {
    List<Waiting> dropped;
    synchronized (this) {
      closed = true;
      dropped = new ArrayList<>(waiting);
      waiting.clear();
    }
    for (Waiting w : dropped) w.result().completeExceptionally(new IllegalStateException("closed"));
  }

  private void release() {
    ArrayDeque<Runnable> next = new ArrayDeque<>(1);
    synchronized (this) {
      running--;
      // The limit may have risen since the last start: start as many as it now allows.
      for (int max = limit.current(); running < max && !waiting.isEmpty(); ) {
        LongConsumer start = waiting.poll().start();
        running++;
        long ticket = limit.started(running);
        next.add(() -> start.accept(ticket));
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
