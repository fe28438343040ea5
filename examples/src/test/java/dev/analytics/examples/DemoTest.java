package dev.analytics.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DemoTest {
  @Test
  void shortDemoDeliversEveryEventDespiteRaceLostResponseAndOutage() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DemoSummary summary;
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      summary = Demo.run(DemoOptions.shortRun(), out);
    }
    String output = bytes.toString(StandardCharsets.UTF_8);

    assertThat(summary.problems()).as(output).isEmpty();
    assertThat(summary.emitted()).isEqualTo(3 * 30);
    assertThat(summary.lost()).isZero();
    assertThat(summary.delivered()).isEqualTo(summary.emitted());
    assertThat(summary.deadLettered()).isZero();
    assertThat(summary.malformedBodies()).isZero();
    assertThat(summary.unexpectedEvents()).isZero();
    // Events were emitted before the receiver was up, and the lost 504 response made the sink send
    // its batch again: the receiver saw repeats and dropped them by insert_id.
    assertThat(summary.emittedWhileDown()).isPositive();
    assertThat(summary.statuses()).containsEntry(504, 1);
    assertThat(summary.duplicatesSuppressed()).isPositive();
    // The backlog built up before start-up drains in batches, not one request per event.
    assertThat(summary.largestRequest()).isGreaterThan(1);
    assertThat(summary.requests()).isLessThan((int) summary.emitted());
    assertThat(summary.success()).isTrue();
    assertThat(output).contains("receiver up", "receiver down", "receiver back").containsPattern("lost\\s+0\\s");
  }

  @Test
  void argumentsAreParsed() {
    assertThat(DemoOptions.parse("--short").eventsPerService).isEqualTo(30);
    assertThat(DemoOptions.parse().eventsPerService).isEqualTo(400);
    assertThat(DemoOptions.parse("--config", "x.yaml", "--short").config).hasToString("x.yaml");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> DemoOptions.parse("--bogus"))
        .hasMessageContaining("unknown argument \"--bogus\"");
  }
}
