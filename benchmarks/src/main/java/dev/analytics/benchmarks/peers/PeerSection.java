package dev.analytics.benchmarks.peers;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jfree.chart.JFreeChart;

/**
 * Turns one report's runs into its Markdown section (tables of medians and ratios, the machine, the
 * date, the command) and its charts. Medians are per figure across repetitions; ratios are ours over
 * the peer's medians, both from this one run.
 */
final class PeerSection {
  private final PeerReport.Runs runs;
  private final Measure.Settings settings;
  private final boolean quick;
  private final int repetitions;
  private final PeerReport.Machine machine;
  private final String loadAtEnd;
  private final Instant started;
  private final Instant finished;

  PeerSection(PeerReport.Runs runs, Measure.Settings settings, boolean quick, int repetitions,
      PeerReport.Machine machine, String loadAtEnd, Instant started, Instant finished) {
    this.runs = runs;
    this.settings = settings;
    this.quick = quick;
    this.repetitions = repetitions;
    this.machine = machine;
    this.loadAtEnd = loadAtEnd;
    this.started = started;
    this.finished = finished;
  }

  /** The median of {@code field} (a path like {@code "fromIntendedMicros/p99"}) over a library's runs. */
  double median(Measure measure, Library library, String field) {
    return median(runs.of(measure, library), field);
  }

  private static double median(List<JsonNode> runs, String field) {
    List<Double> values = new ArrayList<>();
    for (JsonNode run : runs) values.add(run.at("/" + field).asDouble());
    return Markdown.median(values);
  }

  /**
   * The latency runs that kept the rate. A saturated run (the library could not make the calls as fast
   * as due here) measures the backlog, not the call, so its percentiles are left out.
   */
  private List<JsonNode> steadyLatencyRuns(Library library) {
    return runs.of(Measure.LATENCY, library).stream().filter(r -> !r.path("saturated").asBoolean()).toList();
  }

  /** Each run's value of {@code field}, rounded, for the "runs" column. */
  private String each(Measure measure, Library library, String field) {
    List<String> values = new ArrayList<>();
    for (JsonNode run : runs.of(measure, library)) values.add(Markdown.count(run.at("/" + field).asDouble()));
    return values.isEmpty() ? "failed" : String.join(", ", values);
  }

  private Map<Library, Double> medians(Measure measure, String field) {
    Map<Library, Double> out = new LinkedHashMap<>();
    for (Library library : PeerReport.libraries(measure)) {
      if (!runs.of(measure, library).isEmpty()) out.put(library, median(measure, library, field));
    }
    return out;
  }

  private Map<Library, double[]> latencyMedians() {
    Map<Library, double[]> out = new LinkedHashMap<>();
    for (Library library : PeerReport.libraries(Measure.LATENCY)) {
      List<JsonNode> steady = steadyLatencyRuns(library);
      if (steady.isEmpty()) continue;
      double[] values = new double[Measure.PERCENTILES.length];
      for (int i = 0; i < values.length; i++) {
        values[i] = median(steady, "fromIntendedMicros/" + Markdown.percentileKey(Measure.PERCENTILES[i]));
      }
      out.put(library, values);
    }
    return out;
  }

  /** For each library the heap run with the median peak (a whole run, not a blend of runs). */
  private Map<Library, List<double[]>> heapCurves() {
    Map<Library, List<double[]>> out = new LinkedHashMap<>();
    for (Library library : PeerReport.libraries(Measure.HEAP)) {
      List<JsonNode> list = new ArrayList<>(runs.of(Measure.HEAP, library));
      if (list.isEmpty()) continue;
      list.sort(Comparator.comparingDouble(run -> run.get("peakMegabytes").asDouble()));
      List<double[]> points = new ArrayList<>();
      for (JsonNode sample : list.get(list.size() / 2).get("samples")) {
        points.add(new double[] {sample.get(0).asDouble(), sample.get(1).asDouble()});
      }
      out.put(library, points);
    }
    return out;
  }

