package dev.analytics.internal.incident;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * A condition that repeats while it lasts (the endpoint down, a bad key): logs one line when it starts,
 * a summary with counts at most once per {@code summaryEvery} while it lasts (on the first occurrence
 * after that), and one line when it ends, instead of a line per failed request. Times come from the
 * injected clock, so a test drives an hour of outage without sleeping. Thread-safe.
 */
// Shared with analytics-http (its endpoint outages) through a qualified export: one class for both.
public final class Incident {
  public static final Duration SUMMARY_EVERY = Duration.ofMinutes(1);

  private final Logger log;
  private final Level level;
  private final String subject;
  private final String consequence;
  private final Clock clock;
  private final Duration summaryEvery;
  private Instant started;
  private Instant lastSummary;
  private long occurrences;
  private long sinceSummary;

  /**
   * {@code subject} starts each line ({@code "amplitude: endpoint unavailable"}); {@code consequence} ends
   * the first ({@code "records are kept and retried"}); the start and the summaries log at {@code level},
   * the end at INFO.
   */
  public Incident(Logger log, Level level, String subject, String consequence, Clock clock, Duration summaryEvery) {
    this.log = log;
    this.level = level;
    this.subject = subject;
    this.consequence = consequence;
    this.clock = clock;
    this.summaryEvery = summaryEvery;
  }

  /** One more occurrence; {@code detail} (already redacted) says what happened this time. */
  public synchronized void occurred(String detail) {
    Instant now = clock.instant();
    occurrences++;
    if (started == null) {
      started = now;
      lastSummary = now;
      sinceSummary = 0;
      log.log(level, subject + ": " + detail + "; " + consequence + "; a summary follows at most every "
          + human(summaryEvery) + " while this lasts");
      return;
    }
    sinceSummary++;
    if (Duration.between(lastSummary, now).compareTo(summaryEvery) >= 0) {
      log.log(level, subject + " for " + human(Duration.between(started, now)) + ": " + sinceSummary
          + " more failure(s) in the last " + human(Duration.between(lastSummary, now)) + ", " + occurrences
          + " in all; last: " + detail);
      lastSummary = now;
      sinceSummary = 0;
    }
  }

  /** The condition is over: logs the end line, if it had started. */
  public synchronized void ended(String how) {
    if (started == null) return;
    log.log(Level.INFO, subject + " is over after " + human(Duration.between(started, clock.instant())) + " ("
        + occurrences + " failure(s) in all): " + how);
    started = null;
    occurrences = 0;
  }

  public synchronized boolean ongoing() {
    return started != null;
  }

  /** {@code d} as an operator reads it: {@code 42 s}, {@code 3 min 5 s}, {@code 2 h 10 min}. */
  public static String human(Duration d) {
    long seconds = Math.max(0, d.toSeconds());
    if (seconds < 120) return seconds + " s";
    if (seconds < 7200) return (seconds / 60) + " min " + (seconds % 60) + " s";
    return (seconds / 3600) + " h " + (seconds % 3600 / 60) + " min";
  }
}
