package dev.analytics.internal.settings;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses byte sizes: a plain count ({@code 1048576}) or a count with a unit, decimal ({@code kB},
 * {@code MB}, {@code GB}, {@code TB}: powers of 1000) or binary ({@code KiB}, {@code MiB}, {@code GiB},
 * {@code TiB}, and the short {@code K}, {@code M}, {@code G}, {@code T}: powers of 1024), case-insensitive.
 */
public final class ByteSize {
  private static final Pattern SIZE = Pattern.compile("\\s*(\\d+)\\s*([A-Za-z]*)\\s*");

  private ByteSize() {}

  public static long parse(String text) {
    Matcher m = SIZE.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "invalid byte size \"" + text + "\": expected forms like 1048576, 64KiB, 512MiB, 1GB");
    }
    long multiplier;
    switch (m.group(2).toLowerCase(Locale.ROOT)) {
      case "": case "b": multiplier = 1; break;
      case "kb": multiplier = 1000L; break;
      case "mb": multiplier = 1000L * 1000; break;
      case "gb": multiplier = 1000L * 1000 * 1000; break;
      case "tb": multiplier = 1000L * 1000 * 1000 * 1000; break;
      case "k": case "kib": multiplier = 1L << 10; break;
      case "m": case "mib": multiplier = 1L << 20; break;
      case "g": case "gib": multiplier = 1L << 30; break;
      case "t": case "tib": multiplier = 1L << 40; break;
      default:
        throw new IllegalArgumentException(
            "invalid byte size \"" + text + "\": unknown unit \"" + m.group(2) + "\" (use B, KiB, MiB, GiB, kB, MB, GB)");
    }
    try {
      return Math.multiplyExact(Long.parseLong(m.group(1)), multiplier);
    } catch (ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException("invalid byte size \"" + text + "\": too large");
    }
  }

  /**
   * {@code bytes} in the unit that {@code written} uses ({@code 131072} as {@code 128 KiB} when the user
   * wrote {@code 64KiB}), so a message speaks the user's units; null when {@code written} has none.
   */
  public static String inUnitOf(String written, long bytes) {
    Matcher m = SIZE.matcher(written == null ? "" : written);
    if (!m.matches() || m.group(2).isEmpty() || m.group(2).equalsIgnoreCase("b")) return null;
    String unit = m.group(2);
    long multiplier;
    try {
      multiplier = parse("1" + unit);
    } catch (IllegalArgumentException e) {
      return null;
    }
    if (bytes % multiplier == 0) return (bytes / multiplier) + " " + unit;
    return new java.math.BigDecimal(bytes).divide(java.math.BigDecimal.valueOf(multiplier), 3,
        java.math.RoundingMode.HALF_UP).stripTrailingZeros().toPlainString() + " " + unit;
  }
}
