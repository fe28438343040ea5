package dev.analytics;

/**
 * The local log is full ({@link WhenFull#BLOCK}) and delivery did not free space within the block
 * timeout. The event was not accepted; the caller may retry, or raise {@code maxDiskBytes}.
 */
public final class QueueFullException extends RuntimeException {
  public QueueFullException(String message) {
    super(message);
  }

  /** The public face of the log's own exception, which keeps its message and is kept as the cause. */
  static QueueFullException from(RuntimeException logFull) {
    QueueFullException e = new QueueFullException(logFull.getMessage());
    e.initCause(logFull);
    return e;
  }
}
