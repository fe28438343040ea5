package dev.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.analytics.spi.Outcome;
import dev.analytics.testing.RecordingSink;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Analytics#emitAsync}: ids in emit order, delivered like emit()'s; every failure emit() throws
 * (but a null event) fails the future with the same exception. That it completes only after the
 * fsync is {@code AppendAsyncTest}'s, with the fsync held at a gate.
 */
class EmitAsyncTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path dir;
  private final RecordingSink sink = new RecordingSink();

  private Analytics.Builder builder() {
    return Analytics.builder().directory(dir).retryBackoff(Duration.ofMillis(5), Duration.ofMillis(20)).sink("a", sink);
  }

  @Test
  void oneThreadPipeliningInSyncGetsItsIdsInOrderAndEveryEventDelivered() throws Exception {
    List<CompletableFuture<String>> acks = new ArrayList<>();
    try (Analytics analytics = builder().durability(Durability.SYNC).build()) {
      for (int i = 0; i < 500; i++) acks.add(analytics.emitAsync(Map.of("i", i)));
      CompletableFuture.allOf(acks.toArray(new CompletableFuture[0])).get(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(analytics.stats().emitted()).isEqualTo(500);
      assertThat(analytics.flush(WAIT)).isTrue();
    }
    List<String> ids = new ArrayList<>();
    for (CompletableFuture<String> ack : acks) ids.add(ack.get());
    assertThat(ids).isSorted().doesNotHaveDuplicates();
    assertThat(sink.deliveredIds()).containsExactlyElementsOf(ids);
  }

  @Test
  void inPeriodicTheFutureIsCompleteOnReturn() {
    try (Analytics analytics = builder().build()) {
      CompletableFuture<String> ack = analytics.emitAsync(Map.of("a", 1));
      assertThat(ack).isCompleted();
      assertThat(ack.join()).isNotNull();
    }
  }

  @Test
  void aClosedInstanceFailsTheFutureWithTheExceptionEmitThrows() {
    Analytics analytics = builder().durability(Durability.SYNC).build();
    analytics.close();
    Throwable fromEmit = catchThrowable(() -> analytics.emit(Map.of("a", 1)));
    assertThat(causeOf(analytics.emitAsync(Map.of("a", 1))))
        .isInstanceOf(IllegalStateException.class).hasSameClassAs(fromEmit).hasMessage(fromEmit.getMessage());
  }

  @Test
  void aFullLogFailsTheFutureWithQueueFullException() {
    RecordingSink down = new RecordingSink().respondWith(r -> Outcome.retryLater());
    try (Analytics analytics = Analytics.builder().directory(dir).durability(Durability.SYNC)
        .segmentBytes(64 * 1024).maxDiskBytes(4L * 64 * 1024).blockTimeout(Duration.ofMillis(100))
        .closeTimeout(Duration.ZERO).sink("a", down).build()) {
      Throwable failure = null;
      for (int i = 0; i < 10_000 && failure == null; i++) {
        CompletableFuture<String> ack = analytics.emitAsync(Map.of("pad", "x".repeat(400)));
        if (ack.isCompletedExceptionally()) failure = causeOf(ack);
      }
      assertThat(failure).isInstanceOf(QueueFullException.class).hasMessageContaining("full");
    }
  }

  @Test
  void anEventEmitRefusesFailsTheFutureWithTheSameException() {
    try (Analytics analytics = builder().maxRecordBytes(1024).build()) {
      Throwable fromEmit = catchThrowable(() -> analytics.emit(Map.of("big", "x".repeat(2000))));
      assertThat(causeOf(analytics.emitAsync(Map.of("big", "x".repeat(2000)))))
          .isInstanceOf(IllegalArgumentException.class).hasMessage(fromEmit.getMessage());
      assertThatThrownBy(() -> analytics.emitAsync(null)).isInstanceOf(NullPointerException.class);
    }
  }

  private static Throwable causeOf(CompletableFuture<String> future) {
    Throwable thrown = catchThrowable(() -> future.get(WAIT.toSeconds(), TimeUnit.SECONDS));
    assertThat(thrown).isInstanceOf(ExecutionException.class);
    return thrown.getCause();
  }
}
