package dev.analytics.http.internal;

import dev.analytics.internal.incident.Incident;
import dev.analytics.spi.Outcome;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The last policy, for whatever the others passed on: no response (an error) and transient statuses
 * (408, 425, 429, 5xx) keep the records for a retry, honouring {@code Retry-After}; 2xx delivers (and
 * ends a configuration fault); any other status rejects with the status and a response excerpt.
 */
final class StatusPolicy implements ResponsePolicy {
  private final Faults faults;
  private final Clock clock;
  /** No response, or a transient status: one line when it starts, a summary a minute, one when it ends. */
  private final Incident unavailable;

  StatusPolicy(String name, Faults faults, Clock clock) {
    this.faults = faults;
    this.clock = clock;
    this.unavailable = new Incident(Delivery.LOG, Level.WARNING, name + ": endpoint unavailable",
        "records are kept and retried", clock, Incident.SUMMARY_EVERY);
  }

  static boolean isTransient(int status) {
    return status == 408 || status == 425 || status == 429 || status >= 500;
  }

  @Override
  public CompletableFuture<Void> decide(Answer answer, Chain next) {
    if (answer.error != null) {
      Throwable cause = Delivery.unwrap(answer.error);
      String what = cause.getClass().getSimpleName()
          + (cause.getMessage() == null ? "" : ": " + answer.redact(cause.getMessage()));
      if (cause instanceof IOException || cause instanceof java.util.concurrent.TimeoutException) {
        unavailable.occurred(what);
      } else {
        Delivery.LOG.log(Level.WARNING, "{0}: {1} records not sent ({2}); kept for retry", answer.name(),
            answer.parts().size(), what);
      }
      return answer.settleAll(Outcome.retryLater());
    }
    int status = answer.status();
    if (answer.succeeded()) {
      unavailable.ended("requests succeed again");
      faults.configurationCleared();
      return answer.settleAll(Outcome.delivered());
    }
    if (isTransient(status)) {
      Optional<Duration> after = RetryAfter.of(answer.response, clock);
      unavailable.occurred("HTTP " + status + after.map(d -> " (Retry-After " + d.toSeconds() + " s)").orElse(""));
      return answer.settleAll(after.map(Outcome::retryAfter).orElse(Outcome.retryLater()));
    }
    return answer.reject(answer.parts(), "HTTP " + status + ": " + answer.excerpt());
  }
}
