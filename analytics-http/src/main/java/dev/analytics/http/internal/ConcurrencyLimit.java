package dev.analytics.http.internal;

/** The number of requests {@link RequestLimiter} lets run at once: fixed, or {@link AdaptiveConcurrency}. */
interface ConcurrencyLimit {
  /** The limit now. */
  int current();

  /** A request started with {@code inFlight} requests running, itself included. */
  void started(int inFlight);

  /** A limit that never changes. */
  static ConcurrencyLimit fixed(int max) {
    return new ConcurrencyLimit() {
      @Override
      public int current() {
        return max;
      }

      @Override
      public void started(int inFlight) {}
    };
  }
}
