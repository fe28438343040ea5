package dev.analytics.transform.internal.json;

/**
 * One record cannot pass a step (a missing {@code @(...)} key, a bad index). Thrown per record, so it
 * skips the stack trace; the pipeline turns it into a {@link dev.analytics.spi.TransformException} naming
 * the step.
 */
public final class RecordError extends RuntimeException {
  public RecordError(String reason) {
    super(reason, null, false, false);
  }
}
