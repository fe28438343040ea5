/**
 * The resilient, batching HTTP sink: {@link dev.analytics.http.HttpSink}.
 *
 * <p>It never counts a failure as success: only a 2xx delivers. 408, 429, 5xx and network errors are
 * retried a few times in-request (resilience4j-retry, capped exponential backoff with jitter,
 * {@code Retry-After} honoured), then handed back to the core as "retry later" so nothing is dropped.
 * Other 4xx are rejected with the status and a response excerpt; 401, 403 and redirects are
 * configuration faults that hold the records. {@link dev.analytics.http.AmplitudeMode} adds Amplitude
 * HTTP V2's partial-failure rules. Registered for connector files as {@code type: http-sink}.
 */
package dev.analytics.http;
