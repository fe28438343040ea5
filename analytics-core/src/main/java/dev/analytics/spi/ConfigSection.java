package dev.analytics.spi;

import com.fasterxml.jackson.databind.JsonNode;
import dev.analytics.internal.settings.ByteSize;
import dev.analytics.internal.settings.HumanDuration;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One mapping of a configuration file at a known key path (a connector file's {@code http:} or
 * {@code analytics.delivery:} section), as a provider sees it: typed getters whose errors name the key
 * path as the user wrote it ({@code http.backoff_max}, not {@code backoffMax}), its line, and the value
 * as written ({@code "90s"}, not {@code PT1M30S}), with every secret value masked.
 *
 * <pre>{@code
 * Duration timeout = http.duration("http_request_timeout").orElse(DEFAULT_TIMEOUT);
 * http.apply("http_request_timeout", () -> builder.requestTimeout(timeout)); // a range error names the key
 * }</pre>
 *
 * <p>A value written as YAML null ({@code key:} with nothing after it) counts as absent.
 */
public final class ConfigSection {
  /** Where a section comes from, for messages. */
  public interface Origin {
    /** What every message starts with, such as {@code connector amplitude-connector.yaml}. */
    String source();

    /** The 1-based line of a key path, or -1 when unknown. */
    default int line(String path) {
      return -1;
    }

    /** Receives each formatted warning (an unknown key, an ignored setting). */
    void warn(String message);

    /** Values masked in every message. */
    default Secrets secrets() {
      return Secrets.none();
    }
  }

  private static final Pattern ISO_DURATION = Pattern.compile("PT[0-9HMS.]+");
  private static final Pattern BYTE_COUNT = Pattern.compile("(?<![\\w.])\\d{4,}(?![\\w.])");

  private final JsonNode node;
  private final String path;
  private final Origin origin;

  private ConfigSection(JsonNode node, String path, Origin origin) {
    this.node = node;
    this.path = path;
    this.origin = origin;
  }

  /**
   * A view of {@code node}, a JSON object, at key path {@code path} ({@code ""} for a file's root).
   *
   * @throws IllegalArgumentException naming the path if {@code node} is not an object
   */
  public static ConfigSection of(JsonNode node, String path, Origin origin) {
    Objects.requireNonNull(node, "node == null");
    Objects.requireNonNull(path, "path == null");
    Objects.requireNonNull(origin, "origin == null");
    ConfigSection section = new ConfigSection(node, path, origin);
    if (!node.isObject()) {
      throw new IllegalArgumentException(section.format(path, origin.line(path),
          "expected a mapping of keys, got " + describe(node)));
    }
    return section;
  }

  /** An empty section at {@code path}: every getter finds nothing. */
  public static ConfigSection empty(String path, Origin origin) {
    return of(com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode(), path, origin);
  }

  Origin origin() {
    return origin;
  }

  /** The mapping itself (shared: do not modify it). */
  public JsonNode node() {
    return node;
  }

  /** This section's key path, such as {@code http} or {@code analytics.delivery}. */
  public String path() {
    return path;
  }

