/**
 * The HTTP sink's machinery; not API (JPMS does not export it) and never imports
 * {@code dev.analytics.http}: the public package depends on this one, not the reverse.
 *
 * <p>{@link dev.analytics.http.internal.Delivery} assembles two chains once, from
 * {@link dev.analytics.http.internal.DeliveryConfig}, the way OkHttp wraps a call in interceptors:
 *
 * <pre>
 * send(batch) -> Planner: records -> Parts -> Requests (by BodyShape, records, bytes; EventShaper)
 *   each Request:
 *     Interceptor chain (wire)      GzipInterceptor -> RetryInterceptor -> CallServer
 *     ResponsePolicy chain (meaning) [AmplitudePolicy] -> EndpointFaultPolicy -> BisectPolicy
 *                                    -> PayloadTooLargePolicy -> StatusPolicy
 *     a policy settles each part's Outcome or resends fewer parts (Answer.resend)
 * </pre>
 *
 * Amplitude's rules are one class, {@code AmplitudePolicy}: its response rules, its veto of in-request
 * retries of a 429 and its {@code insert_id} filling; nothing else knows about Amplitude.
 */
package dev.analytics.http.internal;
