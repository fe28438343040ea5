package dev.analytics.internal;

import java.util.concurrent.locks.LockSupport;

/**
 * Monotonic time and timed waits for the library's background threads (the dispatchers and the log
 * syncer), so that tests can drive lingering, polling and retry schedules with a fake instead of
 * sleeping. {@link #SYSTEM} is {@link System#nanoTime()} and {@link LockSupport}.
 *
 * <p>A thread parked through a ticker is woken only through the same ticker's {@link #unpark}, by its
 * time reaching the deadline, or spuriously (callers re-check their condition, as with
 * {@link LockSupport#parkNanos}).
 */
public interface Ticker {
  /** The real thing. */
  Ticker SYSTEM = new Ticker() {
    @Override
    public long nanoTime() {
      return System.nanoTime();
    }

    @Override
    public void parkNanos(Object blocker, long nanos) {
      LockSupport.parkNanos(blocker, nanos);
    }

    @Override
    public void unpark(Thread thread) {
      LockSupport.unpark(thread);
    }
  };

  /** Nanoseconds from an arbitrary origin; only differences mean anything. */
  long nanoTime();

  /** Parks the calling thread for up to {@code nanos}; may return earlier. */
  void parkNanos(Object blocker, long nanos);

  /** Makes {@code thread}'s current or next {@link #parkNanos} return. */
  void unpark(Thread thread);
}
