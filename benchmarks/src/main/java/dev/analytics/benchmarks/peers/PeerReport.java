package dev.analytics.benchmarks.peers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Measures this library beside Segment's {@code analytics-java} and Amplitude's {@code java-sdk}
 * and regenerates the peer section of {@code docs/BENCHMARKS.md} (between its markers) and the charts
 * under {@code docs/charts/}. Every run is a child JVM of its own ({@link PeerRun}): one library, one
 * measure, its own receiver; libraries alternate, the order rotating each repetition; the report shows
 * medians and ratios within this one run.
 *
 * <pre>
 * mvn -B -q package -DskipTests -pl benchmarks -am
 * java -cp benchmarks/target/benchmarks.jar dev.analytics.benchmarks.peers.PeerReport [--quick] [--docs docs] [--repetitions 3]
 * </pre>
 *
 * {@code --quick} (one repetition of seconds each, about a minute) is for trying changes; the full mode
 * takes about ten minutes.
 */
public final class PeerReport {
  static final String COMMAND = "mvn -B -q package -DskipTests -pl benchmarks -am && "
      + "java -cp benchmarks/target/benchmarks.jar dev.analytics.benchmarks.peers.PeerReport";
  static final List<String> CHILD_JVM_OPTIONS = List.of("-Xmx3g", "-XX:+UseG1GC", "-Djava.awt.headless=true",
      "-Dsun.net.httpserver.nodelay=true");

  private PeerReport() {}

