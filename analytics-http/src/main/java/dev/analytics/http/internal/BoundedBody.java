package dev.analytics.http.internal;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A response body kept up to {@link #MAX_BYTES} and drained past it: the sink reads only status codes,
 * Amplitude's error fields and a short excerpt, and an error page or a proxy's endless body must not
 * fill the heap.
 */
final class BoundedBody implements HttpResponse.BodySubscriber<String> {
  static final int MAX_BYTES = 64 * 1024;

  private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
  private final CompletableFuture<String> result = new CompletableFuture<>();

  static HttpResponse.BodySubscriber<String> subscriber() {
    return new BoundedBody();
  }

  @Override
  public CompletionStage<String> getBody() {
    return result;
  }

  @Override
  public void onSubscribe(Flow.Subscription subscription) {
    subscription.request(Long.MAX_VALUE);
  }

  @Override
  public void onNext(List<ByteBuffer> buffers) {
    for (ByteBuffer buffer : buffers) {
      int room = MAX_BYTES - kept.size();
      if (room <= 0) continue; // drained, not kept
      byte[] bytes = new byte[Math.min(room, buffer.remaining())];
      buffer.get(bytes);
      kept.write(bytes, 0, bytes.length);
    }
  }

  @Override
  public void onError(Throwable error) {
    result.completeExceptionally(error);
  }

  @Override
  public void onComplete() {
    result.complete(kept.toString(StandardCharsets.UTF_8));
  }
}
