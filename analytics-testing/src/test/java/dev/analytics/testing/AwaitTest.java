package dev.analytics.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AwaitTest {
  @Test
  void returnsAsSoonAsTheConditionHolds() {
    AtomicInteger asked = new AtomicInteger();

    Await.until(Duration.ofSeconds(10), Duration.ofMillis(1), () -> asked.incrementAndGet() == 3, () -> "three asks");

    assertThat(asked).hasValue(3);
  }

  @Test
  void failsAtTheDeadlineSayingWhatWasMissingThen() {
    AtomicInteger asked = new AtomicInteger();

    assertThatThrownBy(() -> Await.until(Duration.ofMillis(50), Duration.ofMillis(5), () -> asked.incrementAndGet() < 0,
        () -> "asked " + asked.get() + " times"))
        .isInstanceOf(AssertionError.class)
        .hasMessageStartingWith("timed out after PT0.05S waiting for: asked ")
        .hasMessageEndingWith(asked.get() + " times");
  }

  @Test
  void theStringFormNamesWhatItWaitedFor() {
    assertThatThrownBy(() -> Await.until(Duration.ofMillis(10), () -> false, "nothing"))
        .isInstanceOf(AssertionError.class)
        .hasMessage("timed out after PT0.01S waiting for: nothing");
  }
}
