package dev.analytics.connector.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.analytics.spi.Secrets;
import dev.analytics.spi.Sink;
import dev.analytics.spi.SinkProvider;
import dev.analytics.spi.SinkSettings;
import dev.analytics.spi.Transform;
import dev.analytics.spi.TransformProvider;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Finds sink and transform providers by name with {@link ServiceLoader}, the way Fluvio finds
 * SmartModules, and builds them; every failure names the file, the key path and its line, with secrets
 * masked.
 */
public final class Providers {
  private final ClassLoader loader;
  private final Problems problems;
  private final Map<String, Integer> lines;

  /** {@code lines}: every key path of the file and its line, to place a provider's message. */
  public Providers(ClassLoader loader, Problems problems, Map<String, Integer> lines) {
    this.loader = loader;
    this.problems = problems;
    this.lines = lines;
  }

  /** Builds transform step {@code index} ({@code uses}, {@code with}, at {@code line}). */
  public Transform transform(int index, String uses, JsonNode with, int line, Secrets secrets) {
    String path = "transforms[" + index + "].uses";
    List<String> seen = new ArrayList<>();
    List<String> broken = new ArrayList<>();
    TransformProvider found = null;
    for (TransformProvider provider : load(TransformProvider.class, broken)) {
      seen.add(provider.getClass().getName());
      if (provider.supports(uses)) {
        found = provider;
        break;
      }
    }
    if (found == null) {
      throw problems.error(path, line, "no transform provider for \"" + uses
          + "\" on the class path; add the module that implements it (dev.analytics:analytics-transform"
          + " implements infinyon/jolt and jolt)" + (seen.isEmpty() ? "" : "; providers found: " + seen)
          + (broken.isEmpty() ? "" : "; providers that failed to load: " + broken));
    }
    Transform transform;
    try {
      transform = found.create(uses, with, secrets);
    } catch (RuntimeException e) {
      throw failure("transforms[" + index + "] (" + uses + ")", line, e);
    }
    if (transform == null) throw problems.error(path, line, found.getClass().getName() + " returned no transform");
    return transform;
  }

  /** Builds the sink of {@code type} (written at {@code typeLine}). */
  public Sink sink(String type, int typeLine, SinkSettings settings) {
    List<String> types = new ArrayList<>();
    List<String> broken = new ArrayList<>();
    SinkProvider found = null;
    for (SinkProvider provider : load(SinkProvider.class, broken)) {
      types.add(provider.type());
      if (type.equals(provider.type())) {
        found = provider;
        break;
      }
    }
    if (found == null) {
      String module = type.equals("http-sink")
          ? "add the module dev.analytics:analytics-http"
          : "add the module that implements it (dev.analytics:analytics-http implements http-sink)";
      throw problems.error("meta.type", typeLine, "no sink provider for type \"" + type + "\" on the class path; "
          + module + (types.isEmpty() ? "" : "; types found: " + types)
          + (broken.isEmpty() ? "" : "; providers that failed to load: " + broken));
    }
    Sink sink;
    try {
      sink = found.create(settings);
    } catch (RuntimeException e) {
      throw failure("sink " + type, -1, e);
    }
    if (sink == null) throw problems.error("meta.type", typeLine, found.getClass().getName() + " returned no sink");
    return sink;
  }

  /**
   * The providers that load, in class path order; one that fails to load (a stale registration, a
   * missing dependency) is noted in {@code broken} and skipped, so it cannot hide the others.
   */
  private <T> List<T> load(Class<T> type, List<String> broken) {
    List<T> result = new ArrayList<>();
    Iterator<T> it = ServiceLoader.load(type, loader).iterator();
    while (true) {
      try {
        if (!it.hasNext()) break;
        result.add(it.next());
      } catch (ServiceConfigurationError e) {
        broken.add(e.getMessage());
        if (broken.size() > 20) break; // a loader that fails on every call must not spin
      }
    }
    return result;
  }

  /**
   * A provider's error with the file, the line of the key path it names, and secret values masked. A
   * message the provider already formatted through its {@link dev.analytics.spi.ConfigSection} is kept
   * as it is. The cause is not chained: its message would print the unmasked text in a stack trace.
   */
  private RuntimeException failure(String what, int fallbackLine, RuntimeException e) {
    String message = String.valueOf(e.getMessage());
    String text;
    if (problems.isFormatted(message)) {
      text = problems.secrets().redact(message);
    } else {
      String path = longestPathIn(message, lines);
      text = problems.format("", path == null ? fallbackLine : lines.get(path), what + ": " + message);
    }
    RuntimeException wrapped = e instanceof IllegalArgumentException
        ? new IllegalArgumentException(text)
        : new IllegalStateException(text + " (" + e.getClass().getName() + ")");
    wrapped.setStackTrace(e.getStackTrace());
    return wrapped;
  }

  /** The longest key path of the file that the message mentions, for its line. */
  public static String longestPathIn(String message, Map<String, Integer> paths) {
    String best = null;
    for (String path : paths.keySet()) {
      if (path.isEmpty()) continue;
      // A top-level key alone is a common word ("meta", "http"): count it only as the head of a path.
      boolean topLevel = !path.contains(".") && !path.contains("[");
      for (int at = message.indexOf(path); at >= 0; at = message.indexOf(path, at + 1)) {
        int end = at + path.length();
        char next = end == message.length() ? ' ' : message.charAt(end);
        char before = at == 0 ? ' ' : message.charAt(at - 1);
        boolean boundary = topLevel
            ? next == '.' || next == '['
            : !(Character.isLetterOrDigit(next) || next == '_' || next == '-');
        boolean starts = !(Character.isLetterOrDigit(before) || before == '_' || before == '.' || before == '-');
        if (boundary && starts && (best == null || path.length() > best.length())) best = path;
      }
    }
    return best;
  }
}
