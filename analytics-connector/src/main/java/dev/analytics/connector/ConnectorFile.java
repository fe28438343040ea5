package dev.analytics.connector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.analytics.connector.internal.Problems;
import dev.analytics.spi.ConfigSection;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads the parts of a connector file that are Fluvio's own: {@code apiVersion}, {@code meta}, {@code transforms}. */
final class ConnectorFile {
  static final Set<String> API_VERSIONS = Set.of("0.1.0", "0.2.0");
  private static final Set<String> META_KEYS =
      Set.of("name", "type", "version", "topic", "secrets", "producer", "consumer");
  private static final Set<String> TOPIC_V2_KEYS =
      Set.of("meta", "partition", "retention", "compression", "deduplication");
  private static final Set<String> STEP_KEYS = Set.of("uses", "with", "lookback");
  /** Safe as a directory name on every platform; Fluvio's own topic names are a subset. */
  private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,254}");
  /** What {@link dev.analytics.Analytics.Builder#sink} accepts as a name. */
  private static final Pattern SINK_NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final Pattern SECRET_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private ConnectorFile() {}

  /** {@code apiVersion} and {@code meta}, validated. */
  static ConnectorConfig.Meta meta(ConfigSection root, Problems problems) {
    String apiVersion = null;
    JsonNode api = root.get("apiVersion");
    if (api != null) {
      if (!api.isValueNode() || !API_VERSIONS.contains(api.asText().trim())) {
        throw root.error("apiVersion", "unsupported " + (api.isValueNode() ? "\"" + api.asText() + "\"" : ConfigSection.describe(api))
            + ": expected 0.1.0 or 0.2.0 (or no apiVersion for the legacy format)");
      }
      apiVersion = api.asText().trim();
    }
    ConfigSection meta = root.section("meta")
        .orElseThrow(() -> problems.error("meta", -1, "required: name, type, topic"));
    meta.warnUnknown(META_KEYS);
    String name = meta.requiredString("name");
    if (!SINK_NAME.matcher(name).matches()) {
      throw meta.error("name", "must be 1-64 letters, digits, '.', '_' or '-': \"" + name + "\"");
    }
    String type = meta.requiredString("type");
    if (type.endsWith("-source")) {
      throw meta.error("type", "\"" + type + "\" is a source connector (a producer); this library runs sinks only");
    }
    String version = meta.string("version").orElse(null);
    return new ConnectorConfig.Meta(apiVersion, name, type, version, topic(meta, apiVersion),
        secretNames(meta, apiVersion));
  }

  private static String topic(ConfigSection meta, String apiVersion) {
    JsonNode topic = meta.get("topic");
    if (topic == null) throw meta.error("topic", "required: the topic names the local log");
    String name;
    if ("0.2.0".equals(apiVersion)) {
      if (!topic.isObject()) {
        throw meta.error("topic", "apiVersion 0.2.0 expects a mapping {meta: {name: ...}}, got " + ConfigSection.describe(topic));
      }
      ConfigSection t = meta.section("topic").orElseThrow();
      t.warnUnknown(TOPIC_V2_KEYS);
      ConfigSection tm = t.section("meta").orElseThrow(() -> t.error("meta", "required: {name: <topic>}"));
      tm.warnUnknown(Set.of("name"));
      name = tm.requiredString("name");
      if (!TOPIC.matcher(name).matches()) throw tm.error("name", topicProblem(name));
    } else {
      if (!topic.isTextual()) {
        throw meta.error("topic", "apiVersion " + (apiVersion == null ? "(legacy)" : apiVersion)
            + " expects the topic name as a string, got " + ConfigSection.describe(topic)
            + (topic.isObject() ? " (the object form needs apiVersion: 0.2.0)" : ""));
      }
      name = topic.asText().trim();
      if (!TOPIC.matcher(name).matches()) throw meta.error("topic", topicProblem(name));
    }
    return name;
  }

  private static String topicProblem(String name) {
    return "the topic names the log directory: use letters, digits, '.', '_' or '-', starting with a letter or digit: \""
        + name + "\"";
  }

  private static List<String> secretNames(ConfigSection meta, String apiVersion) {
    JsonNode node = meta.get("secrets");
    if (node == null) return List.of();
    if (apiVersion == null) {
      throw meta.error("secrets", "the legacy format without apiVersion has no secrets; add apiVersion: 0.1.0");
    }
    if (!node.isArray()) throw meta.error("secrets", "expected a list of {name: ...}, got " + ConfigSection.describe(node));
    Set<String> names = new LinkedHashSet<>();
    for (int i = 0; i < node.size(); i++) {
      ConfigSection entry = meta.element("secrets", i);
      entry.warnUnknown(Set.of("name"));
      String name = entry.requiredString("name");
      if (!SECRET_NAME.matcher(name).matches()) {
        throw entry.error("name",
            "invalid secret name \"" + name + "\": use ASCII letters, digits and _, not starting with a digit");
      }
      if (!names.add(name)) throw entry.error("name", "secret " + name + " is declared twice");
    }
    return List.copyOf(names);
  }

  /** The {@code transforms:} list; {@code with:} sections as written (secrets not rendered). */
  static List<TransformStep> transforms(ConfigSection root) {
    JsonNode node = root.get("transforms");
    if (node == null) return List.of();
    if (!node.isArray()) {
      throw root.error("transforms", "expected a list of {uses: ..., with: ...}, got " + ConfigSection.describe(node));
    }
    List<TransformStep> steps = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      ConfigSection step = root.element("transforms", i);
      step.warnUnknown(STEP_KEYS);
      if (step.has("lookback")) {
        step.warn("lookback", "ignored: lookback replays a Fluvio topic; the local log has no history to replay");
      }
      String uses = step.requiredString("uses");
      JsonNode with = step.get("with");
      if (with == null) {
        with = JsonNodeFactory.instance.objectNode();
      } else if (!with.isObject()) {
        throw step.error("with", "expected a mapping (for Jolt: {spec: [...]}), got " + ConfigSection.describe(with));
      }
      steps.add(new TransformStep(i, uses, with, step.line()));
    }
    return steps;
  }
}
