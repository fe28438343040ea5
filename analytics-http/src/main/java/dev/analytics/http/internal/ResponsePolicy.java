package dev.analytics.http.internal;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One rule for what an {@link Answer} means for the records of its request: it settles them (delivered,
 * retry later, rejected, or resent in smaller requests) or passes the answer on, as an interceptor
 * passes a call. The links, first to last: {@link AmplitudePolicy} (Amplitude mode only),
 * {@link EndpointFaultPolicy}, {@link BisectPolicy}, {@link PayloadTooLargePolicy}, then
 * {@link StatusPolicy}, which settles whatever reaches it.
 */
interface ResponsePolicy {
  CompletableFuture<Void> decide(Answer answer, Chain next);

  /** False vetoes an in-request retry of {@code response}, which this policy handles better itself. */
  default boolean allowsRetryInRequest(HttpResponse<String> response) {
    return true;
  }

  /** The policies after this one. */
  interface Chain {
    CompletableFuture<Void> proceed(Answer answer);
  }

  /** Runs {@code answer} through {@code policies} (the last one must settle without proceeding). */
  static CompletableFuture<Void> run(List<ResponsePolicy> policies, Answer answer) {
    return new Link(policies, 0).proceed(answer);
  }

  /** The chain after the policy at {@code index - 1}. */
  record Link(List<ResponsePolicy> policies, int index) implements Chain {
    @Override
    public CompletableFuture<Void> proceed(Answer answer) {
      if (index >= policies.size()) throw new IllegalStateException("the last policy must not proceed");
      return policies.get(index).decide(answer, new Link(policies, index + 1));
    }
  }
}
