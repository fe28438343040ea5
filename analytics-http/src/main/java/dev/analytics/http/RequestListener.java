package dev.analytics.http;

import java.time.Duration;
import java.util.Objects;

/**
 * Hears every HTTP exchange an {@link HttpSink} makes, each in-request retry included: for metrics
 * (requests by status, their duration, records and bytes per request, the gzip ratio). Set it with
 * {@link HttpSink.Builder#requestListener}. It is called on the HTTP client's threads once the exchange
 * has ended, so it must be fast and must not block; an exception it throws is logged once and ignored.
 */
@FunctionalInterface
public interface RequestListener {
  /** A listener that does nothing. */
  RequestListener NONE = exchange -> {};

  /** One exchange has ended, with a response or with an error. */
  void onExchange(Exchange exchange);

  /**
   * One HTTP exchange.
   *
   * @param sink the sink's {@link HttpSink.Builder#name name}
   * @param status the response's status code, or -1 when there was none (see {@code error})
   * @param error the simple class name of what replaced the response ({@code ConnectException},
   *     {@code HttpTimeoutException}...), or null when there is a response
   * @param duration from handing the request to the client to the end of the response body (or the error),
   *     including the wait for a request slot
   * @param body what the request carried
   */
  record Exchange(String sink, int status, String error, Duration duration, Body body) {
    public Exchange {
      Objects.requireNonNull(sink, "sink == null");
      Objects.requireNonNull(duration, "duration == null");
      Objects.requireNonNull(body, "body == null");
    }

    /** Records in the request (the {@link HttpSink}'s batch is split into requests). */
    public int records() {
      return body.records();
    }

    /** The body's bytes as serialized. */
    public long bodyBytes() {
      return body.serializedBytes();
    }

    /** The body's bytes on the wire: fewer than {@link #bodyBytes()} when it was gzipped. */
    public long sentBytes() {
      return body.sentBytes();
    }

    /** {@code "2xx"}, {@code "3xx"}, {@code "4xx"}, {@code "5xx"} (and {@code "1xx"}), or {@code "none"} without a response. */
    public String statusClass() {
      return status < 100 || status > 599 ? "none" : (status / 100) + "xx";
    }

    /** True when the body went gzipped. */
    public boolean gzipped() {
      return body.sentBytes() != body.serializedBytes();
    }
  }

  /**
   * A request's body.
   *
   * @param records records in it
   * @param serializedBytes its bytes as serialized
   * @param sentBytes its bytes on the wire (gzipped or not)
   */
  record Body(int records, long serializedBytes, long sentBytes) {}
}
