package dev.analytics.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.analytics.Analytics;
import dev.analytics.connector.ConnectorLoader;
import dev.analytics.http.HttpSink;
import dev.analytics.transform.JoltPipeline;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.spi.ToolProvider;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The direction of dependencies, read from the compiled classes with {@code jdeps}: each module's entry
 * point (Analytics, ConnectorLoader, HttpSink, JoltPipeline) uses its internals, and nothing internal
 * uses an entry point back; the API's value and extension types (Sink, Record, Outcome, ...) are what the
 * internals share with users. Dependencies between modules point toward core, never back.
 */
class DependencyDirectionTest {
  private static final Pattern EDGE = Pattern.compile("^\\s+(\\S+)\\s+->\\s+(\\S+)\\s", Pattern.MULTILINE);

  /** {@code from -> to} class edges of the classes at {@code location} (a jar or a class directory). */
  static List<String[]> classEdges(Path location) {
    ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow();
    StringWriter out = new StringWriter();
    // A jar with a module descriptor is read as that module: its requires must resolve.
    String modulePath = JpmsConsumerTest.modulePath().stream()
        .filter(p -> !p.equals(location))
        .map(Path::toString)
        .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
    StringWriter errors = new StringWriter();
    int status = jdeps.run(new PrintWriter(out, true), new PrintWriter(errors, true),
        "--multi-release", "17", "--module-path", modulePath, "-verbose:class", "-filter:none", location.toString());
    assertThat(status).as("jdeps on " + location + ": " + errors).isZero();
    List<String[]> edges = new ArrayList<>();
    Matcher m = EDGE.matcher(out.toString());
    while (m.find()) edges.add(new String[] {m.group(1), m.group(2)});
    return edges;
  }

  static Path location(Class<?> type) throws Exception {
    return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  @Test
  void nothingInternalDependsOnAnEntryPoint() throws Exception {
    List<Class<?>> entryPoints = List.of(Analytics.class, ConnectorLoader.class, HttpSink.class, JoltPipeline.class);
    for (Class<?> entry : entryPoints) {
      Path classes = location(entry);
      assumeThat(Files.exists(classes)).isTrue();
      List<String> back = new ArrayList<>();
      for (String[] edge : classEdges(classes)) {
        boolean fromInternal = edge[0].contains(".internal.");
        boolean toEntry = edge[1].equals(entry.getName()) || edge[1].startsWith(entry.getName() + "$");
        if (fromInternal && toEntry) back.add(edge[0] + " -> " + edge[1]);
      }
      assertThat(back).as("internal classes that use " + entry.getSimpleName()).isEmpty();
    }
  }

  @Test
  void coreDependsOnNoOtherModule() throws Exception {
    List<String> outward = new ArrayList<>();
    for (String[] edge : classEdges(location(Analytics.class))) {
      String to = edge[1];
      if (to.startsWith("dev.analytics.connector") || to.startsWith("dev.analytics.http")
          || to.startsWith("dev.analytics.transform") || to.startsWith("dev.analytics.testing")
          || to.startsWith("com.fasterxml.jackson.dataformat") || to.startsWith("org.yaml")) {
        outward.add(edge[0] + " -> " + to);
      }
    }
    assertThat(outward).as("core's dependencies on YAML or on other modules").isEmpty();
  }

  @Test
  void noModuleHasAPackageCycle() throws Exception {
    List<Class<?>> modules = List.of(Analytics.class, ConnectorLoader.class, HttpSink.class, JoltPipeline.class);
    for (Class<?> module : modules) {
      Path classes = location(module);
      assumeThat(Files.exists(classes)).isTrue();
      Map<String, Set<String>> uses = new TreeMap<>();
      for (String[] edge : classEdges(classes)) {
        String from = packageOf(edge[0]);
        String to = packageOf(edge[1]);
        if (!from.equals(to) && to.startsWith("dev.analytics")) {
          uses.computeIfAbsent(from, k -> new TreeSet<>()).add(to);
        }
      }
      List<String> cycles = new ArrayList<>();
      for (Map.Entry<String, Set<String>> entry : uses.entrySet()) {
        for (String to : entry.getValue()) {
          if (reaches(uses, to, entry.getKey(), new HashSet<>())) cycles.add(entry.getKey() + " <-> " + to);
        }
      }
      assertThat(cycles).as("package cycles in the module of " + module.getSimpleName() + ": " + uses).isEmpty();
    }
  }

  private static boolean reaches(Map<String, Set<String>> uses, String from, String target, Set<String> seen) {
    if (from.equals(target)) return true;
    if (!seen.add(from)) return false;
    for (String next : uses.getOrDefault(from, Set.of())) {
      if (reaches(uses, next, target, seen)) return true;
    }
    return false;
  }

  private static String packageOf(String className) {
    int dot = className.lastIndexOf('.');
    return dot < 0 ? "" : className.substring(0, dot);
  }
}
