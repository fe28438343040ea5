package dev.analytics.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as written on a command line: {@code 500ms}, {@code 30s}, {@code 10m}, {@code 2h}, {@code 3d}, or ISO {@code PT1H}. */
final class Durations {
  private static final Pattern SIMPLE = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

  private Durations() {}

  /** Null if {@code text} is not a duration. */
  static Duration tryParse(String text) {
    String value = text.trim().toLowerCase(Locale.ROOT);
    Matcher simple = SIMPLE.matcher(value);
    if (simple.matches()) {
      long amount = Long.parseLong(simple.group(1));
      return switch (simple.group(2)) {
        case "ms" -> Duration.ofMillis(amount);
        case "s" -> Duration.ofSeconds(amount);
        case "m" -> Duration.ofMinutes(amount);
        case "h" -> Duration.ofHours(amount);
        default -> Duration.ofDays(amount);
      };
    }
    try {
      return Duration.parse(text.trim().toUpperCase(Locale.ROOT));
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  static Duration parse(String option, String text) {
    Duration duration = tryParse(text);
    if (duration == null || duration.isNegative()) {
      throw new CliException(AnalyticsCli.USAGE, option + " " + text + ": expected a duration such as 500ms, 30s, 10m, 2h, 3d");
    }
    return duration;
  }
}
