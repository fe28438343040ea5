package dev.analytics.http.internal;

import dev.analytics.spi.Outcome;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Statuses that say the configuration is wrong, not the records: 401, 403, 407 (credentials, a proxy, a
 * firewall), 404, 405, 410 (endpoint or method), and redirects or other non-2xx below 400. The records
 * are held for {@code faultRetryDelay} and the fault is reported; nothing is dead-lettered.
 */
final class EndpointFaultPolicy implements ResponsePolicy {
  private final Faults faults;
  private final Duration faultRetryDelay;

  EndpointFaultPolicy(Faults faults, Duration faultRetryDelay) {
    this.faults = faults;
    this.faultRetryDelay = faultRetryDelay;
  }

  @Override
  public CompletableFuture<Void> decide(Answer answer, Chain next) {
    int status = answer.status();
    if (status == 401 || status == 403 || status == 407) {
      return hold(answer, "HTTP " + status + " from " + answer.host() + ": " + answer.excerpt()
          + " (check the credentials, the proxy's or the endpoint's access rules)");
    }
    if (status == 404 || status == 405 || status == 410) {
      return hold(answer, "HTTP " + status + " from " + answer.host() + ": " + answer.excerpt()
          + " (check the endpoint URL and method)");
    }
    if (answer.response != null && (status < 200 || (status >= 300 && status < 400))) {
      return hold(answer, "HTTP " + status + " from " + answer.host()
          + " (a redirect or an unexpected status: check the endpoint)");
    }
    return next.proceed(answer);
  }

  private CompletableFuture<Void> hold(Answer answer, String message) {
    return hold(answer, message, faults, faultRetryDelay);
  }

  /** Holds every record of the answer for {@code delay} and reports {@code message} as a configuration fault. */
  static CompletableFuture<Void> hold(Answer answer, String message, Faults faults, Duration delay) {
    faults.configuration(answer.redact(message));
    return answer.settleAll(Outcome.retryAfter(delay));
  }
}
