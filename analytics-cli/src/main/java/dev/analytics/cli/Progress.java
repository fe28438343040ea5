package dev.analytics.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * One line, rewritten in place, with how much is done, the rate and the time left. Only on an
 * interactive terminal: elsewhere (CI, a pipe, a file) it prints nothing, so no control characters
 * reach a log.
 */
final class Progress {
  private static final long REDRAW_NANOS = Duration.ofMillis(250).toNanos();

  private final PrintWriter out;
  private final boolean enabled;
  private final String unit;
  private final LongSupplier nanoTime;
  private final long startNanos;
  private long lastDrawNanos;
  private int lastWidth;

  Progress(PrintWriter out, boolean enabled, String unit, LongSupplier nanoTime) {
    this.out = out;
    this.enabled = enabled;
    this.unit = unit;
    this.nanoTime = nanoTime;
    this.startNanos = nanoTime.getAsLong();
    this.lastDrawNanos = startNanos - REDRAW_NANOS;
  }

  void update(long done, long total) {
    if (!enabled) return;
    long now = nanoTime.getAsLong();
    if (now - lastDrawNanos < REDRAW_NANOS) return;
    lastDrawNanos = now;
    String line = line(done, total, Duration.ofNanos(now - startNanos));
    out.print("\r" + line + " ".repeat(Math.max(0, lastWidth - line.length())));
    out.flush();
    lastWidth = line.length();
  }

  void finish() {
    if (enabled && lastWidth > 0) {
      out.println();
      out.flush();
    }
  }

  /** {@code 12,345 / 50,000 records  24%  4,321/s  ETA 9s}. */
  String line(long done, long total, Duration elapsed) {
    double seconds = elapsed.toNanos() / 1e9;
    double rate = seconds > 0 ? done / seconds : 0;
    long left = Math.max(0, total - done);
    String eta = rate > 0 ? Format.duration(Duration.ofSeconds((long) Math.ceil(left / rate))) : "-";
    int percent = total > 0 ? (int) Math.min(100, done * 100 / total) : 100;
    return String.format(Locale.ROOT, "%s / %s %s  %d%%  %s/s  ETA %s", Format.count(done), Format.count(total),
        unit, percent, Format.count((long) rate), eta);
  }
}
