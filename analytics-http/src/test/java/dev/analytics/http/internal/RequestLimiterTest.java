package dev.analytics.http.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RequestLimiterTest {
  @Test
  void neverRunsMoreThanTheLimitAndStartsWaitersInOrder() {
    RequestLimiter limiter = new RequestLimiter(2);
    List<CompletableFuture<Integer>> gates = new ArrayList<>();
    List<Integer> started = new ArrayList<>();
    List<CompletableFuture<Integer>> results = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      int n = i;
      CompletableFuture<Integer> gate = new CompletableFuture<>();
      gates.add(gate);
      results.add(limiter.submit(() -> {
        started.add(n);
        return gate;
      }));
    }
    assertThat(started).containsExactly(0, 1);
    gates.get(1).complete(1);
    assertThat(started).containsExactly(0, 1, 2);
    gates.get(0).completeExceptionally(new IllegalStateException("boom"));
    assertThat(started).containsExactly(0, 1, 2, 3);
    gates.get(2).complete(2);
    gates.get(3).complete(3);
    gates.get(4).complete(4);
    assertThat(started).containsExactly(0, 1, 2, 3, 4);
    assertThat(results.get(0)).isCompletedExceptionally();
    assertThat(results.get(4)).isCompletedWithValue(4);
  }

  @Test
  void aLongQueueOfTasksThatCompleteAtOnceDoesNotOverflowTheStack() {
    RequestLimiter limiter = new RequestLimiter(1);
    CompletableFuture<Integer> first = new CompletableFuture<>();
    limiter.submit(() -> first);
    AtomicInteger done = new AtomicInteger();
    List<CompletableFuture<Integer>> queued = new ArrayList<>();
    for (int i = 0; i < 50_000; i++) {
      queued.add(limiter.submit(() -> CompletableFuture.failedFuture(new java.io.IOException("refused"))));
    }
    queued.forEach(f -> f.whenComplete((v, e) -> done.incrementAndGet()));
    first.complete(0);
    assertThat(done.get()).isEqualTo(50_000);
  }

  @Test
  void closeFailsTheWaitingTasksAtOnceWithoutStartingThemAndRefusesNewOnes() {
    RequestLimiter limiter = new RequestLimiter(1);
    CompletableFuture<Integer> running = new CompletableFuture<>();
    CompletableFuture<Integer> first = limiter.submit(() -> running);
    AtomicInteger started = new AtomicInteger();
    CompletableFuture<Integer> waiting = limiter.submit(() -> {
      started.incrementAndGet();
      return CompletableFuture.completedFuture(1);
    });
    limiter.close();
    assertThat(waiting).isCompletedExceptionally();
    assertThat(limiter.waiting()).isZero();
    assertThat(limiter.submit(() -> CompletableFuture.completedFuture(2))).isCompletedExceptionally();
    running.complete(0); // the running task ends as it will, and starts nothing
    assertThat(first).isCompletedWithValue(0);
    assertThat(started.get()).isZero();
    assertThat(limiter.running()).isZero();
  }

  @Test
  void followsALimitThatChangesBetweenStarts() {
    AtomicInteger max = new AtomicInteger(1);
    List<Integer> inFlightAtStart = new ArrayList<>();
    RequestLimiter limiter = new RequestLimiter(new ConcurrencyLimit() {
      @Override
      public int current() {
        return max.get();
      }

      @Override
      public long started(int inFlight) {
        inFlightAtStart.add(inFlight);
        return 0;
      }
    });
    List<CompletableFuture<Integer>> gates = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      CompletableFuture<Integer> gate = new CompletableFuture<>();
      gates.add(gate);
      limiter.submit(() -> gate);
    }
    assertThat(limiter.running()).isEqualTo(1);
    max.set(3); // raised: the next release starts as many as it allows
    gates.get(0).complete(0);
    assertThat(limiter.running()).isEqualTo(3);
    assertThat(inFlightAtStart).containsExactly(1, 1, 2, 3);
    max.set(1); // lowered: running tasks go on, no new one starts until below it
    gates.get(1).complete(1);
    gates.get(2).complete(2);
    assertThat(limiter.running()).isEqualTo(1);
    gates.get(3).complete(3);
    assertThat(limiter.running()).isEqualTo(1);
    assertThat(inFlightAtStart).containsExactly(1, 1, 2, 3, 1);
  }
}