  /** The key path of {@code key} in this section. */
  public String path(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  /** The line of this section in the file, or -1. */
  public int line() {
    return origin.line(path);
  }

  /** The line of {@code key}, or -1. */
  public int line(String key) {
    return origin.line(path(key));
  }

  /** The keys as written, in file order. */
  public Set<String> keys() {
    Set<String> keys = new LinkedHashSet<>();
    node.fieldNames().forEachRemaining(keys::add);
    return keys;
  }

  /** True when {@code key} has a value other than YAML null. */
  public boolean has(String key) {
    return get(key) != null;
  }

  /** The value, or null when absent or null. */
  public JsonNode get(String key) {
    JsonNode value = node.get(key);
    return value == null || value.isNull() ? null : value;
  }

  /** A scalar as text (numbers too: {@code version: 1.0} is a YAML number). */
  public Optional<String> string(String key) {
    JsonNode value = get(key);
    if (value == null) return Optional.empty();
    if (!value.isTextual() && !value.isNumber()) {
      throw error(key, "expected a string, got " + describe(value));
    }
    return Optional.of(value.asText());
  }

  /** A scalar as text, trimmed; absent, null or blank is an error. */
  public String requiredString(String key) {
    String value = string(key).map(String::trim).orElse("");
    if (value.isEmpty()) throw error(key, "required");
    return value;
  }

  /** A humantime duration such as {@code 500ms}, {@code 15s}, {@code 1m}, {@code 1h 30m}. */
  public Optional<Duration> duration(String key) {
    JsonNode value = get(key);
    if (value == null) return Optional.empty();
    if (!value.isTextual()) {
      throw error(key, "expected a duration like 500ms, 15s or 1m, got " + describe(value));
    }
    try {
      return Optional.of(HumanDuration.parse(value.asText()));
    } catch (IllegalArgumentException e) {
      throw error(key, e.getMessage());
    }
  }

  /** A byte count: an integer, or a size such as {@code 512MiB}, {@code 64 KiB}, {@code 1GB}. */
  public OptionalLong size(String key) {
    JsonNode value = get(key);
    if (value == null) return OptionalLong.empty();
    if (value.isIntegralNumber() && value.canConvertToLong()) return OptionalLong.of(value.asLong());
    if (!value.isTextual()) {
      throw error(key, "expected a byte size like 1048576 or 512MiB, got " + describe(value));
    }
    try {
      return OptionalLong.of(ByteSize.parse(value.asText()));
    } catch (IllegalArgumentException e) {
      throw error(key, e.getMessage());
    }
  }

  /** A byte count that fits an {@code int}, in {@code [min, max]}. */
  public OptionalInt intSize(String key, int min, int max) {
    OptionalLong bytes = size(key);
    if (bytes.isEmpty()) return OptionalInt.empty();
    long v = bytes.getAsLong();
    if (v < min || v > max) throw error(key, inUnitsWritten(key, "out of range [" + min + ", " + max + "] bytes"));
    return OptionalInt.of((int) v);
  }

  /** An integer in {@code [min, max]}. */
  public OptionalInt integer(String key, int min, int max) {
    JsonNode value = get(key);
    if (value == null) return OptionalInt.empty();
    if (!value.isIntegralNumber() || !value.canConvertToInt()) {
      throw error(key, "expected an integer, got " + describe(value));
    }
    int v = value.asInt();
    if (v < min || v > max) throw error(key, "out of range [" + min + ", " + max + "]");
    return OptionalInt.of(v);
  }

  /** {@code true} or {@code false}. */
  public Optional<Boolean> bool(String key) {
    JsonNode value = get(key);
    if (value == null) return Optional.empty();
    if (!value.isBoolean()) throw error(key, "expected true or false, got " + describe(value));
    return Optional.of(value.booleanValue());
  }

  /** One of {@code choices}' keys, case-insensitive, with {@code _} and {@code -} alike. */
  public <E> Optional<E> choice(String key, Map<String, E> choices) {
    JsonNode value = get(key);
    if (value == null) return Optional.empty();
    if (!value.isTextual()) throw error(key, "expected one of " + choices.keySet() + ", got " + describe(value));
    String wanted = normalize(value.asText());
    for (Map.Entry<String, E> choice : choices.entrySet()) {
      if (normalize(choice.getKey()).equals(wanted)) return Optional.of(choice.getValue());
    }
    throw error(key, "expected one of " + choices.keySet() + ": \"" + value.asText() + "\"");
  }

  private static String normalize(String choice) {
    return choice.trim().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** A list of scalars as text; empty when absent. */
  public List<String> strings(String key) {
    JsonNode value = get(key);
    if (value == null) return List.of();
    if (!value.isArray()) throw error(key, "expected a list, got " + describe(value));
    List<String> result = new ArrayList<>(value.size());
    for (int i = 0; i < value.size(); i++) {
      JsonNode item = value.get(i);
      if (item == null || !(item.isTextual() || item.isNumber())) {
        throw elementError(key, i, "expected a string, got " + describe(item));
      }
      result.add(item.asText());
    }
    return result;
  }

  /** The mapping at {@code key}; empty when absent. */
  public Optional<ConfigSection> section(String key) {
    JsonNode value = get(key);
    if (value == null) return Optional.empty();
    if (!value.isObject()) throw error(key, "expected a mapping of keys, got " + describe(value));
    return Optional.of(new ConfigSection(value, path(key), origin));
  }

  /** Element {@code index} of the list at {@code key}, which must be a mapping. */
  public ConfigSection element(String key, int index) {
    JsonNode list = get(key);
    JsonNode item = list == null ? null : list.get(index);
    if (item == null || !item.isObject()) throw elementError(key, index, "expected a mapping, got " + describe(item));
    return new ConfigSection(item, path(key) + "[" + index + "]", origin);
  }

  /** The same key path with another node, such as a copy with secrets rendered. */
  public ConfigSection withNode(JsonNode other) {
    return of(other, path, origin);
  }

  /**
   * Runs {@code setting} (a builder call with a value read from {@code key}); an
   * {@link IllegalArgumentException} it throws becomes {@link #error} for {@code key}, with durations
   * in the message written the way the file writes them.
   */
  public void apply(String key, Runnable setting) {
    try {
      setting.run();
    } catch (IllegalArgumentException e) {
      throw error(key, inUnitsWritten(key, humanDurations(String.valueOf(e.getMessage()))));
    }
  }

  /**
   * {@code message} with its byte counts (numbers of 1024 and more) in the unit the value at {@code key}
   * was written in ({@code 131072} reads {@code 128 KiB} where the file says {@code 64KiB}); unchanged
   * when that value has no unit.
   */
  public String inUnitsWritten(String key, String message) {
    JsonNode value = node.get(key);
    if (value == null || !value.isTextual() || ByteSize.inUnitOf(value.asText(), 0) == null) return message;
    Matcher m = BYTE_COUNT.matcher(message);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String replacement;
      try {
        replacement = ByteSize.inUnitOf(value.asText(), Long.parseLong(m.group()));
      } catch (NumberFormatException e) {
        replacement = m.group();
      }
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString().replace(" bytes", "");
  }

  /**
   * An error at {@code key}: {@code <source>: <path> (line N): <problem> (written: <value>)}, the value
   * as written when it is a scalar the problem does not already quote. Secret values are masked.
   */
  public IllegalArgumentException error(String key, String problem) {
    JsonNode value = node.get(key);
    String written = value != null && value.isValueNode() && !value.isNull() ? value.asText() : null;
    String text = written == null || problem.contains(written) ? problem : problem + " (written: " + written + ")";
    return new IllegalArgumentException(format(path(key), line(key), text));
  }

  private IllegalArgumentException elementError(String key, int index, String problem) {
    String itemPath = path(key) + "[" + index + "]";
    return new IllegalArgumentException(format(itemPath, origin.line(itemPath), problem));
  }

  /** A warning at {@code key}, formatted like {@link #error}. */
  public void warn(String key, String problem) {
    origin.warn(format(path(key), line(key), problem));
  }

  /** Warns once about each key of this mapping that is not in {@code known}, listing the known ones. */
  public void warnUnknown(Set<String> known) {
    for (String key : keys()) {
      if (!known.contains(key)) warn(key, "unknown key ignored (known: " + String.join(", ", new TreeSet<>(known)) + ")");
    }
  }

  /** {@code <source>: <path> (line N): <problem>}, secrets masked. */
  public String format(String keyPath, int line, String problem) {
    StringBuilder b = new StringBuilder(origin.source());
    if (keyPath != null && !keyPath.isEmpty()) b.append(": ").append(keyPath);
    if (line > 0) b.append(" (line ").append(line).append(')');
    // Only the problem can hold a value; the source and key path come from outside the values.
    return b.append(": ").append(origin.secrets().redact(problem)).toString();
  }

  /** How a value reads in a message: {@code a string ("x")}, {@code a list}, ... */
  public static String describe(JsonNode value) {
    if (value == null || value.isNull()) return "nothing (null)";
    if (value.isObject()) return "a mapping";
    if (value.isArray()) return "a list";
    if (value.isBoolean()) return "a boolean (" + value.asText() + ")";
    if (value.isNumber()) return "a number (" + value.asText() + ")";
    return "a string (\"" + value.asText() + "\")";
  }

  /** Builders print {@link Duration#toString()} ({@code PT1M30S}); files say {@code 1m 30s}. */
  static String humanDurations(String message) {
    Matcher m = ISO_DURATION.matcher(message);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String replacement;
      try {
        replacement = HumanDuration.format(Duration.parse(m.group()));
      } catch (RuntimeException e) {
        replacement = m.group();
      }
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString();
  }

  @Override
  public String toString() {
    return "ConfigSection{" + (path.isEmpty() ? "<root>" : path) + "}"; // never the values: they may be secrets
  }
}
