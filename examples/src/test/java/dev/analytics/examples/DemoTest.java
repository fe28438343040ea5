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
    assertThat(output).as("no terminal escape codes without a console").doesNotContain("\033", "\r");
    // The lost response (504) was retried in-request by the HTTP sink: the progress line counts it.
    java.util.regex.Matcher retried = java.util.regex.Pattern.compile("retried\\s+(\\d+)").matcher(output);
    int lastRetried = -1;
    while (retried.find()) lastRetried = Integer.parseInt(retried.group(1));
    assertThat(lastRetried).as(output).isPositive();
  }

  @Test
  void theProgressLineIsRedrawnOnlyOnAConsoleThatIsNotDumb() {
    assertThat(Demo.redraws(true, "xterm-256color")).isTrue();
    assertThat(Demo.redraws(true, "dumb")).isFalse();
    assertThat(Demo.redraws(true, null)).isFalse();
    assertThat(Demo.redraws(true, "")).isFalse();
    assertThat(Demo.redraws(false, "xterm")).isFalse();
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