  void writeCharts(Path directory) throws IOException {
    JFreeChart latency = PeerCharts.latency(latencyMedians(), settings.latencyRate());
    JFreeChart emit = PeerCharts.bars("emit() calls per second, 1 thread", "calls/s (median)",
        medians(Measure.THROUGHPUT, "eventsPerSecond"));
    JFreeChart endToEnd = PeerCharts.bars("Delivered to the receiver, events per second", "events/s (median)",
        medians(Measure.END_TO_END, "eventsPerSecond"));
    JFreeChart heap = PeerCharts.heap(heapCurves(), settings.heapEvents());
    PeerCharts.save(latency, directory.resolve(PeerCharts.LATENCY));
    PeerCharts.save(emit, directory.resolve(PeerCharts.EMIT));
    PeerCharts.save(endToEnd, directory.resolve(PeerCharts.END_TO_END));
    PeerCharts.save(heap, directory.resolve(PeerCharts.HEAP));
    PeerCharts.saveOverview(List.of(endToEnd, emit, latency, heap), directory.resolve(PeerCharts.OVERVIEW));
  }

  String markdown() {
    StringBuilder md = new StringBuilder();
    md.append("## 6. Beside the peers: Segment's analytics-java and Amplitude's java-sdk\n\n");
    md.append("![End to end, emit throughput, latency percentiles and heap with the endpoint down, beside the peers](charts/")
        .append(PeerCharts.OVERVIEW).append(")\n\n");
    md.append("Everything in this section, charts included, comes from one command run from the repository root")
        .append(" (add `--quick` for a one-minute trial run that writes the same files):\n\n```bash\n")
        .append(PeerReport.COMMAND).append("\n```\n\n");
    md.append("**This run:** ").append(PeerReport.utc(started)).append(" to ").append(PeerReport.utc(finished))
        .append(", ").append(quick ? "quick mode" : "full mode").append(", ").append(repetitions)
        .append(repetitions == 1 ? " repetition" : " repetitions")
        .append(". **Machine:** ").append(machine.cpus()).append(" cpus (").append(machine.cpuModel()).append("), `")
        .append(machine.javaVersion().lines().findFirst().orElse("")).append("` (")
        .append(String.join("; ", machine.javaVersion().lines().skip(1).toList())).append("). ")
        .append("Load average (1, 5, 15 min) ").append(machine.loadAtStart()).append(" at the start and ")
        .append(loadAtEnd).append(" at the end")
        .append(loaded() ? ": the machine was shared with other builds while this ran, so absolute figures are low"
            + " and noisy; read the ratios, measured side by side in this one run.\n\n" : ".\n\n");
    md.append("**How.** Each figure is the median over the repetitions; each run is a JVM of its own (")
        .append("`").append(String.join(" ", PeerReport.CHILD_JVM_OPTIONS)).append("`) holding one library and")
        .append(" its receiver, so one library's heap and threads never touch another's; the libraries alternate,")
        .append(" the order rotating each repetition. Every library sends the same event (")
        .append(SampleEvent.json(12345).getBytes(StandardCharsets.UTF_8).length)
        .append(" bytes as JSON, Amplitude's shape: ids, type, time, version, session and three")
        .append(" properties), built in its own event type inside the timed call, with its defaults, to the same")
        .append(" receiver: the JDK HTTP server in the same JVM with TCP_NODELAY, answering Segment")
        .append(" `{\"success\":true}` and the others Amplitude's `{\"code\":200,...}`. Amplitude's SDK speaks HTTPS")
        .append(" only: its receiver uses a self-signed certificate made at run time with `keytool` and trusted in")
        .append(" that JVM. This library: the README's wiring (default durability, the seed connector's Jolt chain,")
        .append(" `HttpSink` in Amplitude mode as its default picks for Amplitude's hosts), disk bound raised to")
        .append(" 4 GiB so a flat-out burst never blocks. Code: `benchmarks/src/main/java/dev/analytics/benchmarks/peers/`;")
        .append(" every run's raw figures: [`charts/peers-runs.json`](charts/peers-runs.json).\n\n");
    throughput(md);
    latency(md);
    endToEnd(md);
    heap(md);
    if (!runs.failures.isEmpty()) {
      md.append("**Runs that failed** (left out of the medians):\n\n");
      for (String failure : runs.failures) md.append("- ").append(failure.replace('\n', ' ')).append('\n');
      md.append('\n');
    }
    return md.toString();
  }

