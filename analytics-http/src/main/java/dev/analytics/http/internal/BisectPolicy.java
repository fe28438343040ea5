package dev.analytics.http.internal;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * 413 (too large), and 400 or 422 on a body of several records (one of them may be the bad one):
 * halves the request and sends both halves, down to single records, so that only a record that fails
 * alone is ever judged for it.
 */
final class BisectPolicy implements ResponsePolicy {
  @Override
  public CompletableFuture<Void> decide(Answer answer, Chain next) {
    int status = answer.status();
    List<Part> parts = answer.parts();
    if ((status != 413 && status != 400 && status != 422) || parts.size() < 2) return next.proceed(answer);
    Delivery.LOG.log(Level.DEBUG, "{0}: HTTP {1}, splitting {2} records", answer.name(), status, parts.size());
    int half = parts.size() / 2;
    return CompletableFuture.allOf(
        answer.resend(parts.subList(0, half)), answer.resend(parts.subList(half, parts.size())));
  }
}
