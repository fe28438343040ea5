package dev.analytics.http.internal;

import dev.analytics.spi.Outcome;
import java.lang.System.Logger.Level;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The response to one planned request (or the error that replaced it), with the means to settle its
 * records: each policy writes one {@link Outcome} per part into the batch's outcomes, or resends parts.
 */
final class Answer {
  private static final int EXCERPT_CHARS = 200;

  final Request request;
  /** Null when {@link #error} is set. */
  final HttpResponse<String> response;
  /** Why there is no response (a connection error, a timeout, the sink closed), else null. */
  final Throwable error;
  private final Outcome[] out;
  private final int depth;
  private final Delivery delivery;

  Answer(Request request, HttpResponse<String> response, Throwable error, Outcome[] out, int depth,
      Delivery delivery) {
    this.request = request;
    this.response = response;
    this.error = error;
    this.out = out;
    this.depth = depth;
    this.delivery = delivery;
  }

  /** The status code, or -1 when there is no response. */
  int status() {
    return response == null ? -1 : response.statusCode();
  }

  boolean succeeded() {
    return status() >= 200 && status() < 300;
  }

  List<Part> parts() {
    return request.parts;
  }

  CompletableFuture<Void> settle(List<Part> parts, Outcome outcome) {
    for (Part p : parts) out[p.index] = outcome;
    return CompletableFuture.completedFuture(null);
  }

  CompletableFuture<Void> settleAll(Outcome outcome) {
    return settle(request.parts, outcome);
  }

  void settle(Part part, Outcome outcome) {
    out[part.index] = outcome;
  }

  /** Rejects {@code parts} (they go to the dead-letter log) with {@code reason}, redacted and logged. */
  CompletableFuture<Void> reject(List<Part> parts, String reason) {
    String safe = redact(reason);
    Delivery.LOG.log(Level.WARNING, "{0}: {1} records rejected: {2}", name(), parts.size(), safe);
    return settle(parts, Outcome.rejected(safe));
  }

  /**
   * Sends {@code parts} again in new requests. Only a strictly smaller set is resent: resending the
   * same records at once would get the same answer, back to back; they go back as "retry later".
   */
  CompletableFuture<Void> resend(List<Part> parts) {
    if (parts.size() >= request.parts.size()) {
      Delivery.LOG.log(Level.DEBUG, "{0}: an answer settled none of {1} records; kept for retry", name(), parts.size());
      return settle(parts, Outcome.retryLater());
    }
    return delivery.deliver(parts, out, depth + 1);
  }

  /** The start of the response body on one line, redacted, for messages. */
  String excerpt() {
    String body = response == null || response.body() == null ? "" : response.body().strip().replaceAll("\\s+", " ");
    if (body.length() > EXCERPT_CHARS) body = body.substring(0, EXCERPT_CHARS) + "...";
    return redact(body.isEmpty() ? "(empty body)" : body);
  }

  String redact(String text) {
    return delivery.redact(text);
  }

  /** The sink's name, for messages. */
  String name() {
    return delivery.name();
  }

  /** The endpoint's host, for messages. */
  String host() {
    return delivery.host();
  }
}