  private boolean loaded() {
    try {
      double start = Double.parseDouble(machine.loadAtStart().split(" ")[0]);
      double end = Double.parseDouble(loadAtEnd.split(" ")[0]);
      return Math.max(start, end) > 0.5 * machine.cpus();
    } catch (RuntimeException e) {
      return true;
    }
  }

  private void throughput(StringBuilder md) {
    md.append(String.format(Locale.ROOT, "### Emit throughput: one thread, flat out for %d s after %s s of warm-up%n%n",
        settings.throughputTime().toSeconds(), Markdown.decimal(settings.throughputWarmup().toMillis() / 1000.0)));
    double ours = median(Measure.THROUGHPUT, Library.OURS, "eventsPerSecond");
    List<List<String>> rows = new ArrayList<>();
    for (Library library : PeerReport.libraries(Measure.THROUGHPUT)) {
      double m = median(Measure.THROUGHPUT, library, "eventsPerSecond");
      rows.add(List.of(library.label + " `" + call(library) + "`", Markdown.count(m),
          each(Measure.THROUGHPUT, library, "eventsPerSecond"), library.isOurs() ? "" : Markdown.ratio(ours, m)));
    }
    md.append(Markdown.table(List.of("library, call", "calls/s (median)", "each run", "this library ÷ it"), rows));
    md.append("\nOurs has written each event to its log before `emit` returns (default durability `PERIODIC`: in the")
        .append(" memory-mapped log, so it survives `kill -9`; fsynced every second); the peers put it on an")
        .append(" in-memory queue. Chart: [")
        .append(PeerCharts.EMIT).append("](charts/").append(PeerCharts.EMIT).append(").\n\n");
  }

  private void latency(StringBuilder md) {
    md.append(String.format(Locale.ROOT, "### Per-call latency at a steady %,d calls/s (%d s after %d s of warm-up)%n%n",
        settings.latencyRate(), settings.latencyTime().toSeconds(), settings.latencyWarmup().toSeconds()));
    md.append("Open loop, HdrHistogram: each call is timed from the moment it was due, so a stall also counts")
        .append(" against the calls it delayed. Microseconds, medians over the repetitions:\n\n");
    List<String> header = new ArrayList<>(List.of("library"));
    for (double q : Measure.PERCENTILES) header.add(Markdown.percentileKey(q));
    header.add("max");
    header.add("p99 inside the call");
    List<List<String>> rows = new ArrayList<>();
    for (Library library : PeerReport.libraries(Measure.LATENCY)) {
      List<JsonNode> steady = steadyLatencyRuns(library);
      List<String> row = new ArrayList<>(List.of(library.label));
      for (double q : Measure.PERCENTILES) {
        row.add(Markdown.decimal(median(steady, "fromIntendedMicros/" + Markdown.percentileKey(q))));
      }
      row.add(Markdown.decimal(median(steady, "fromIntendedMicros/max")));
      row.add(Markdown.decimal(median(steady, "serviceMicros/p99")));
      List<JsonNode> all = runs.of(Measure.LATENCY, library);
      if (steady.size() < all.size()) {
        row.set(0, String.format(Locale.ROOT, "%s (fell behind the rate in %d of %d runs, at %s calls/s: left out)", library.label,
            all.size() - steady.size(), all.size(), Markdown.count(median(all.stream()
                .filter(r -> r.path("saturated").asBoolean()).toList(), "achievedRate"))));
      }
      rows.add(row);
    }
    md.append(Markdown.table(header, rows));
    md.append("\nChart: [").append(PeerCharts.LATENCY).append("](charts/").append(PeerCharts.LATENCY).append(").\n\n");
  }

