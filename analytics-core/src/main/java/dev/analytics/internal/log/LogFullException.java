package dev.analytics.internal.log;

/**
 * The log stayed full for the whole block timeout, or the wait was interrupted; the record was not
 * appended. The API turns it into its public {@code QueueFullException}.
 */
public final class LogFullException extends RuntimeException {
  LogFullException(String message) {
    super(message);
  }
}
