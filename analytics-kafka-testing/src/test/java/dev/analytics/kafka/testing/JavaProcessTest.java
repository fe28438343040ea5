package dev.analytics.kafka.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.analytics.testing.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real child JVMs: what reaches them, what their failures say, and that kill and stop end them. */
class JavaProcessTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;

  @Test
  void runPassesArgumentsAndEnvironmentAndReturnsOnExitZero() {
    Path output = dir.resolve("child.log");
    JavaProcess.builder(Child.class.getName()).output(output).environment(Map.of("CHILD_GREETING", "hello"))
        .args("exit", "0").run(WAIT);

    assertThat(output).content().contains("args exit 0; CHILD_GREETING=hello");
  }

  @Test
  void runFailsWithTheExitCodeAndTheEndOfTheOutput() {
    assertThatThrownBy(() -> JavaProcess.builder(Child.class.getName()).name("failing-child")
        .output(dir.resolve("child.log")).args("exit", "3").run(WAIT))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("failing-child exited with 3")
        .hasMessageContaining("args exit 3");
  }

  @Test
  void killEndsTheChildAtOnceEvenIfItHoldsOnSigterm() {
    try (JavaProcess child = holdingChild()) {
      child.kill();

      assertThat(child.isAlive()).isFalse();
      assertThat(ProcessHandle.of(child.pid()).filter(ProcessHandle::isAlive)).isEmpty();
      assertThat(child.tail()).doesNotContain("term received"); // SIGKILL runs no shutdown hook
    }
  }

  @Test
  void stopSendsSigtermFirstThenKillsAChildThatHoldsOn() {
    try (JavaProcess child = holdingChild()) {
      child.stop(Duration.ofSeconds(2));

      assertThat(child.isAlive()).isFalse();
      assertThat(child.tail()).contains("term received");
    }
  }

  @Test
  void startWithoutAnOutputFileSaysWhatIsMissing() {
    assertThatThrownBy(() -> JavaProcess.builder(Child.class.getName()).start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Child: output(Path) is required");
  }

  private JavaProcess holdingChild() {
    JavaProcess child = JavaProcess.builder(Child.class.getName()).output(dir.resolve("hold.log")).args("hold").start();
    Await.until(WAIT, Duration.ofMillis(50), () -> child.tail().contains("ready"), () -> "child ready:\n" + child.tail());
    return child;
  }
}
