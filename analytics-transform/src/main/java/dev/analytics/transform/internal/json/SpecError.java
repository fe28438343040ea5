package dev.analytics.transform.internal.json;

/**
 * A spec is wrong; thrown while building, the pipeline prefixes it with the step that holds it. An error
 * found in one string of the spec (a key or an output path) names that string and, for a syntax error,
 * the offset in it, so that the pipeline can report both as written, before secrets were rendered.
 */
public final class SpecError extends RuntimeException {
  private final String what;
  private final String text;
  private final int position;
  private final String reason;

  public SpecError(String reason) {
    this(null, null, -1, reason);
  }

  private SpecError(String what, String text, int position, String reason) {
    super(message(what, text, position, reason));
    this.what = what;
    this.text = text;
    this.position = position;
    this.reason = reason;
  }

  /** {@code invalid RHS "a..b" at 2: empty path part}. */
  public static SpecError at(String what, String text, int position, String reason) {
    return new SpecError(what, text, position, reason);
  }

  /** {@code unsupported RHS "#2"}. */
  public static SpecError in(String what, String text) {
    return new SpecError(what, text, -1, null);
  }

  /** The spec string at fault as it was parsed (secrets rendered), or null if the error names none. */
  public String text() {
    return text;
  }

  /** The offset in {@link #text()} where parsing failed, or -1. */
  public int position() {
    return position;
  }

  /**
   * This message about the same string as written, at the offset {@code position} there.
   *
   * @param reasonShown false when the reason would quote a rendered secret: it is then left out
   */
  public String messageAsWritten(String writtenText, int writtenPosition, boolean reasonShown) {
    return message(what, writtenText, writtenPosition, reasonShown ? reason
        : "the rendered secret at this place does not fit the syntax (the reason is not shown, as it"
            + " would quote the secret)");
  }

  private static String message(String what, String text, int position, String reason) {
    if (what == null) return reason;
    return what + " \"" + text + "\"" + (position >= 0 ? " at " + position : "")
        + (reason != null ? ": " + reason : "");
  }
}
