package dev.analytics.cli;

import java.time.Duration;
import java.util.Locale;

/** Sizes and durations as an operator reads them. */
final class Format {
  private Format() {}

  static String bytes(long bytes) {
    if (bytes < 1024) return bytes + " B";
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double value = bytes;
    int unit = -1;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
  }

  /** {@code 2h 3m}, {@code 45s}, {@code 1d 4h}: the two largest units. */
  static String duration(Duration duration) {
    long seconds = Math.max(0, duration.getSeconds());
    if (seconds == 0 && !duration.isZero()) return duration.toMillis() + "ms";
    long days = seconds / 86_400;
    long hours = seconds % 86_400 / 3600;
    long minutes = seconds % 3600 / 60;
    long secs = seconds % 60;
    if (days > 0) return days + "d " + hours + "h";
    if (hours > 0) return hours + "h " + minutes + "m";
    if (minutes > 0) return minutes + "m " + secs + "s";
    return secs + "s";
  }

  static String count(long count) {
    return String.format(Locale.ROOT, "%,d", count);
  }

  /** At most {@code max} characters of one line of {@code text}. */
  static String excerpt(String text, int max) {
    String line = text.replace('\n', ' ').replace('\r', ' ');
    return line.length() <= max ? line : line.substring(0, max - 1) + "…";
  }
}
