package dev.analytics.internal.settings;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses durations in the humantime form that Fluvio's connector files use: {@code 500ms}, {@code 15s},
 * {@code 1m}, {@code 1h 30m}, {@code 2days}. Units: {@code ns}/{@code nsec}, {@code us}/{@code usec},
 * {@code ms}/{@code msec}/{@code millis}, {@code s}/{@code sec}/{@code secs}/{@code second}/{@code seconds},
 * {@code m}/{@code min}/{@code mins}/{@code minute}/{@code minutes}, {@code h}/{@code hr}/{@code hrs}/{@code hour}/{@code hours},
 * {@code d}/{@code day}/{@code days}, {@code w}/{@code week}/{@code weeks}.
 */
public final class HumanDuration {
  private static final Pattern PART = Pattern.compile("\\s*(\\d+)\\s*([a-zA-Z]+)\\s*");

  private HumanDuration() {}

  /**
   * @throws IllegalArgumentException quoting the text when it is not a humantime duration
   */
  public static Duration parse(String text) {
    Objects.requireNonNull(text, "text == null");
    if (text.isBlank()) throw new IllegalArgumentException("empty duration");
    Matcher m = PART.matcher(text);
    Duration total = Duration.ZERO;
    int end = 0;
    while (end < text.length()) {
      if (!m.find(end) || m.start() != end) {
        throw new IllegalArgumentException(
            "invalid duration \"" + text + "\": expected forms like 500ms, 15s, 1m, 1h 30m");
      }
      long amount;
      try {
        amount = Long.parseLong(m.group(1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("invalid duration \"" + text + "\": number too large");
      }
      total = total.plus(unit(m.group(2), text).multipliedBy(amount));
      end = m.end();
    }
    return total;
  }

  /**
   * The humantime form of {@code duration}, largest units first: {@code 1m 30s}, {@code 250ms},
   * {@code 0s}. {@link #parse} reads it back to the same value.
   */
  public static String format(Duration duration) {
    Objects.requireNonNull(duration, "duration == null");
    if (duration.isZero()) return "0s";
    if (duration.isNegative()) return "-" + format(duration.negated());
    StringBuilder out = new StringBuilder();
    long days = duration.toDays();
    append(out, days, "d");
    append(out, duration.toHoursPart(), "h");
    append(out, duration.toMinutesPart(), "m");
    append(out, duration.toSecondsPart(), "s");
    append(out, duration.toMillisPart(), "ms");
    int nanos = duration.toNanosPart() % 1_000_000;
    append(out, nanos / 1000, "us");
    append(out, nanos % 1000, "ns");
    return out.toString();
  }

  private static void append(StringBuilder out, long amount, String unit) {
    if (amount == 0) return;
    if (out.length() > 0) out.append(' ');
    out.append(amount).append(unit);
  }

  private static Duration unit(String unit, String text) {
    switch (unit.toLowerCase(Locale.ROOT)) {
      case "ns": case "nsec": case "nanos":
        return Duration.ofNanos(1);
      case "us": case "usec": case "micros":
        return Duration.ofNanos(1000);
      case "ms": case "msec": case "millis":
        return Duration.ofMillis(1);
      case "s": case "sec": case "secs": case "second": case "seconds":
        return Duration.ofSeconds(1);
      case "m": case "min": case "mins": case "minute": case "minutes":
        return Duration.ofMinutes(1);
      case "h": case "hr": case "hrs": case "hour": case "hours":
        return Duration.ofHours(1);
      case "d": case "day": case "days":
        return Duration.ofDays(1);
      case "w": case "week": case "weeks":
        return Duration.ofDays(7);
      default:
        throw new IllegalArgumentException("invalid duration \"" + text + "\": unknown unit \"" + unit + "\"");
    }
  }
}
