package dev.analytics.http.internal;

import java.lang.System.Logger.Level;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Tells the {@link ExchangeObserver} about each exchange. Inside the retry link, so every attempt is
 * heard, and outside gzip, so it sees both the serialized and the sent size.
 */
final class ObservingInterceptor implements Interceptor {
  private final String sink;
  private final ExchangeObserver listener;
  private final AtomicBoolean warned = new AtomicBoolean();

  ObservingInterceptor(String sink, ExchangeObserver listener) {
    this.sink = sink;
    this.listener = listener;
  }

  @Override
  public CompletableFuture<HttpResponse<String>> intercept(Chain chain) {
    Call call = chain.call();
    long start = System.nanoTime();
    return chain.proceed(call).whenComplete((response, error) -> tell(call, start, response, error));
  }

  private void tell(Call call, long start, HttpResponse<String> response, Throwable error) {
    Duration duration = Duration.ofNanos(System.nanoTime() - start);
    int status = response == null ? -1 : response.statusCode();
    String failure = response == null && error != null ? Delivery.unwrap(error).getClass().getSimpleName() : null;
    try {
      listener.observe(sink, status, failure, duration, call.request().parts.size(), call.request().body.length,
          call.body().length);
    } catch (RuntimeException e) {
      // The listener is the user's code: it must not fail a delivery, nor log on every request.
      if (warned.compareAndSet(false, true)) {
        Delivery.LOG.log(Level.WARNING, "{0}: the request listener threw; ignored (said once): {1}", sink, e);
      }
    }
  }
}
