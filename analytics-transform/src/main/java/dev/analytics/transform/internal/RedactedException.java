package dev.analytics.transform.internal;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * A stand-in for an exception on its way into a cause chain that may be logged or stored: exception
 * messages (jolt-core's, a step's) may quote a rendered secret. It keeps the original's class name and
 * message, masked, its stack trace and its causes, copied the same way; suppressed exceptions are
 * left out. Printed, it reads like the original: {@code java.lang.IllegalStateException: key ****}.
 */
public final class RedactedException extends RuntimeException {
  private RedactedException(String description, Throwable cause) {
    super(description, cause, false, true);
  }

  /** A masked copy of {@code original} and its causes; {@code redact} masks a text. */
  public static RedactedException of(Throwable original, UnaryOperator<String> redact) {
    return copy(original, redact, Collections.newSetFromMap(new IdentityHashMap<>()));
  }

  private static RedactedException copy(Throwable original, UnaryOperator<String> redact, Set<Throwable> seen) {
    seen.add(original);
    Throwable cause = original.getCause();
    RedactedException copiedCause = cause == null || seen.contains(cause) ? null : copy(cause, redact, seen);
    RedactedException copy = new RedactedException(redact.apply(original.toString()), copiedCause);
    copy.setStackTrace(original.getStackTrace());
    return copy;
  }

  /** The original's class name and masked message, without this class's name in front. */
  @Override
  public String toString() {
    return getMessage();
  }
}
