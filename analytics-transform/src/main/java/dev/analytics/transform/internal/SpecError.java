package dev.analytics.transform.internal;

/** A spec is wrong; thrown while building, the pipeline prefixes it with the step that holds it. */
public final class SpecError extends RuntimeException {
  public SpecError(String reason) {
    super(reason);
  }
}
