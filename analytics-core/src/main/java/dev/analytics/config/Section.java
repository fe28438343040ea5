package dev.analytics.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.analytics.spi.HumanDuration;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A mapping of the connector file at a known key path: typed getters that fail with the path and the
 * line, and a check that warns about keys we do not know.
 */
final class Section {
  private final JsonNode node;
  private final String path;
  private final YamlDocument document;
  private final Problems problems;

  Section(JsonNode node, String path, YamlDocument document, Problems problems) {
    this.node = node;
    this.path = path;
    this.document = document;
    this.problems = problems;
  }

  JsonNode node() {
    return node;
  }

  String path() {
    return path;
  }

  String path(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  int line() {
    return document.line(path);
  }

  int line(String key) {
    return document.line(path(key));
  }

  boolean has(String key) {
    JsonNode value = node.get(key);
    return value != null && !value.isNull();
  }

  /** The value, or null when absent or written as YAML null ({@code key:} with nothing after it). */
  JsonNode get(String key) {
    JsonNode value = node.get(key);
    return value == null || value.isNull() ? null : value;
  }

  IllegalArgumentException error(String key, String problem) {
    return problems.error(path(key), line(key), problem);
  }

  /** A scalar as text (numbers too: {@code version: 1.0} is a YAML number), or null when absent. */
  String string(String key) {
    JsonNode value = get(key);
    if (value == null) return null;
    if (!value.isTextual() && !value.isNumber()) {
      throw error(key, "expected a string, got " + describe(value));
    }
    return value.asText();
  }

  String requiredString(String key) {
    String value = string(key);
    if (value == null || value.trim().isEmpty()) throw error(key, "required");
    return value.trim();
  }

  /** The same key path with another node, such as a rendered copy. */
  Section withNode(JsonNode other) {
    return new Section(other, path, document, problems);
  }

  /** Element {@code index} of the list at {@code key}, which must be a mapping. */
  Section element(String key, int index) {
    JsonNode item = node.get(key).get(index);
    String itemPath = path(key) + "[" + index + "]";
    if (item == null || !item.isObject()) {
      throw problems.error(itemPath, document.line(itemPath), "expected a mapping, got " + describe(item));
    }
    return new Section(item, itemPath, document, problems);
  }

  void warn(String key, String problem) {
    problems.warn(path(key), line(key), problem);
  }

  /** A mapping, or null when absent. */
  Section section(String key) {
    JsonNode value = get(key);
    if (value == null) return null;
    if (!value.isObject()) throw error(key, "expected a mapping of keys, got " + describe(value));
    return new Section(value, path(key), document, problems);
  }

  Duration duration(String key) {
    JsonNode value = get(key);
    if (value == null) return null;
    if (!value.isTextual()) {
      throw error(key, "expected a duration like 500ms, 15s or 1m, got " + describe(value));
    }
    try {
      return HumanDuration.parse(value.asText());
    } catch (IllegalArgumentException e) {
      throw error(key, e.getMessage());
    }
  }

  /** A byte count: an integer or a size such as {@code 512MiB}, {@code 64 KiB}, {@code 1GB}. */
  Long size(String key) {
    JsonNode value = get(key);
    if (value == null) return null;
    if (value.isIntegralNumber() && value.canConvertToLong()) return value.asLong();
    if (!value.isTextual()) {
      throw error(key, "expected a byte size like 1048576 or 512MiB, got " + describe(value));
    }
    try {
      return ByteSize.parse(value.asText());
    } catch (IllegalArgumentException e) {
      throw error(key, e.getMessage());
    }
  }

  Integer integer(String key, int min, int max) {
    JsonNode value = get(key);
    if (value == null) return null;
    if (!value.isIntegralNumber() || !value.canConvertToInt()) {
      throw error(key, "expected an integer, got " + describe(value));
    }
    int v = value.asInt();
    if (v < min || v > max) throw error(key, "out of range [" + min + ", " + max + "]: " + v);
    return v;
  }

  /** One of {@code choices}' keys, case-insensitive. */
  <E> E choice(String key, Map<String, E> choices) {
    JsonNode value = get(key);
    if (value == null) return null;
    if (!value.isTextual()) {
      throw error(key, "expected one of " + choices.keySet() + ", got " + describe(value));
    }
    E e = choices.get(value.asText().trim().toLowerCase(Locale.ROOT));
    if (e == null) {
      throw error(key, "expected one of " + choices.keySet() + ": \"" + value.asText() + "\"");
    }
    return e;
  }

  /** Warns once about each key of this mapping that is not in {@code known}. */
  void warnUnknown(Set<String> known, String what) {
    List<String> unknown = new ArrayList<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!known.contains(key)) unknown.add(key);
    }
    for (String key : unknown) {
      problems.warn(path(key), line(key), "unknown key ignored" + what);
    }
  }

  static String describe(JsonNode value) {
    if (value == null || value.isNull()) return "nothing (null)";
    if (value.isObject()) return "a mapping";
    if (value.isArray()) return "a list";
    if (value.isBoolean()) return "a boolean (" + value.asText() + ")";
    if (value.isNumber()) return "a number (" + value.asText() + ")";
    return "a string (\"" + value.asText() + "\")";
  }
}
