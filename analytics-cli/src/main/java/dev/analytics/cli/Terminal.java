package dev.analytics.cli;

/**
 * Whether standard output is an interactive terminal. A progress line is printed only there: under CI,
 * in a pipe or in a file nothing but the final summary appears, and never an escape code.
 */
enum Terminal {
  INTERACTIVE,
  NONE;

  static Terminal detect() {
    // System.console() is non-null only when both stdin and stdout are terminals.
    return System.console() != null ? INTERACTIVE : NONE;
  }

  boolean interactive() {
    return this == INTERACTIVE;
  }
}
