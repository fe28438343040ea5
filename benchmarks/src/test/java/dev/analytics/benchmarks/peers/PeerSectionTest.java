package dev.analytics.benchmarks.peers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PeerSectionTest {
  private final PeerReport.Runs runs = new PeerReport.Runs();

  @Test
  void throughputRowsShowMediansEachRunAndOurRatio() {
    throughput(Library.OURS, 500_000, 480_000, 470_000);
    throughput(Library.SEGMENT, 80_000, 90_000, 84_000);
    throughput(Library.AMPLITUDE, 100_000, 93_000, 90_000);

    String md = section().markdown();

    assertThat(md).contains("| analytics (this library) `emit` | 480,000 | 500,000, 480,000, 470,000 |  |")
        .contains("| Segment analytics-java 3.5.4 `enqueue` | 84,000 | 80,000, 90,000, 84,000 | 5.7x |")
        .contains("| Amplitude java-sdk 1.13.0 (HTTPS) `logEvent` | 93,000 | 100,000, 93,000, 90,000 | 5.2x |");
  }

  @Test
  void latencyLeavesOutRunsThatFellBehindTheRateAndSaysSo() {
    latency(Library.OURS, false, 3.5, 10);
    latency(Library.OURS, false, 4.5, 20);
    latency(Library.OURS, true, 9_000_000, 9_500_000);
    latency(Library.SEGMENT, true, 8_000_000, 8_500_000);

    String md = section().markdown();

    assertThat(md).contains("| analytics (this library) (fell behind the rate in 1 of 3 runs, at 5,000 calls/s: left out)"
        + " | 4.00 | 4.00 | 15.0 |");
    assertThat(md).contains("| Segment analytics-java 3.5.4 (fell behind the rate in 1 of 1 runs, at 5,000 calls/s:"
        + " left out) | n/a |");
    assertThat(md).doesNotContain("9,000,000").doesNotContain("8,000,000");
  }

  @Test
  void statesTheMachineTheDateTheCommandAndFailures() {
    runs.failures.add("HEAP Segment analytics-java 3.5.4: no result within PT5M");

    String md = section().markdown();

    assertThat(md).contains(PeerReport.COMMAND).contains("2 cpus (AMD EPYC)").contains("`openjdk version \"17\"`")
        .contains("2026-12-01 18:00 UTC").contains("the machine was shared")
        .contains("- HEAP Segment analytics-java 3.5.4: no result within PT5M");
  }

  private PeerSection section() {
    PeerReport.Machine machine = new PeerReport.Machine(2, "AMD EPYC", "openjdk version \"17\"\nOpenJDK VM", "9.50 8.0 7.0");
    return new PeerSection(runs, Measure.Settings.FULL, false, 3, machine, "9.0 8.0 7.0",
        Instant.parse("2026-12-01T18:00:00Z"), Instant.parse("2026-12-01T18:10:00Z"));
  }

  private void throughput(Library library, double... perSecond) {
    for (double value : perSecond) runs.add(Measure.THROUGHPUT, library, Measure.JSON.createObjectNode()
        .put("eventsPerSecond", value));
  }

  private void latency(Library library, boolean saturated, double p50, double p99) {
    ObjectNode run = Measure.JSON.createObjectNode().put("saturated", saturated).put("achievedRate", 5_000);
    ObjectNode micros = run.putObject("fromIntendedMicros");
    micros.put("p50", p50).put("p90", p50).put("p99", p99).put("p99.9", p99).put("p99.99", p99).put("max", p99);
    run.putObject("serviceMicros").put("p99", p99);
    runs.add(Measure.LATENCY, library, run);
  }
}
