package dev.analytics.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A real outage of a real receiver: the HTTP sink logs one line when the endpoint becomes unavailable
 * and one when it is back, however many requests failed in between; nothing per retry, no stack trace.
 * {@code -Doutage.seconds=30 -Doutage.sample=docs/outage-logs.txt} writes the README's sample.
 */
class OutageLogSampleTest {
  @Test
  void anOutageIsOneLineWhenItStartsAndOneWhenItEnds() throws Exception {
    Duration outage = Duration.ofSeconds(Long.getLong("outage.seconds", 3));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      OutageLogSample.run(outage, out);
    }
    String output = bytes.toString(StandardCharsets.UTF_8);
    String sample = System.getProperty("outage.sample");
    if (sample != null) Files.writeString(Path.of(sample), output);

    List<String> lines = output.lines().toList();
    assertThat(lines.stream().filter(l -> l.contains("endpoint unavailable: "))).as(output).hasSize(1);
    assertThat(lines.stream().filter(l -> l.contains("endpoint unavailable is over after"))).as(output).hasSize(1);
    assertThat(lines.stream().filter(l -> l.contains("kept for retry") || l.contains("records not sent")))
        .as("no line per failed request").isEmpty();
    assertThat(output).as("no stack traces").doesNotContain("\tat ");
    assertThat(output).contains("everything delivered");
    assertThat(lines.stream().filter(l -> !l.contains(" sample: ---- "))).as(output).hasSizeLessThanOrEqualTo(8);
  }
}
