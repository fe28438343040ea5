package dev.analytics.http.internal;

import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;

/**
 * One link around the HTTP exchange of a planned request, the way an OkHttp {@code Interceptor} wraps a
 * call: it may change the {@link Call}, proceed once, several times or not at all, and see the answer.
 * The links, outermost first: {@link GzipInterceptor}, {@link RetryInterceptor}, then {@link CallServer},
 * which sends and never proceeds.
 */
interface Interceptor {
  CompletableFuture<HttpResponse<String>> intercept(Chain chain);

  /** The rest of the chain, from this link's point of view. */
  interface Chain {
    Call call();

    /** Hands {@code call} to the next link. */
    CompletableFuture<HttpResponse<String>> proceed(Call call);
  }

  /** Runs {@code call} through {@code links} (the last one must answer without proceeding). */
  static CompletableFuture<HttpResponse<String>> run(java.util.List<Interceptor> links, Call call) {
    return new Link(links, 0, call).proceed(call);
  }

  /** The chain as seen by the link at {@code index - 1}. */
  record Link(java.util.List<Interceptor> links, int index, Call call) implements Chain {
    @Override
    public CompletableFuture<HttpResponse<String>> proceed(Call next) {
      if (index >= links.size()) throw new IllegalStateException("the last interceptor must not proceed");
      return links.get(index).intercept(new Link(links, index + 1, next));
    }
  }
}
