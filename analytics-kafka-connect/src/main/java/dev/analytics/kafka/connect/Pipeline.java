package dev.analytics.kafka.connect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.analytics.connector.ConnectorConfig;
import dev.analytics.connector.ConnectorLoader;
import dev.analytics.connector.TransformStep;
import dev.analytics.spi.ConfigSection;
import dev.analytics.spi.SecretProvider;
import dev.analytics.spi.Secrets;
import dev.analytics.spi.Sink;
import dev.analytics.spi.SinkProvider;
import dev.analytics.spi.SinkSettings;
import dev.analytics.spi.Transform;
import dev.analytics.spi.TransformException;
import dev.analytics.spi.TransformProvider;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import org.apache.kafka.common.config.ConfigException;

/**
 * The library's pipeline as a connector file describes it: the transforms in order, then the sink,
 * both found by name with {@link ServiceLoader} exactly as the in-process path finds them, so one file
 * configures either path.
 */
final class Pipeline implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(Pipeline.class.getName());
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  final String name;
  final List<Transform> transforms;
  final Sink sink;
  private final Secrets secrets;

  private Pipeline(String name, List<Transform> transforms, Sink sink, Secrets secrets) {
    this.name = name;
    this.transforms = List.copyOf(transforms);
    this.sink = sink;
    this.secrets = secrets;
  }

  /**
   * Loads the connector file (or the file the properties describe) and creates its transforms and sink.
   *
   * @throws ConfigException naming the property, or the file's key path and line, with secrets masked
   */
  static Pipeline create(ConnectSettings settings, ClassLoader classLoader) {
    SecretProvider provider = SecretProvider.firstOf(SecretProvider.of(settings.secrets), SecretProvider.environment());
    ConnectorLoader loader;
    String property;
    if (!settings.file.isEmpty()) {
      loader = ConnectorLoader.fromFile(Path.of(settings.file));
      property = ConnectSettings.CONNECTOR_FILE;
    } else if (!settings.yaml.isBlank()) {
      loader = ConnectorLoader.fromYaml(settings.yaml);
      property = ConnectSettings.CONNECTOR_YAML;
    } else {
      loader = ConnectorLoader.fromYaml(fileFromProperties(settings));
      property = "analytics." + ConnectSettings.sectionName(settings.type) + ".*";
    }
    loader.secrets(provider).classLoader(classLoader)
        .warnings(message -> LOG.log(System.Logger.Level.WARNING, message));
    if (!settings.endpoint.isEmpty()) loader.endpoint(settings.endpoint);
    ConnectorConfig config;
    try {
      config = loader.load();
    } catch (RuntimeException e) {
      // The loader's messages name the file, key path and line, and mask secrets.
      throw new ConfigException(property + ": " + e.getMessage());
    }
    Secrets secrets = Secrets.resolve(config.secretNames(), provider);
    List<Transform> transforms = new ArrayList<>();
    for (TransformStep step : config.transforms()) transforms.add(transform(step, secrets, classLoader, property));
    Sink sink = sink(config, secrets, classLoader, property);
    return new Pipeline(config.name(), transforms, sink, secrets);
  }

  /** Runs the transforms in order. */
  JsonNode transform(JsonNode value) throws TransformException {
    JsonNode current = value;
    for (int i = 0; i < transforms.size(); i++) {
      Transform t = transforms.get(i);
      try {
        current = t.apply(current);
      } catch (TransformException e) {
        throw new TransformException("transform #" + (i + 1) + " (" + t.describe() + "): " + e.getMessage());
      } catch (RuntimeException e) {
        throw new TransformException("transform #" + (i + 1) + " (" + t.describe() + ") failed: " + e);
      }
      if (current == null) throw new TransformException("transform #" + (i + 1) + " (" + t.describe() + ") returned nothing");
    }
    return current;
  }

  /** Masks every secret the pipeline holds in {@code text}. */
  String redact(String text) {
    String result = secrets.redact(text);
    for (Transform t : transforms) result = t.redact(result);
    return sink.redact(result);
  }

  @Override
  public void close() {
    sink.close();
  }

  private static Transform transform(TransformStep step, Secrets secrets, ClassLoader loader, String property) {
    for (TransformProvider provider : ServiceLoader.load(TransformProvider.class, loader)) {
      if (!provider.supports(step.uses())) continue;
      try {
        return provider.create(step.uses(), step.with(), secrets);
      } catch (RuntimeException e) {
        throw new ConfigException(property + ": transforms[" + step.index() + "] (" + step.uses() + "): "
            + secrets.redact(String.valueOf(e.getMessage())));
      }
    }
    throw new ConfigException(property + ": transforms[" + step.index() + "].uses: no transform provider for \""
        + step.uses() + "\" in the plugin (dev.analytics:analytics-transform implements infinyon/jolt and jolt)");
  }

  private static Sink sink(ConnectorConfig config, Secrets secrets, ClassLoader loader, String property) {
    for (SinkProvider provider : ServiceLoader.load(SinkProvider.class, loader)) {
      if (!provider.type().equals(config.type())) continue;
      ConfigSection.Origin origin = new ConfigSection.Origin() {
        @Override
        public String source() {
          return property;
        }

        @Override
        public void warn(String message) {
          LOG.log(System.Logger.Level.WARNING, message);
        }

        @Override
        public Secrets secrets() {
          return secrets;
        }
      };
      SinkSettings settings = SinkSettings.builder()
          .connectorName(config.name())
          .connectorVersion(config.version().orElse(null))
          .section(ConfigSection.of(config.sinkSection(), config.sinkSectionName(), origin))
          .delivery(ConfigSection.of(config.settings().delivery(), "analytics.delivery", origin))
          .endpointOverride(config.endpointOverride().orElse(null))
          .secrets(secrets)
          .build();
      try {
        return provider.create(settings);
      } catch (RuntimeException e) {
        throw new ConfigException(property + ": " + config.sinkSectionName() + ": " + secrets.redact(String.valueOf(e.getMessage())));
      }
    }
    throw new ConfigException(property + ": meta.type: no sink provider for \"" + config.type()
        + "\" in the plugin (dev.analytics:analytics-http implements http-sink)");
  }

  /** A connector file, as JSON, built from {@code analytics.*} properties. */
  static String fileFromProperties(ConnectSettings settings) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode root = f.objectNode();
    root.put("apiVersion", "0.1.0");
    ObjectNode meta = root.putObject("meta");
    String name = settings.connectorName.replaceAll("[^A-Za-z0-9._-]", "-");
    meta.put("name", name.isEmpty() ? "analytics" : name.length() > 64 ? name.substring(0, 64) : name);
    meta.put("type", settings.type);
    meta.put("topic", "kafka-connect");
    if (!settings.secrets.isEmpty()) {
      ArrayNode declared = meta.putArray("secrets");
      for (String secret : settings.secrets.keySet()) declared.addObject().put("name", secret);
    }
    ObjectNode section = root.putObject(ConnectSettings.sectionName(settings.type));
    for (Map.Entry<String, String> e : settings.section.entrySet()) section.set(e.getKey(), value(e.getValue()));
    if (!settings.delivery.isEmpty()) {
      ObjectNode delivery = root.putObject("analytics").putObject("delivery");
      for (Map.Entry<String, String> e : settings.delivery.entrySet()) delivery.set(e.getKey(), value(e.getValue()));
    }
    if (!settings.transforms.isBlank()) {
      JsonNode transforms = parseYaml(settings.transforms)
          .orElseThrow(() -> new ConfigException(ConnectSettings.TRANSFORMS, "(text)", "not YAML or JSON"));
      root.set("transforms", transforms);
    }
    return root.toString();
  }

  /** A property value: JSON where it is JSON (a list of headers, a number, a boolean), anything else as text. */
  private static JsonNode value(String text) {
    String trimmed = text.trim();
    if (!trimmed.isEmpty() && !trimmed.equals("null")) {
      try {
        return JSON.readTree(trimmed);
      } catch (java.io.IOException e) {
        // Not JSON: keep the text; the sink reports what it expected.
      }
    }
    return JsonNodeFactory.instance.textNode(text);
  }

  private static Optional<JsonNode> parseYaml(String text) {
    try {
      return Optional.ofNullable(new YAMLMapper().readTree(text));
    } catch (java.io.IOException e) {
      return Optional.empty();
    }
  }
}
