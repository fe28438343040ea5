package dev.analytics.http.internal;

import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * Retries a call a few times in-request with resilience4j's {@link Retry}: on connection errors,
 * timeouts and transient statuses (408, 425, 429, 5xx), waiting {@code Retry-After} when the response
 * has one and {@link JitteredBackoff} otherwise. A {@code Retry-After} longer than {@code backoffMax} is
 * not waited here, holding a request slot: the core keeps the records for that long instead.
 */
final class RetryInterceptor implements Interceptor {
  private final Retry retry;
  private final RetryRegistry registry;
  private final ScheduledExecutorService scheduler;

  /**
   * Creates the {@code Retry} in the configured registry under {@code name}, replacing one of the same
   * name. {@code allowed} lets a policy veto a retry it handles better itself (Amplitude's 429 names
   * the throttled events).
   */
  RetryInterceptor(String name, DeliveryConfig.Retries settings, Clock clock, ScheduledExecutorService scheduler,
      Predicate<HttpResponse<String>> allowed) {
    JitteredBackoff backoff = new JitteredBackoff(settings.backoffMin(), settings.backoffMax(), settings.jitter());
    Duration longestWait = settings.backoffMax();
    RetryConfig config = RetryConfig.<HttpResponse<String>>custom()
        .maxAttempts(settings.maxAttempts())
        .retryOnException(RetryInterceptor::isTransient)
        .retryOnResult(response -> StatusPolicy.isTransient(response.statusCode()) && allowed.test(response)
            && RetryAfter.of(response, clock).map(d -> d.compareTo(longestWait) <= 0).orElse(true))
        .intervalBiFunction((IntervalBiFunction<HttpResponse<String>>) (attempt, either) -> {
          Optional<Duration> after = either.isRight() ? RetryAfter.of(either.get(), clock) : Optional.empty();
          return after.isPresent() ? after.get().toMillis() : backoff.apply(attempt);
        })
        .build();
    this.registry = settings.registry();
    // The registry keeps the first Retry of a name and ignores a later config: this sink's settings win.
    registry.remove(name);
    this.retry = registry.retry(name, config);
    this.scheduler = scheduler;
  }

  @Override
  public CompletableFuture<HttpResponse<String>> intercept(Chain chain) {
    Call call = chain.call();
    return retry.executeCompletionStage(scheduler, () -> chain.proceed(call)).toCompletableFuture();
  }

  /** Removes this sink's {@code Retry} from the registry, unless another sink has replaced it. */
  void unregister() {
    registry.find(retry.getName()).filter(r -> r == retry).ifPresent(r -> registry.remove(r.getName()));
  }

  static boolean isTransient(Throwable t) {
    Throwable c = Delivery.unwrap(t);
    return c instanceof IOException || c instanceof TimeoutException;
  }
}
