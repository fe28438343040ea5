package dev.analytics.kafka.internal;

import dev.analytics.spi.Outcome;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;

/**
 * Maps what the producer reports for one record to an {@link Outcome}. Nothing is ever dropped here:
 * only a record that can never fit the topic is rejected; everything else is retried, and errors that
 * retrying cannot fix by itself (credentials, ACLs, a bad topic name) are also {@linkplain #isFault
 * faults}, so the core holds the sink and alerts instead of spinning quietly.
 */
public final class ProducerErrors {
  private static final int MAX_MESSAGE_CHARS = 300;

  private ProducerErrors() {}

  /** The outcome of a record whose send completed with {@code error} ({@code null}: acknowledged). */
  public static Outcome classify(Exception error, String topic) {
    if (error == null) return Outcome.delivered();
    if (error instanceof RecordTooLargeException || error instanceof RecordBatchTooLargeException) {
      return Outcome.rejected("record too large for kafka topic " + topic + ": " + describe(error));
    }
    return Outcome.retryLater();
  }

  /**
   * True for errors that persist until someone changes a setting or an ACL: authentication and
   * authorization errors, and any other non-retriable error except a record too large.
   */
  public static boolean isFault(Exception error) {
    if (error == null || error instanceof RetriableException) return false;
    if (error instanceof AuthenticationException || error instanceof AuthorizationException) return true;
    if (error instanceof RecordTooLargeException || error instanceof RecordBatchTooLargeException) return false;
    // Closed or interrupted producers throw plain IllegalStateException / InterruptException: transient.
    return error instanceof org.apache.kafka.common.errors.ApiException;
  }

  /** The error's class and message, bounded: what a fault or a dead letter reports. */
  public static String describe(Exception error) {
    String message = error.getMessage();
    String text = error.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    return text.length() > MAX_MESSAGE_CHARS ? text.substring(0, MAX_MESSAGE_CHARS) + "..." : text;
  }
}
