package dev.analytics.http.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.analytics.http.internal.AdaptiveConcurrency.Signal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The AIMD rules on a fake clock. A window ends at the first answer after one baseline round trip of
 * (fake) time; the helpers put all of a window's answers inside it.
 */
class AdaptiveConcurrencyTest {
  static final Duration RTT = Duration.ofMillis(10);

  long now;
  final AdaptiveConcurrency arc = new AdaptiveConcurrency(1, 16, () -> now);

  /** One window in which the limit is fully used and every request answers after {@code rtt}. */
  void busyWindow(Duration rtt, Signal signal) {
    int limit = arc.current();
    long ticket = 0;
    for (int i = 1; i <= limit; i++) ticket = arc.started(i);
    for (int i = 1; i < limit; i++) arc.finished(rtt, signal, ticket);
    now += Duration.ofSeconds(1).toNanos(); // past the window's end
    arc.finished(rtt, signal, ticket);
  }

  @Test
  void startsAtOneAndGrowsByOnePerRoundTripWhileLatencyIsFlat() {
    assertThat(arc.current()).isEqualTo(1);
    busyWindow(RTT, Signal.RESPONSE); // the first answer is the baseline
    assertThat(arc.baseline()).isEqualTo(RTT);
    for (int expected = 2; expected <= 10; expected++) {
      busyWindow(RTT, Signal.RESPONSE);
      assertThat(arc.current()).isEqualTo(expected);
    }
  }

  @Test
  void neverExceedsTheCeiling() {
    AdaptiveConcurrency small = new AdaptiveConcurrency(1, 3, () -> now);
    for (int w = 0; w < 20; w++) {
      long ticket = 0;
      for (int i = 1; i <= small.current(); i++) ticket = small.started(i);
      now += RTT.toNanos();
      small.finished(RTT, Signal.RESPONSE, ticket);
    }
    assertThat(small.current()).isEqualTo(3);
  }

  @Test
  void doesNotGrowWhenTheLimitIsNotInUse() {
    busyWindow(RTT, Signal.RESPONSE);
    busyWindow(RTT, Signal.RESPONSE);
    assertThat(arc.current()).isEqualTo(2);
    for (int w = 0; w < 10; w++) { // one request at a time: no demand for a third
      long ticket = arc.started(1);
      now += RTT.toNanos();
      arc.finished(RTT, Signal.RESPONSE, ticket);
    }
    assertThat(arc.current()).isEqualTo(2);
  }

  @Test
  void backPressureCutsAtOnceButOncePerOverload() {
    busyWindow(RTT, Signal.RESPONSE);
    for (int w = 0; w < 10; w++) busyWindow(RTT, Signal.RESPONSE);
    assertThat(arc.current()).isEqualTo(11);
    long beforeTheCut = arc.started(11);
    arc.finished(Duration.ofMillis(1), Signal.BACKPRESSURE, beforeTheCut);
    assertThat(arc.current()).isEqualTo(7); // to 70% at the first 429
    // More 429s on requests sent before the cut are the same overload, however late they come.
    for (int i = 0; i < 5; i++) arc.finished(Duration.ofMillis(1), Signal.BACKPRESSURE, beforeTheCut);
    now += RTT.toNanos() * 5;
    arc.finished(Duration.ofSeconds(30), Signal.BACKPRESSURE, beforeTheCut); // a late timeout
    assertThat(arc.current()).isEqualTo(7);
    busyWindow(RTT, Signal.BACKPRESSURE); // sent under 7 and refused: one cut, not one per 429
    assertThat(arc.current()).isEqualTo(4);
    busyWindow(RTT, Signal.BACKPRESSURE);
    assertThat(arc.current()).isEqualTo(2);
    busyWindow(RTT, Signal.BACKPRESSURE);
    busyWindow(RTT, Signal.BACKPRESSURE);
    assertThat(arc.current()).isEqualTo(1); // never below one
    // Fast 429s did not drag the baseline down.
    assertThat(arc.baseline()).isEqualTo(RTT);
  }

  @Test
  void aRefusalOfARequestSentAfterTheCutCutsAgainAtOnceWithinTheWindow() {
    for (int w = 0; w < 5; w++) busyWindow(RTT, Signal.RESPONSE);
    assertThat(arc.current()).isEqualTo(5);
    long underFive = 0;
    for (int i = 1; i <= 5; i++) underFive = arc.started(i);
    arc.finished(Duration.ofMillis(1), Signal.BACKPRESSURE, underFive);
    assertThat(arc.current()).isEqualTo(3);
    // No time passes: the window of that cut is still open. A request sent under 3 is refused too.
    long underThree = arc.started(3);
    arc.finished(Duration.ofMillis(1), Signal.BACKPRESSURE, underThree);
    assertThat(arc.current()).isEqualTo(2);
    // More refusals of requests sent under 5 or under 3 answer overloads already cut for.
    arc.finished(Duration.ofMillis(1), Signal.BACKPRESSURE, underFive);
    arc.finished(Duration.ofMillis(1), Signal.BACKPRESSURE, underThree);
    assertThat(arc.current()).isEqualTo(2);
  }