  private void endToEnd(StringBuilder md) {
    md.append(String.format(Locale.ROOT, "### End to end: %,d events delivered to the receiver%n%n", settings.endToEndEvents()));
    md.append(String.format(Locale.ROOT, "After %,d warm-up events have arrived, one thread emits %,d events and asks the library",
            settings.endToEndWarmupEvents(), settings.endToEndEvents()))
        .append(" to send what it holds (the peers' `flush()`; ours needs no call); the figure runs from the first")
        .append(" emit until the receiver has counted the last event.\n\n");
    double ours = median(Measure.END_TO_END, Library.OURS, "eventsPerSecond");
    List<List<String>> rows = new ArrayList<>();
    for (Library library : PeerReport.libraries(Measure.END_TO_END)) {
      double m = median(Measure.END_TO_END, library, "eventsPerSecond");
      long incomplete = runs.of(Measure.END_TO_END, library).stream().filter(r -> !r.path("complete").asBoolean(true))
          .count();
      String label = library.label + (incomplete > 0 ? " (not all arrived within " + settings.endToEndDeadline()
          .toSeconds() + " s in " + incomplete + " runs: the rate of what did)" : "");
      rows.add(List.of(label, Markdown.count(m), each(Measure.END_TO_END, library, "eventsPerSecond"),
          Markdown.count(median(Measure.END_TO_END, library, "eventsPerRequest")),
          Markdown.decimal(median(Measure.END_TO_END, library, "wireBytesPerEvent")),
          library == Library.OURS ? "" : Markdown.ratio(ours, m)));
    }
    md.append(Markdown.table(List.of("library", "delivered events/s (median)", "each run", "events per request",
        "bytes per event on the wire", "this library (HTTP) ÷ it"), rows));
    md.append("\nChart: [").append(PeerCharts.END_TO_END).append("](charts/").append(PeerCharts.END_TO_END)
        .append(").\n\n");
  }

  private void heap(StringBuilder md) {
    md.append(String.format(Locale.ROOT, "### Heap after GC with the endpoint down: %,d events at up to %,d per second%n%n",
        settings.heapEvents(), settings.heapRate()));
    md.append(String.format(Locale.ROOT, "A library that has not taken them all after %d s stops there (the table says how many went"
        + " in). ", settings.heapMaxTime().toSeconds()));
    md.append("The receiver answers 503 to every request from the start. A sampler runs `System.gc()` and reads")
        .append(" the used heap (MemoryMXBean) every second while the events go in and for ")
        .append(settings.heapTail().toSeconds()).append(" s after.\n\n");
    List<List<String>> rows = new ArrayList<>();
    for (Library library : PeerReport.libraries(Measure.HEAP)) {
      rows.add(List.of(library.label, Markdown.count(median(Measure.HEAP, library, "events")),
          Markdown.decimal(median(Measure.HEAP, library, "emitSeconds")),
          Markdown.count(median(Measure.HEAP, library, "peakMegabytes")),
          Markdown.count(median(Measure.HEAP, library, "lastMegabytes")),
          Markdown.count(median(Measure.HEAP, library, "requestsRefused"))));
    }
    md.append(Markdown.table(List.of("library", "events handed over", "seconds it took", "heap peak, MB",
        "heap at the end, MB", "requests refused (503)"), rows));
    md.append("\nOurs keeps the backlog on disk, so its heap stays flat; the peers hold it in memory (and drop it")
        .append(" when their retries run out or the process ends). Chart: [").append(PeerCharts.HEAP)
        .append("](charts/").append(PeerCharts.HEAP).append(").\n\n");
  }

  private static String call(Library library) {
    return switch (library) {
      case OURS, OURS_HTTPS -> "emit";
      case SEGMENT -> "enqueue";
      case AMPLITUDE -> "logEvent";
    };
  }
}
