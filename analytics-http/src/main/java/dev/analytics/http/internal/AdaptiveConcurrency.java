package dev.analytics.http.internal;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * How many HTTP requests may run at once, adjusted from the endpoint's answers the way Vector's
 * adaptive request concurrency (ARC) does it: additive increase, multiplicative decrease (AIMD).
 *
 * <p>Time is cut into windows of about one round trip (the baseline RTT).
 * <ul>
 *   <li>Back-pressure (429, 503, a timeout): the limit is cut at once to {@value #BACKPRESSURE_DECREASE}
 *       of itself and a new window starts. Back-pressure on a request sent before that cut is the same
 *       overload and cuts nothing more; on a request sent after it (under the cut limit) it says the cut
 *       limit is still too many, and cuts again at once. Each request carries the number of cuts made
 *       when it started ({@link #started}'s ticket) to tell the two apart. Waiting for the window's end
 *       instead (as this class did before) let each slot a refusal freed be taken by the next request,
 *       refused in turn: a 429 every short round trip for a whole window.
 *   <li>At the end of a window without back-pressure, its mean RTT above the baseline by more than
 *       {@value #DEVIATION_SCALE} deviations (and at least {@value #MIN_RISE} of the baseline): the
 *       endpoint is queueing, cut to {@value #LATENCY_DECREASE};
 *   <li>else, if the limit was actually reached in the window (there was demand for more), one more;
 *       except that the limit that met back-pressure last is tried again only after
 *       {@value #PROBE_PAUSE_WINDOWS} windows, and each time that same limit meets back-pressure again
 *       the pause doubles (up to {@value #MAX_PROBE_PAUSE_WINDOWS} windows), until it holds for a
 *       window: at small limits, probing it every other round trip would make a third of all answers
 *       429s, and a steady capacity refuses the same probe every time.
 * </ul>
 * The baseline is an EWMA of the windows' mean RTTs, updated only from windows without back-pressure
 * (a fast 429 says nothing about how long real work takes). Never below 1, never above the ceiling.
 *
 * <p>Thread-safe: every method is synchronized (called once per request start and end).
 */
final class AdaptiveConcurrency implements ConcurrencyLimit {
  static final double BACKPRESSURE_DECREASE = 0.7;
  static final double LATENCY_DECREASE = 0.9;
  static final double DEVIATION_SCALE = 2.5;
  static final double MIN_RISE = 0.2;
  /** Weight of the newest window in the baseline and deviation EWMAs (Vector's default). */
  static final double EWMA_ALPHA = 0.4;
  /**
   * Two, not one: a request held long by the endpoint does not hold every other one behind it while
   * the first round trips are measured.
   */
  static final int INITIAL_LIMIT = 2;
  static final int PROBE_PAUSE_WINDOWS = 8;
  static final int MAX_PROBE_PAUSE_WINDOWS = 128;

  /** What a finished request says about the endpoint's capacity. */
  enum Signal {
    /** A response that took the time real work takes (2xx, and other statuses that are not back-pressure). */
    RESPONSE,
    /** 429, 503 or a timeout: the endpoint is saturated. */
    BACKPRESSURE,
    /** No information (a refused connection, the sink closing). */
    NONE
  }

  private final int ceiling;
  private final LongSupplier nanoTime;
  private int limit;

  private double baselineNanos = Double.NaN;
  private double deviationNanos;
  private long windowEndNanos;
  private long windowRttSum;
  private int windowResponses;
  private boolean windowBackpressure;
  private boolean windowReachedLimit;
  /** The limit at the last back-pressure cut (0: none yet), and the windows ended since. */
  private int backpressureLimit;
  private int windowsSinceCut;
  /** Windows to wait before trying {@link #backpressureLimit} again: doubles while it keeps failing. */
  private int probePause = PROBE_PAUSE_WINDOWS;
  /** Back-pressure cuts so far: tells a request sent before the last cut from one sent after it. */
  private long cuts;

  /** @param nanoTime a monotonic clock in nanoseconds ({@code System::nanoTime}; a fake one in tests) */
  AdaptiveConcurrency(int initial, int ceiling, LongSupplier nanoTime) {
    if (ceiling < 1) throw new IllegalArgumentException("ceiling < 1: " + ceiling);
    if (initial < 1) throw new IllegalArgumentException("initial < 1: " + initial);
    this.ceiling = ceiling;
    this.nanoTime = nanoTime;
    this.limit = Math.min(initial, ceiling);
  }

  @Override
  public synchronized int current() {
    return limit;
  }

  /** Returns the number of back-pressure cuts so far, for {@link #finished}. */
  @Override
  public synchronized long started(int inFlight) {
    if (inFlight >= limit) windowReachedLimit = true;
    return cuts;
  }

  /**
   * A request that started {@code rtt} ago finished, saying {@code signal}; {@code cutsAtStart} is what
   * {@link #started} returned for it.
   */
  synchronized void finished(Duration rtt, Signal signal, long cutsAtStart) {
    switch (signal) {
      case RESPONSE -> {
        windowRttSum += rtt.toNanos();
        windowResponses++;
      }
      case BACKPRESSURE -> {
        long now = nanoTime.getAsLong();
        if (cutsAtStart != cuts) return; // sent before the last cut: the overload it was made for
        probePause = limit == backpressureLimit
            ? Math.min(2 * probePause, MAX_PROBE_PAUSE_WINDOWS) // the same probe refused again
            : PROBE_PAUSE_WINDOWS;
        backpressureLimit = limit;
        windowsSinceCut = 0;
        limit = Math.max(1, (int) (limit * BACKPRESSURE_DECREASE));
        cuts++;
        startWindow(now);
        windowBackpressure = true;
        return;
      }
      case NONE -> {
        return;
      }
    }
    long now = nanoTime.getAsLong();
    if (Double.isNaN(baselineNanos) && windowResponses > 0 && !windowBackpressure) {
      // The first measurement is the baseline; there is nothing to compare it with yet.
      baselineNanos = (double) windowRttSum / windowResponses;
      startWindow(now);
      return;
    }
    if (now - windowEndNanos < 0) return;
    endWindow();
    startWindow(now);
  }

  private void endWindow() {
    windowsSinceCut++;
    if (windowBackpressure || windowResponses == 0) return; // cut already, or nothing measured
    double mean = (double) windowRttSum / windowResponses;
    if (Double.isNaN(baselineNanos)) {
      baselineNanos = mean;
      return;
    }
    if (backpressureLimit != 0 && limit >= backpressureLimit) probePause = PROBE_PAUSE_WINDOWS; // it held
    double threshold = baselineNanos + Math.max(DEVIATION_SCALE * deviationNanos, MIN_RISE * baselineNanos);
    if (mean > threshold) {
      limit = Math.max(1, (int) (limit * LATENCY_DECREASE));
    } else if (windowReachedLimit && limit < ceiling
        && (limit + 1 != backpressureLimit || windowsSinceCut > probePause)) {
      limit++;
    }
    deviationNanos += EWMA_ALPHA * (Math.abs(mean - baselineNanos) - deviationNanos);
    baselineNanos += EWMA_ALPHA * (mean - baselineNanos);
  }

  private void startWindow(long now) {
    long length = Double.isNaN(baselineNanos) ? 0 : (long) baselineNanos;
    windowEndNanos = now + length;
    windowRttSum = 0;
    windowResponses = 0;
    windowBackpressure = false;
    windowReachedLimit = false;
  }

  /** The baseline round trip the latency is compared with, or null before the first response. */
  synchronized Duration baseline() {
    return Double.isNaN(baselineNanos) ? null : Duration.ofNanos((long) baselineNanos);
  }
}