  @Test
  void triesTheLimitThatMetBackPressureAgainOnlyAfterAPause() {
    busyWindow(RTT, Signal.RESPONSE);
    busyWindow(RTT, Signal.RESPONSE);
    busyWindow(RTT, Signal.RESPONSE);
    assertThat(arc.current()).isEqualTo(3);
    arc.finished(Duration.ofMillis(1), Signal.BACKPRESSURE, arc.started(3)); // 3 is too many
    assertThat(arc.current()).isEqualTo(2);
    List<Integer> limits = new ArrayList<>();
    for (int w = 0; w < AdaptiveConcurrency.PROBE_PAUSE_WINDOWS + 2; w++) {
      busyWindow(RTT, Signal.RESPONSE);
      limits.add(arc.current());
    }
    assertThat(limits.subList(0, AdaptiveConcurrency.PROBE_PAUSE_WINDOWS)).containsOnly(2);
    // Then probed again (the endpoint may have grown) and, without back-pressure, beyond.
    assertThat(limits.subList(AdaptiveConcurrency.PROBE_PAUSE_WINDOWS, limits.size())).containsExactly(3, 4);
  }

  @Test
  void aProbeRefusedAgainWaitsTwiceAsLongAndOneThatHoldsResetsThePause() {
    busyWindow(RTT, Signal.RESPONSE);
    busyWindow(RTT, Signal.RESPONSE);
    busyWindow(RTT, Signal.RESPONSE);
    arc.finished(Duration.ofMillis(1), Signal.BACKPRESSURE, arc.started(3)); // 3 is too many: back to 2
    int windowsAt2 = windowsUntilTheLimitIs(3);
    assertThat(windowsAt2).isEqualTo(AdaptiveConcurrency.PROBE_PAUSE_WINDOWS + 1);
    now += Duration.ofSeconds(1).toNanos(); // later, sent after the last cut: the probe's own refusal
    arc.finished(Duration.ofMillis(1), Signal.BACKPRESSURE, arc.started(3)); // the same probe refused again
    assertThat(arc.current()).isEqualTo(2);
    assertThat(windowsUntilTheLimitIs(3)).isEqualTo(2 * AdaptiveConcurrency.PROBE_PAUSE_WINDOWS + 1);
    busyWindow(RTT, Signal.RESPONSE); // 3 holds for a window: the pause is back to its start
    assertThat(arc.current()).isEqualTo(4);
    long ticket = arc.started(4);
    now += Duration.ofSeconds(1).toNanos();
    arc.finished(Duration.ofMillis(1), Signal.BACKPRESSURE, ticket); // 4 refused: back to 2 (0.7 x 4)
    assertThat(arc.current()).isEqualTo(2);
    assertThat(windowsUntilTheLimitIs(3)).isEqualTo(2); // the cut's own window, then one more
    // A different limit refused: its pause starts from the beginning, not doubled.
    assertThat(windowsUntilTheLimitIs(4)).isLessThanOrEqualTo(AdaptiveConcurrency.PROBE_PAUSE_WINDOWS);
  }

  private int windowsUntilTheLimitIs(int limit) {
    for (int windows = 1; windows <= 1000; windows++) {
      busyWindow(RTT, Signal.RESPONSE);
      if (arc.current() == limit) return windows;
    }
    throw new AssertionError("the limit never reached " + limit + ": " + arc.current());
  }

  @Test
  void risingLatencyCutsAndFlatLatencyGrowsAgain() {
    busyWindow(RTT, Signal.RESPONSE);
    for (int w = 0; w < 9; w++) busyWindow(RTT, Signal.RESPONSE);
    assertThat(arc.current()).isEqualTo(10);
    busyWindow(RTT.multipliedBy(3), Signal.RESPONSE); // the endpoint queues
    assertThat(arc.current()).isEqualTo(9);
    // Back to normal: grows again (the baseline moved up a little, so normal is well under it).
    busyWindow(RTT, Signal.RESPONSE);
    busyWindow(RTT, Signal.RESPONSE);
    assertThat(arc.current()).isEqualTo(11);
  }

  @Test
  void smallJitterDoesNotCut() {
    busyWindow(RTT, Signal.RESPONSE);
    for (int w = 0; w < 12; w++) {
      busyWindow(w % 2 == 0 ? RTT.plusMillis(1) : RTT.minusMillis(1), Signal.RESPONSE);
    }
    assertThat(arc.current()).isEqualTo(13);
  }

  @Test
  void answersWithoutInformationChangeNothing() {
    busyWindow(RTT, Signal.RESPONSE);
    busyWindow(RTT, Signal.RESPONSE);
    long ticket = arc.started(2);
    now += RTT.toNanos() * 5;
    arc.finished(Duration.ofMillis(1), Signal.NONE, ticket); // a refused connection: no window ends
    assertThat(arc.current()).isEqualTo(2);
    arc.finished(RTT, Signal.RESPONSE, ticket); // this one ends it: the limit was in use, latency flat
    assertThat(arc.current()).isEqualTo(3);
    arc.finished(Duration.ofMillis(1), Signal.NONE, ticket);
    assertThat(arc.current()).isEqualTo(3);
    assertThat(arc.baseline()).isEqualTo(RTT);
  }

  @Test
  void aCeilingBelowOneIsRefused() {
    assertThatThrownBy(() -> new AdaptiveConcurrency(1, 0, () -> 0L)).isInstanceOf(IllegalArgumentException.class);
    assertThat(new AdaptiveConcurrency(AdaptiveConcurrency.INITIAL_LIMIT, 1, () -> 0L).current()).isEqualTo(1);
  }
}
