package dev.analytics.http.internal;

import dev.analytics.Secrets;
import dev.analytics.http.BodyMode;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.DoubleSupplier;

/** The resolved settings of one {@code HttpSink}, defaults filled in. */
public record DeliveryConfig(
    URI endpoint,
    String method,
    List<Map.Entry<String, String>> headers,
    String userAgent,
    Duration connectTimeout,
    Duration requestTimeout,
    Duration backoffMin,
    Duration backoffMax,
    int maxAttempts,
    Duration faultRetryDelay,
    boolean gzip,
    int gzipMinBytes,
    int maxConcurrentRequests,
    int maxRequestRecords,
    int maxRequestBytes,
    BodyMode bodyMode,
    boolean amplitude,
    Secrets secrets,
    List<String> redactValues,
    Clock clock,
    ScheduledExecutorService scheduler,
    DoubleSupplier jitter,
    String name) {}
