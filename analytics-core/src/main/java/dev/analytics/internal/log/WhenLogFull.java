package dev.analytics.internal.log;

/**
 * What an append does when the log has reached its disk cap: the internal twin of the public
 * {@code WhenFull}, which the builder maps onto it so that nothing internal depends on the API package.
 */
public enum WhenLogFull {
  /** Wait up to the block timeout for delivery to free space, then throw {@link LogFullException}. */
  BLOCK,
  /** Drop the record being appended. */
  DROP_NEWEST,
  /** Drop the oldest undelivered segment to make room. */
  DROP_OLDEST
}
