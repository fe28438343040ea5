package dev.analytics.http.internal;

import dev.analytics.spi.Outcome;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A 413 for a request of one record. A record larger than {@code maxRequestBytes} can never be sent:
 * it is rejected at once. A record within the limit is refused by the endpoint's fault (a proxy or a
 * server with a smaller limit, or one that answers 413 while overloaded): it is held for a retry with
 * the core's backoff, the incident is reported once, and it is rejected only if the endpoint has kept
 * refusing it for {@code payloadTooLargeTimeout}, measured with the sink's clock from the first refusal
 * this sink saw.
 */
final class PayloadTooLargePolicy implements ResponsePolicy {
  /**
   * Records being held, by id. Bounded: a record forgotten here only starts its timeout again, so it is
   * held longer, never lost.
   */
  private static final int MAX_HELD = 10_000;

  private final int maxRequestBytes;
  private final Duration timeout;
  private final Clock clock;
  private final Faults faults;
  private final Map<String, Instant> refusedSince = new LinkedHashMap<>(16, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Instant> eldest) {
      return size() > MAX_HELD;
    }
  };

  PayloadTooLargePolicy(int maxRequestBytes, Duration timeout, Clock clock, Faults faults) {
    this.maxRequestBytes = maxRequestBytes;
    this.timeout = timeout;
    this.clock = clock;
    this.faults = faults;
  }

  @Override
  public CompletableFuture<Void> decide(Answer answer, Chain next) {
    if (answer.succeeded()) {
      forget(answer);
      return next.proceed(answer);
    }
    if (answer.status() != 413 || answer.parts().size() != 1) return next.proceed(answer);
    Part part = answer.parts().get(0);
    int bytes = answer.request.body.length;
    if (bytes > maxRequestBytes) {
      return answer.reject(answer.parts(), "HTTP 413 (payload too large) for a single record of " + bytes
          + " bytes, over maxRequestBytes " + maxRequestBytes + ": " + answer.excerpt());
    }
    Instant now = clock.instant();
    Instant since;
    synchronized (refusedSince) {
      since = refusedSince.putIfAbsent(part.id, now);
    }
    Duration refused = since == null ? Duration.ZERO : Duration.between(since, now);
    if (refused.compareTo(timeout) >= 0) {
      forget(answer);
      return answer.reject(answer.parts(), "HTTP 413 (payload too large) for a single record of " + bytes
          + " bytes, within maxRequestBytes " + maxRequestBytes + ", refused for " + refused
          + " (payloadTooLargeTimeout " + timeout + "): " + answer.excerpt());
    }
    faults.incident(answer.redact("HTTP 413 (payload too large) from " + answer.host() + " for a record of "
        + bytes + " bytes, within maxRequestBytes " + maxRequestBytes + ": " + answer.excerpt()
        + " (check a proxy's body limit; records are held and dead-lettered after " + timeout + " of refusals)"));
    return answer.settleAll(Outcome.retryLater());
  }

  private void forget(Answer answer) {
    boolean none;
    synchronized (refusedSince) {
      if (!refusedSince.isEmpty()) {
        for (Part p : answer.parts()) refusedSince.remove(p.id);
      }
      none = refusedSince.isEmpty();
    }
    if (none) faults.incidentCleared();
  }
}