  public static void main(String[] args) throws Exception {
    boolean quick = List.of(args).contains("--quick");
    Path docs = Path.of(option(args, "--docs", "docs"));
    int repetitions = Integer.parseInt(option(args, "--repetitions", quick ? "1" : "3"));
    if (repetitions < 1) throw new IllegalArgumentException("--repetitions < 1: " + repetitions);
    Path benchmarksMd = docs.resolve("BENCHMARKS.md");
    if (!Files.isRegularFile(benchmarksMd)) {
      throw new IllegalArgumentException("--docs " + docs + ": no BENCHMARKS.md there (run from the repository root)");
    }

    Path work = Files.createTempDirectory("peers-report");
    try {
      SelfSignedCertificate certificate = SelfSignedCertificate.create(work);
      Machine machine = Machine.describe();
      Instant started = Instant.now();
      System.out.printf("peer report (%s, %d repetitions) on %s%n", quick ? "quick" : "full", repetitions, machine.summary());
      Runs runs = new Runs();
      int index = 0;
      for (Measure measure : Measure.values()) {
        for (int repetition = 0; repetition < repetitions; repetition++) {
          List<Library> libraries = libraries(measure);
          for (int k = 0; k < libraries.size(); k++) {
            Library library = libraries.get((k + repetition) % libraries.size());
            index++;
            Path log = work.resolve("run-" + index + "-" + library + "-" + measure + ".log");
            try {
              JsonNode result = runChild(library, measure, quick, certificate, log);
              runs.add(measure, library, result);
              System.out.printf("  %-10s %-32s %s%n", measure, library.label, headline(measure, result));
            } catch (IOException | RuntimeException e) {
              String failure = measure + " " + library.label + ": " + e.getMessage();
              runs.failures.add(failure);
              System.out.println("  FAILED " + failure);
            }
          }
        }
      }
      Instant finished = Instant.now();
      String loadAtEnd = Machine.loadAverage();

      Path charts = docs.resolve("charts");
      PeerSection section = new PeerSection(runs, quick ? Measure.Settings.QUICK : Measure.Settings.FULL, quick,
          repetitions, machine, loadAtEnd, started, finished);
      section.writeCharts(charts);
      Files.writeString(charts.resolve("peers-runs.json"), runs.toJson(), StandardCharsets.UTF_8);
      String document = Files.readString(benchmarksMd, StandardCharsets.UTF_8);
      Files.writeString(benchmarksMd, Markdown.replaceSection(document, section.markdown()), StandardCharsets.UTF_8);
      System.out.printf("wrote %s and %s (%s)%n", benchmarksMd, charts,
          Duration.between(started, finished).truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    } finally {
      try (Stream<Path> files = Files.walk(work)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
      }
    }
  }

  static List<Library> libraries(Measure measure) {
    return measure == Measure.END_TO_END
        ? List.of(Library.OURS, Library.SEGMENT, Library.OURS_HTTPS, Library.AMPLITUDE)
        : List.of(Library.OURS, Library.SEGMENT, Library.AMPLITUDE);
  }

  private static JsonNode runChild(Library library, Measure measure, boolean quick, SelfSignedCertificate certificate,
      Path log) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(CHILD_JVM_OPTIONS);
    command.addAll(certificate.jvmOptions());
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), PeerRun.class.getName(), library.name(),
        measure.name(), quick ? "quick" : "full"));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    Duration limit = Duration.ofMinutes(5);
    if (!process.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      throw new IOException("no result within " + limit + "; its output ends: " + tail(log));
    }
    for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
      if (line.startsWith(PeerRun.RESULT_PREFIX)) {
        return Measure.JSON.readTree(line.substring(PeerRun.RESULT_PREFIX.length()));
      }
    }
    throw new IOException("exit " + process.exitValue() + " without a result; its output ends: " + tail(log));
  }

  private static String tail(Path log) throws IOException {
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    return String.join(" / ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
  }

  private static String headline(Measure measure, JsonNode result) {
    return switch (measure) {
      case THROUGHPUT, END_TO_END -> Markdown.count(result.get("eventsPerSecond").asDouble()) + " events/s";
      case LATENCY -> "p99 " + Markdown.decimal(result.get("fromIntendedMicros").get("p99").asDouble()) + " us, p99.9 "
          + Markdown.decimal(result.get("fromIntendedMicros").get("p99.9").asDouble()) + " us";
      case HEAP -> "heap peak " + Markdown.count(result.get("peakMegabytes").asDouble()) + " MB, last "
          + Markdown.count(result.get("lastMegabytes").asDouble()) + " MB";
    };
  }

  private static String option(String[] args, String name, String fallback) {
    for (int i = 0; i < args.length - 1; i++) if (args[i].equals(name)) return args[i + 1];
    return fallback;
  }

  /** Every child's result, by measure and library, in the order they ran; and what failed. */
  static final class Runs {
    final Map<Measure, Map<Library, List<JsonNode>>> results = new EnumMap<>(Measure.class);
    final List<String> failures = new ArrayList<>();

    void add(Measure measure, Library library, JsonNode result) {
      results.computeIfAbsent(measure, m -> new EnumMap<>(Library.class))
          .computeIfAbsent(library, l -> new ArrayList<>()).add(result);
    }

    List<JsonNode> of(Measure measure, Library library) {
      return results.getOrDefault(measure, Map.of()).getOrDefault(library, List.of());
    }

    String toJson() throws IOException {
      ObjectNode root = Measure.JSON.createObjectNode();
      results.forEach((measure, byLibrary) -> {
        ObjectNode m = root.putObject(measure.name());
        byLibrary.forEach((library, list) -> list.forEach(m.withArray(library.name())::add));
      });
      failures.forEach(root.withArray("failures")::add);
      return Measure.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    }
  }

  /** What the figures ran on: cores, CPU model, {@code java -version}, load. */
  record Machine(int cpus, String cpuModel, String javaVersion, String loadAtStart) {
    static Machine describe() throws IOException, InterruptedException {
      String model = "unknown CPU";
      Path cpuinfo = Path.of("/proc/cpuinfo");
      if (Files.isReadable(cpuinfo)) {
        for (String line : Files.readAllLines(cpuinfo)) {
          if (line.startsWith("model name")) {
            model = line.substring(line.indexOf(':') + 1).trim();
            break;
          }
        }
      }
      Process java = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-version")
          .redirectErrorStream(true).start();
      String version = new String(java.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      java.waitFor(30, TimeUnit.SECONDS);
      return new Machine(Runtime.getRuntime().availableProcessors(), model, version, loadAverage());
    }

    static String loadAverage() throws IOException {
      Path loadavg = Path.of("/proc/loadavg");
      if (!Files.isReadable(loadavg)) return "unknown";
      String[] fields = Files.readString(loadavg).trim().split("\\s+");
      return fields[0] + " " + fields[1] + " " + fields[2];
    }

    String summary() {
      return cpus + " cpus (" + cpuModel + "), " + javaVersion.lines().findFirst().orElse("") + ", load " + loadAtStart;
    }
  }

  static String utc(Instant instant) {
    return DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC).format(instant);
  }
}
