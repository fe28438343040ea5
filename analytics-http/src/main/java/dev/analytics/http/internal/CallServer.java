package dev.analytics.http.internal;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * The last link: sends the call with the {@link HttpClient}, at most as many at once as the
 * {@link ConcurrencyLimit} allows ({@link RequestLimiter}; adaptive up to {@code maxConcurrentRequests},
 * or that fixed number), bounded in time and memory ({@link BoundedBody}). Every exchange's round trip
 * and status are reported to the adaptive limit.
 */
final class CallServer implements Interceptor {
  private final HttpClient client;
  /** Runs each exchange, blocked in {@link HttpClient#send} (see {@link #exchange}). */
  private final ExecutorService executor;
  private final RequestLimiter limiter;
  /** Null when the limit is fixed. */
  private final AdaptiveConcurrency adaptive;
  private final ConcurrencyLimit limit;
  private final DeliveryConfig.Target target;
  private final BooleanSupplier closed;
  private final LongSupplier nanoTime;

  CallServer(HttpClient client, ExecutorService executor, DeliveryConfig.Target target, BooleanSupplier closed) {
    this(client, executor, target, closed, System::nanoTime,
        target.adaptiveConcurrency()
            ? new AdaptiveConcurrency(AdaptiveConcurrency.INITIAL_LIMIT, target.maxConcurrentRequests(), System::nanoTime)
            : null);
  }

  /** @param adaptive the adaptive limit on the same clock as {@code nanoTime}, or null for a fixed one */
  CallServer(HttpClient client, ExecutorService executor, DeliveryConfig.Target target, BooleanSupplier closed,
      LongSupplier nanoTime, AdaptiveConcurrency adaptive) {
    this.client = client;
    this.executor = executor;
    this.adaptive = adaptive;
    this.limit = adaptive != null ? adaptive : ConcurrencyLimit.fixed(target.maxConcurrentRequests());
    this.limiter = new RequestLimiter(limit);
    this.target = target;
    this.closed = closed;
    this.nanoTime = nanoTime;
  }

  /** How many requests may run at once now. */
  int concurrencyLimit() {
    return limit.current();
  }

  /** How many requests are running now. */
  int requestsInFlight() {
    return limiter.running();
  }

  /** How many requests (first attempts and retries) are waiting for a slot now. */
  int requestsWaiting() {
    return limiter.waiting();
  }

  /** Sends nothing more: requests waiting for a slot, retries among them, fail at once with "closed". */
  void close() {
    limiter.close();
  }

  @Override
  public CompletableFuture<HttpResponse<String>> intercept(Chain chain) {
    Call call = chain.call();
    HttpRequest http;
    try {
      http = httpRequest(call);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return limiter.submit(ticket -> exchange(http, ticket));
  }

  private HttpRequest httpRequest(Call call) {
    URI endpoint = target.endpoint();
    HttpRequest.Builder b = HttpRequest.newBuilder(endpoint).timeout(target.requestTimeout());
    for (Map.Entry<String, String> h : call.headers()) b.header(h.getKey(), h.getValue());
    return b.method(target.method(), HttpRequest.BodyPublishers.ofByteArray(call.body())).build();
  }

  /**
   * One exchange, with the blocking {@link HttpClient#send} on one of the sink's threads.
   * {@code sendAsync} completes every response on the JDK's default async pool, which on a machine with
   * two cores or fewer is a new thread per response: measured on such a machine, one request per record
   * delivered 2.1 to 2.5 times as many events per second this way (docs/BENCHMARKS.md). The JDK's
   * request timeout covers only the wait for the response headers: a body that stalls after them would
   * hold the batch (and a request slot) forever, so the whole exchange gets a deadline too; when it
   * passes the thread is interrupted, which cancels the exchange. {@code ticket} is the limit's for this
   * start, handed back to it with the exchange's signal.
   */
  private CompletableFuture<HttpResponse<String>> exchange(HttpRequest http, long ticket) {
    // A retry that was waiting out its backoff when the sink closed must not send any more (the user's
    // client would still run it).
    if (closed.getAsBoolean()) return CompletableFuture.failedFuture(new IllegalStateException("closed"));
    long started = nanoTime.getAsLong();
    CompletableFuture<HttpResponse<String>> result = new CompletableFuture<>();
    Future<?> call;
    try {
      call = executor.submit(() -> {
        try {
          result.complete(client.send(http, info -> BoundedBody.subscriber()));
        } catch (Throwable t) { // an InterruptedException too: the deadline passed, the result is set
          result.completeExceptionally(t);
        }
      });
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(new IllegalStateException("closed"));
    }
    Duration deadline = target.requestTimeout().multipliedBy(2).plusSeconds(1);
    return result
        .orTimeout(deadline.toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete((response, error) -> {
          if (error != null) call.cancel(true);
          // Before the limiter releases the slot (its callback comes after this one), so that the
          // next start sees the new limit.
          if (adaptive != null) {
            adaptive.finished(Duration.ofNanos(nanoTime.getAsLong() - started), signal(response, error), ticket);
          }
        });
  }

  /** What an exchange's end says about the endpoint's capacity. */
  static AdaptiveConcurrency.Signal signal(HttpResponse<?> response, Throwable error) {
    if (error != null) {
      Throwable cause = Delivery.unwrap(error);
      return cause instanceof HttpTimeoutException || cause instanceof TimeoutException
          ? AdaptiveConcurrency.Signal.BACKPRESSURE
          : AdaptiveConcurrency.Signal.NONE;
    }
    int status = response.statusCode();
    return status == 429 || status == 503 ? AdaptiveConcurrency.Signal.BACKPRESSURE : AdaptiveConcurrency.Signal.RESPONSE;
  }
}
