package dev.analytics.spi;

/**
 * A record could not be transformed. The message says which step failed and why; the record is
 * dead-lettered with it and the pipeline goes on with the next record.
 */
public final class TransformException extends Exception {
  public TransformException(String message) {
    super(message);
  }

  public TransformException(String message, Throwable cause) {
    super(message, cause);
  }
}
