package dev.analytics.testsupport;

import dev.analytics.internal.Ticker;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A {@link Ticker} whose time moves only when a test {@linkplain #advance advances} it. A thread parked
 * on it stays parked until its deadline is reached or the ticker {@linkplain #unpark unparks} it (no
 * spurious wake-ups), so a test can observe that a background thread decided to wait, and for how long,
 * instead of sleeping and hoping.
 */
public final class FakeTicker implements Ticker {
  private long now = 1_000_000_000L; // guarded by this
  private final Set<Thread> permits = new HashSet<>(); // guarded by this
  private final Map<Thread, Long> parkedFor = new HashMap<>(); // guarded by this
  private final Map<String, Integer> unparks = new HashMap<>(); // guarded by this; by thread name

  @Override
  public synchronized long nanoTime() {
    return now;
  }

  @Override
  public void parkNanos(Object blocker, long nanos) {
    Thread me = Thread.currentThread();
    synchronized (this) {
      long deadline = now + nanos;
      parkedFor.put(me, nanos);
      try {
        while (now - deadline < 0 && !permits.remove(me)) wait();
      } catch (InterruptedException e) {
        me.interrupt();
      } finally {
        parkedFor.remove(me);
        notifyAll(); // whoever waits to see this thread park or run
      }
    }
  }

  @Override
  public synchronized void unpark(Thread thread) {
    permits.add(thread);
    unparks.merge(thread.getName(), 1, Integer::sum);
    notifyAll();
  }

  /** Moves time forward, waking the threads whose deadlines it reaches. */
  public synchronized void advance(Duration duration) {
    now += duration.toNanos();
    notifyAll();
  }

  /**
   * How long the thread named {@code threadName} asked to park, if it is parked now and has no permit
   * to wake up (it will not run before an unpark or an {@link #advance}); -1 otherwise.
   */
  public synchronized long parkedNanos(String threadName) {
    for (Map.Entry<Thread, Long> entry : parkedFor.entrySet()) {
      if (entry.getKey().getName().equals(threadName) && !permits.contains(entry.getKey())) return entry.getValue();
    }
    return -1;
  }

  /** How often {@link #unpark} was called for the thread named {@code threadName}. */
  public synchronized int unparks(String threadName) {
    return unparks.getOrDefault(threadName, 0);
  }
}
