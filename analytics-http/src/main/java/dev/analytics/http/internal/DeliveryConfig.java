package dev.analytics.http.internal;

import io.github.resilience4j.retry.RetryRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.DoubleSupplier;

/**
 * The resolved settings of one {@code HttpSink}, defaults filled in, grouped by the part of the chain
 * that reads them. {@code amplitude} is read once, where {@link Delivery} assembles the chain: no link
 * below sees it.
 */
public record DeliveryConfig(
    Target target, Retries retries, Bodies bodies, Holds holds, Collaborators collaborators, boolean amplitude) {

  /** Where requests go and what they carry besides the body. */
  public record Target(URI endpoint, String method, List<Map.Entry<String, String>> headers, String userAgent,
      Duration requestTimeout, int maxConcurrentRequests, boolean adaptiveConcurrency) {}

  /** In-request retries: attempts and backoff; the registry the {@code Retry} is created in. */
  public record Retries(int maxAttempts, Duration backoffMin, Duration backoffMax, DoubleSupplier jitter,
      RetryRegistry registry) {}

  /** How records become bodies, and their limits. */
  public record Bodies(BodyShape shape, String mergeField, int maxRequestRecords, int maxRequestBytes,
      boolean gzip, int gzipMinBytes) {}

  /** How long records are held rather than dead-lettered when the endpoint, not the record, is at fault. */
  public record Holds(Duration faultRetryDelay, Duration payloadTooLargeTimeout) {}

  /**
   * Collaborators: {@code client} is the user's {@link HttpClient} or null (the sink then builds one with
   * {@code connectTimeout}); {@code scheduler} is the user's or null (the sink owns one);
   * {@code exchanges} hears each exchange ({@link ExchangeObserver#NONE}: no link is added for it).
   */
  public record Collaborators(String name, Clock clock, ScheduledExecutorService scheduler, HttpClient client,
      Duration connectTimeout, Redactor redactor, ExchangeObserver exchanges) {}
}
