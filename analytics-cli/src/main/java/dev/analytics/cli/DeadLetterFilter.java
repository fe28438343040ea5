package dev.analytics.cli;

import dev.analytics.spi.DeadLetter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import picocli.CommandLine.Option;

/** The filters every dead-letters command takes; all given filters must match. */
final class DeadLetterFilter {
  @Option(names = "--sink", paramLabel = "NAME", description = "Only this sink's dead letters (repeatable).")
  List<String> sinks = new ArrayList<>();

  @Option(names = "--reason", paramLabel = "TEXT", description = "Only those whose reason contains TEXT (ignoring case).")
  String reason;

  @Option(names = "--id", paramLabel = "ID", description = "Only the record with this id (repeatable).")
  List<String> ids = new ArrayList<>();

  @Option(names = "--since", paramLabel = "WHEN",
      description = "Only those dead-lettered at or after WHEN: an instant (2026-01-02T03:04:05Z), a date "
          + "(2026-01-02, UTC) or an age (90m, 2h, 3d ago).")
  String since;

  @Option(names = "--until", paramLabel = "WHEN", description = "Only those dead-lettered before WHEN (same forms).")
  String until;

  boolean isEmpty() {
    return sinks.isEmpty() && reason == null && ids.isEmpty() && since == null && until == null;
  }

  /** The filter over the fields both the stored form and the API's {@link DeadLetter} have. */
  LetterTest compile(Clock clock) {
    Instant from = since == null ? null : parseWhen("--since", since, clock);
    Instant to = until == null ? null : parseWhen("--until", until, clock);
    String needle = reason == null ? null : reason.toLowerCase(Locale.ROOT);
    return (id, sink, why, time) -> (sinks.isEmpty() || sinks.contains(sink))
        && (ids.isEmpty() || ids.contains(id))
        && (needle == null || why.toLowerCase(Locale.ROOT).contains(needle))
        && (from == null || !time.isBefore(from))
        && (to == null || time.isBefore(to));
  }

  Predicate<StoredDeadLetters.Letter> forStored(Clock clock) {
    LetterTest matcher = compile(clock);
    return letter -> matcher.matches(letter.id(), letter.sink(), letter.reason(), letter.time());
  }

  Predicate<DeadLetter> forApi(Clock clock) {
    LetterTest matcher = compile(clock);
    return letter -> matcher.matches(letter.id(), letter.sink(), letter.reason(), letter.time());
  }

  /** Matches a dead letter by its id, sink, reason and time. */
  @FunctionalInterface
  interface LetterTest {
    boolean matches(String id, String sink, String reason, Instant time);
  }

  static Instant parseWhen(String option, String text, Clock clock) {
    String value = text.trim();
    Duration ago = Durations.tryParse(value);
    if (ago != null) return clock.instant().minus(ago);
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException notInstant) {
      try {
        return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
      } catch (DateTimeParseException notDate) {
        throw new CliException(AnalyticsCli.USAGE, option + " " + text
            + ": expected an instant (2026-01-02T03:04:05Z), a date (2026-01-02) or an age (90m, 2h, 3d)");
      }
    }
  }
}
