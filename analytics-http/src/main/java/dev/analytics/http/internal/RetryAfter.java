package dev.analytics.http.internal;

import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** Parses {@code Retry-After}: delay-seconds or an HTTP-date (RFC 9110 section 10.2.3). */
final class RetryAfter {
  private RetryAfter() {}

  /** The delay a response's {@code Retry-After} asks for; empty when absent or unparseable. */
  static Optional<Duration> of(HttpResponse<?> response, Clock clock) {
    return parse(response.headers().firstValue("Retry-After").orElse(null), clock);
  }

  /** The delay it asks for, never negative; empty when absent or unparseable. */
  static Optional<Duration> parse(String value, Clock clock) {
    if (value == null) return Optional.empty();
    String v = value.trim();
    if (v.isEmpty()) return Optional.empty();
    if (v.chars().allMatch(Character::isDigit)) {
      try {
        return Optional.of(Duration.ofSeconds(Long.parseLong(v)));
      } catch (NumberFormatException e) {
        return Optional.empty(); // absurdly long: ignore rather than wait forever
      }
    }
    try {
      Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Duration d = Duration.between(clock.instant(), at);
      return Optional.of(d.isNegative() ? Duration.ZERO : d);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
