package dev.analytics;

/**
 * What {@link Analytics#emit} does when the log has reached {@link Analytics.Builder#maxDiskBytes}. Every
 * drop is counted in {@link Stats#dropped()} and reported to {@link dev.analytics.spi.Listener#onDropped}.
 */
public enum WhenFull {
  /**
   * Wait up to {@link Analytics.Builder#blockTimeout} for delivery to free space, then throw
   * {@link QueueFullException}. The default: nothing is dropped silently.
   */
  BLOCK,
  /** Drop the event being emitted. */
  DROP_NEWEST,
  /** Drop the oldest undelivered segment of the log to make room. */
  DROP_OLDEST
}
