package dev.analytics.connector;

import com.fasterxml.jackson.databind.JsonNode;
import dev.analytics.connector.internal.Problems;
import dev.analytics.spi.ConfigSection;
import dev.analytics.spi.Secrets;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A connector file, parsed and validated, with this loader's overrides applied: what
 * {@link ConnectorLoader#build()} turns into an {@link dev.analytics.Analytics}. For tests and tools.
 *
 * <p>{@link #sinkSection()} holds rendered secret values (it is what the sink gets); {@link #toString()}
 * never prints sections.
 */
public final class ConnectorConfig {
  /**
   * The file's {@code apiVersion} and {@code meta}.
   *
   * @param apiVersion {@code 0.1.0} or {@code 0.2.0}; null for the legacy format
   * @param name {@code meta.name}, trimmed: also the sink's name
   * @param type {@code meta.type}, for example {@code http-sink}
   * @param version {@code meta.version}, or null
   * @param topic {@code meta.topic} (0.1.0) or {@code meta.topic.meta.name} (0.2.0)
   * @param secretNames the names declared under {@code meta.secrets}, in file order
   */
  public record Meta(String apiVersion, String name, String type, String version, String topic,
      List<String> secretNames) {
    public Meta {
      Objects.requireNonNull(name, "name == null");
      Objects.requireNonNull(type, "type == null");
      Objects.requireNonNull(topic, "topic == null");
      secretNames = List.copyOf(secretNames);
    }
  }

  private final String source;
  private final Meta meta;
  private final ConfigSection sinkSection;
  private final String endpointOverride;
  private final List<TransformStep> transforms;
  private final LibrarySettings settings;
  private final Path directory;
  private final Problems problems;

  ConnectorConfig(String source, Meta meta, ConfigSection sinkSection, String endpointOverride,
      List<TransformStep> transforms, LibrarySettings settings, Path directory, Problems problems) {
    this.source = source;
    this.meta = meta;
    this.sinkSection = sinkSection;
    this.endpointOverride = endpointOverride;
    this.transforms = List.copyOf(transforms);
    this.settings = settings;
    this.directory = directory;
    this.problems = problems;
  }

  /** The file path, or {@code <yaml>} for text given in code. */
  public String source() {
    return source;
  }

  /** {@code apiVersion} and {@code meta}. */
  public Meta meta() {
    return meta;
  }

  /** {@code 0.1.0} or {@code 0.2.0}; empty for the legacy format without {@code apiVersion}. */
  public Optional<String> apiVersion() {
    return Optional.ofNullable(meta.apiVersion());
  }

  /** {@code meta.name}, trimmed: also the sink's name in {@link dev.analytics.Analytics}. */
  public String name() {
    return meta.name();
  }

  /** {@code meta.type}, for example {@code http-sink}. */
  public String type() {
    return meta.type();
  }

  /** {@code meta.version} (informational). */
  public Optional<String> version() {
    return Optional.ofNullable(meta.version());
  }

  /** The topic name: {@code meta.topic} (0.1.0) or {@code meta.topic.meta.name} (0.2.0). */
  public String topic() {
    return meta.topic();
  }

  /** The names declared under {@code meta.secrets}, in file order. */
  public List<String> secretNames() {
    return meta.secretNames();
  }

  /** The sink's section name: the type without {@code -sink} ({@code http} for {@code http-sink}). */
  public String sinkSectionName() {
    return sinkSection.path();
  }

  /** A copy of the sink's section as the file declares it, secrets rendered; empty when the file has none. */
  public JsonNode sinkSection() {
    return sinkSection.node().deepCopy();
  }

  /** The endpoint given outside the file (code, system property, environment), if any. */
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
    return problems.warnings();
  }

  ConfigSection sinkSectionView() {
    return sinkSection;
  }

  Secrets secrets() {
    return problems.secrets();
  }

  Problems problems() {
    return problems;
  }

  @Override
  public String toString() {
    return "ConnectorConfig{" + source + ": name=" + name() + ", type=" + type() + ", topic=" + topic()
        + ", secrets=" + secretNames() + ", transforms=" + transforms + ", directory=" + directory + "}";
  }
}
