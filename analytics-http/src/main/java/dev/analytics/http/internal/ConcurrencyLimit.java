package dev.analytics.http.internal;

/** The number of requests {@link RequestLimiter} lets run at once: fixed, or {@link AdaptiveConcurrency}. */
interface ConcurrencyLimit {
  /** The limit now. */
  int current();

  /**
   * A request started with {@code inFlight} requests running, itself included. Returns a ticket the
   * limit wants to see again when that request ends (the adaptive limit's cut count; 0 when fixed).
   */
  long started(int inFlight);

  /** A limit that never changes. */
  static ConcurrencyLimit fixed(int max) {
    return new ConcurrencyLimit() {
      @Override
      public int current() {
        return max;
      }

      @Override
      public long started(int inFlight) {
        return 0;
      }
    };
  }
}
