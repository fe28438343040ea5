package dev.analytics.examples.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's "Scaling out with Kafka" example, as a user runs it (small). Runs with {@code -Pkafka}. */
@Tag("kafka")
class ScalingOutDemoTest {
  @TempDir Path dir;

  @Test
  void everyEventArrivesThroughKafkaAndConnectAndInProcess() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    boolean ok = new ScalingOutDemo(new PrintStream(bytes, true, StandardCharsets.UTF_8), 500, 1, true).run(dir);
    String output = bytes.toString(StandardCharsets.UTF_8);
    assertThat(ok).as(output).isTrue();
    assertThat(output).contains("runs amplitude-connector.yaml unchanged").contains("in-process").contains("through Kafka")
        .contains("1000 distinct events").contains("nothing lost");
  }
}
