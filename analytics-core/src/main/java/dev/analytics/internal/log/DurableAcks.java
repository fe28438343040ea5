package dev.analytics.internal.log;

import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The futures of {@link EventLog#appendAsync} when every append is synced: each completes
 * with its record's id once an fsync covers the record, never before. One thread ("acker") asks the
 * log's group commit for the fsyncs, so it shares them with blocking appenders: whichever syncs first
 * covers the others. While it syncs, appenders go on appending; the next sync covers all of those at
 * once, so one thread pipelining appends is limited by the disk's bandwidth, not its fsync latency.
 *
 * <p>The acker starts with the first pending record and waits (no polling) while none is pending;
 * an append wakes it only then. Futures complete on the acker thread: dependent stages that are not
 * {@code *Async} run there and must be short.
 */
final class DurableAcks {
  /** How the acker reaches the log. */
  interface Log {
    /** Returns once every record below {@code seqExclusive} is fsynced; throws as a SYNC append would. */
    void awaitDurable(long seqExclusive);

    /** Every record below this is fsynced. */
    long syncedSeq();

    /** Records below this were written before an fsync failed: never durable. */
    long suspectBelow();

    /** The exception a SYNC append gets for a record below {@link #suspectBelow()}. */
    UncheckedIOException notDurable();
  }

  private final Log log;
  private final String threadName;
  private final Object monitor = new Object();
  private final ArrayDeque<Pending> pending = new ArrayDeque<>(); // guarded by monitor
  private long highestPending; // guarded by monitor; exclusive seq
  private boolean idle; // guarded by monitor
  private boolean closed; // guarded by monitor
  private Thread acker; // guarded by monitor

  DurableAcks(Log log, String threadName) {
    this.log = log;
    this.threadName = threadName;
  }

  /** Completes {@code future} with {@code id} once the record {@code seq} is fsynced. Called in seq order. */
  void add(long seq, String id, CompletableFuture<String> future) {
    synchronized (monitor) {
      if (closed) {
        future.completeExceptionally(new IllegalStateException("closed"));
        return;
      }
      pending.addLast(new Pending(seq, id, future));
      highestPending = Math.max(highestPending, seq + 1);
      if (acker == null) {
        acker = new Thread(this::run, threadName);
        acker.setDaemon(true);
        acker.start();
      } else if (idle) {
        monitor.notify();
      }
    }
  }

  /**
   * Stops the acker after the log's final sync: completes what that sync covered and fails the rest
   * with {@code reason}.
   */
  void close(Supplier<RuntimeException> reason) {
    Thread thread;
    synchronized (monitor) {
      closed = true;
      monitor.notifyAll();
      thread = acker;
    }
    if (thread != null) {
      try {
        thread.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    settle(null);
    List<Pending> left;
    synchronized (monitor) {
      left = new ArrayList<>(pending);
      pending.clear();
    }
    for (Pending p : left) p.future.completeExceptionally(reason.get());
  }

  private void run() {
    while (true) {
      long target;
      synchronized (monitor) {
        while (pending.isEmpty() && !closed) {
          idle = true;
          try {
            monitor.wait();
          } catch (InterruptedException e) {
            // Not ours to stop on: close() ends this thread.
          }
          idle = false;
        }
        if (closed) return; // close() settles what is left after the log's final sync
        target = highestPending;
      }
      UncheckedIOException failure = null;
      try {
        log.awaitDurable(target);
      } catch (UncheckedIOException e) {
        failure = e;
      } catch (RuntimeException e) {
        failure = new UncheckedIOException(new java.io.IOException("fsync wait failed", e));
      }
      settle(failure);
    }
  }

  /** Completes every pending future the log's state decides: durable, or never to be. */
  private void settle(UncheckedIOException failure) {
    long synced = log.syncedSeq();
    long suspect = log.suspectBelow();
    List<Pending> durable = new ArrayList<>();
    List<Pending> failed = new ArrayList<>();
    synchronized (monitor) {
      // Pending is in seq order (records register under the append lock), and both verdicts cover a
      // prefix of seqs: stop at the first record neither covers instead of walking every pending one.
      while (!pending.isEmpty()) {
        Pending p = pending.peekFirst();
        if (p.seq < suspect) failed.add(p);
        else if (p.seq < synced) durable.add(p);
        else break;
        pending.removeFirst();
      }
    }
    for (Pending p : durable) p.future.complete(p.id);
    if (!failed.isEmpty()) {
      UncheckedIOException reason = failure != null ? failure : log.notDurable();
      for (Pending p : failed) p.future.completeExceptionally(reason);
    }
  }

  private static final class Pending {
    final long seq;
    final String id;
    final CompletableFuture<String> future;

    Pending(long seq, String id, CompletableFuture<String> future) {
      this.seq = seq;
      this.id = id;
      this.future = future;
    }
  }
}
