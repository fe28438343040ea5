package dev.analytics.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.analytics.Secrets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A connector file, parsed and validated, with this loader's overrides applied: what
 * {@link ConnectorLoader#build()} turns into an {@link dev.analytics.Analytics}. For tests and tools.
 *
 * <p>{@link #sinkSection()} holds rendered secret values (it is what the sink gets); {@link #toString()}
 * never prints sections.
 */
public final class ConnectorConfig {
  private final String source;
  private final String apiVersion;
  private final String name;
  private final String type;
  private final String version;
  private final String topic;
  private final List<String> secretNames;
  private final String sinkSectionName;
  private final JsonNode sinkSection;
  private final JsonNode declaredSinkSection;
  private final String endpointOverride;
  private final List<TransformStep> transforms;
  private final LibrarySettings settings;
  private final Path directory;
  private final List<String> warnings;
  private final Secrets secrets;
  private final YamlDocument document;

  ConnectorConfig(String source, String apiVersion, String name, String type, String version, String topic,
      List<String> secretNames, String sinkSectionName, JsonNode sinkSection, JsonNode declaredSinkSection,
      String endpointOverride,
      List<TransformStep> transforms, LibrarySettings settings, Path directory, List<String> warnings,
      Secrets secrets, YamlDocument document) {
    this.source = source;
    this.apiVersion = apiVersion;
    this.name = name;
    this.type = type;
    this.version = version;
    this.topic = topic;
    this.secretNames = List.copyOf(secretNames);
    this.sinkSectionName = sinkSectionName;
    this.sinkSection = sinkSection;
    this.declaredSinkSection = declaredSinkSection;
    this.endpointOverride = endpointOverride;
    this.transforms = List.copyOf(transforms);
    this.settings = settings;
    this.directory = directory;
    this.warnings = List.copyOf(warnings);
    this.secrets = secrets;
    this.document = document;
  }

  /** The file path, or {@code <yaml>} for text given in code. */
  public String source() {
    return source;
  }

  /** {@code 0.1.0} or {@code 0.2.0}; empty for the legacy format without {@code apiVersion}. */
  public Optional<String> apiVersion() {
    return Optional.ofNullable(apiVersion);
  }

  /** {@code meta.name}, trimmed: also the sink's name in {@link dev.analytics.Analytics}. */
  public String name() {
    return name;
  }

  /** {@code meta.type}, for example {@code http-sink}. */
  public String type() {
    return type;
  }

  /** {@code meta.version} (informational). */
  public Optional<String> version() {
    return Optional.ofNullable(version);
  }

  /** The topic name: {@code meta.topic} (0.1.0) or {@code meta.topic.meta.name} (0.2.0). */
  public String topic() {
    return topic;
  }

  /** The names declared under {@code meta.secrets}, in file order. */
  public List<String> secretNames() {
    return secretNames;
  }

  /** The sink's section name: the type without {@code -sink} ({@code http} for {@code http-sink}). */
  public String sinkSectionName() {
    return sinkSectionName;
  }

  /**
   * A copy of the sink's section with secrets rendered and the endpoint override applied; an empty
   * object when the file has none.
   */
  public JsonNode sinkSection() {
    return sinkSection.deepCopy();
  }

  /** The endpoint that replaced the file's {@code endpoint}, if an override was set. */
  /** The sink's section as the file declares it (secrets rendered), before the endpoint override. */
  public JsonNode declaredSinkSection() {
    return declaredSinkSection.deepCopy();
  }

  public Optional<String> endpointOverride() {
    return Optional.ofNullable(endpointOverride);
  }

  /** The transform steps, in order. */
  public List<TransformStep> transforms() {
    return transforms;
  }

  /** The {@value LibrarySettings#SECTION} section. */
  public LibrarySettings settings() {
    return settings;
  }

  /** The log directory: {@code <base directory>/<topic>}. */
  public Path directory() {
    return directory;
  }

  /** The warnings reported while loading (unknown keys and the like), formatted as reported. */
  public List<String> warnings() {
    return warnings;
  }

  Secrets secrets() {
    return secrets;
  }

  YamlDocument document() {
    return document;
  }

  @Override
  public String toString() {
    return "ConnectorConfig{" + source + ": name=" + name + ", type=" + type + ", topic=" + topic
        + ", secrets=" + secretNames + ", transforms=" + transforms + ", directory=" + directory + "}";
  }
}
