package dev.analytics.kafka.connect;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * The connector's Connect properties. Either {@value #CONNECTOR_FILE} (a Fluvio connector file, used
 * unchanged: its {@code transforms} and its sink section), or {@value #CONNECTOR_YAML} (the same, inline),
 * or the sink section and transforms as properties ({@code analytics.http.endpoint},
 * {@code analytics.transforms}, ...). Secrets come from {@code analytics.secret.NAME} properties (use
 * Connect's config providers there, {@code ${env:NAME}} or {@code ${file:/path:NAME}}, so the value
 * never appears in the connector's configuration), then from the worker's environment.
 */
final class ConnectSettings {
  static final String CONNECTOR_FILE = "analytics.connector.file";
  static final String CONNECTOR_YAML = "analytics.connector.yaml";
  static final String ENDPOINT = "analytics.endpoint";
  static final String TYPE = "analytics.type";
  static final String TRANSFORMS = "analytics.transforms";
  static final String SECRET_PREFIX = "analytics.secret.";
  static final String DELIVERY_PREFIX = "analytics.delivery.";
  static final String MAX_BUFFERED = "analytics.max.buffered.records";
  static final String BACKOFF_MIN = "analytics.retry.backoff.min.ms";
  static final String BACKOFF_MAX = "analytics.retry.backoff.max.ms";

  static final ConfigDef DEFINITION = new ConfigDef()
      .define(CONNECTOR_FILE, ConfigDef.Type.STRING, "", ConfigDef.Importance.HIGH,
          "Path, on every worker, of a Fluvio connector file (for example the http-sink file a service used"
              + " in-process). Its transforms and sink section are used unchanged.")
      .define(CONNECTOR_YAML, ConfigDef.Type.STRING, "", ConfigDef.Importance.HIGH,
          "The connector file's text inline, instead of " + CONNECTOR_FILE + ".")
      .define(ENDPOINT, ConfigDef.Type.STRING, "", ConfigDef.Importance.MEDIUM,
          "Replaces the sink's endpoint (a proxy, a local receiver); the file's rules (Amplitude mode) stay.")
      .define(TYPE, ConfigDef.Type.STRING, "http-sink", ConfigDef.Importance.MEDIUM,
          "Without a connector file: the sink type; its settings are analytics.<section>.<key>"
              + " (for http-sink: analytics.http.endpoint, analytics.http.headers as a JSON list).")
      .define(TRANSFORMS, ConfigDef.Type.STRING, "", ConfigDef.Importance.MEDIUM,
          "Without a connector file: the transforms list as YAML or JSON, as in a connector file.")
      .define(MAX_BUFFERED, ConfigDef.Type.INT, 10_000, ConfigDef.Range.between(1, 10_000_000),
          ConfigDef.Importance.LOW, "Records a task holds before it pauses its partitions (memory bound).")
      .define(BACKOFF_MIN, ConfigDef.Type.LONG, 500L, ConfigDef.Range.between(1, 3_600_000),
          ConfigDef.Importance.LOW, "First pause after a batch that must be retried, doubling up to the max.")
      .define(BACKOFF_MAX, ConfigDef.Type.LONG, 60_000L, ConfigDef.Range.between(1, 3_600_000),
          ConfigDef.Importance.LOW, "Longest pause between retries (a Retry-After may ask for longer).");

  final String connectorName;
  final String file;
  final String yaml;
  final String endpoint;
  final String type;
  final String transforms;
  final int maxBuffered;
  final long backoffMinMillis;
  final long backoffMaxMillis;
  /** Secret name to value. Never printed. */
  final Map<String, String> secrets;
  /** {@code analytics.<section>.<key>} for the sink's section, by key. */
  final Map<String, String> section;
  final Map<String, String> delivery;

  private ConnectSettings(Map<String, String> props) {
    AbstractConfig config = new AbstractConfig(DEFINITION, props, false);
    this.connectorName = props.getOrDefault("name", "analytics");
    this.file = config.getString(CONNECTOR_FILE).trim();
    this.yaml = config.getString(CONNECTOR_YAML);
    this.endpoint = config.getString(ENDPOINT).trim();
    this.type = config.getString(TYPE).trim();
    this.transforms = config.getString(TRANSFORMS);
    this.maxBuffered = config.getInt(MAX_BUFFERED);
    this.backoffMinMillis = config.getLong(BACKOFF_MIN);
    this.backoffMaxMillis = config.getLong(BACKOFF_MAX);
    if (backoffMaxMillis < backoffMinMillis) {
      throw new ConfigException(BACKOFF_MAX, backoffMaxMillis, "must be at least " + BACKOFF_MIN + " (" + backoffMinMillis + ")");
    }
    if (!file.isEmpty() && !yaml.isBlank()) {
      throw new ConfigException(CONNECTOR_YAML, "(inline text)", "set either " + CONNECTOR_FILE + " or " + CONNECTOR_YAML + ", not both");
    }
    String sectionPrefix = "analytics." + sectionName(type) + ".";
    Map<String, String> secrets = new TreeMap<>();
    Map<String, String> section = new LinkedHashMap<>();
    Map<String, String> delivery = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : new TreeMap<>(props).entrySet()) {
      String key = e.getKey();
      if (key.startsWith(SECRET_PREFIX)) {
        secrets.put(key.substring(SECRET_PREFIX.length()), e.getValue());
      } else if (key.startsWith(DELIVERY_PREFIX)) {
        delivery.put(key.substring(DELIVERY_PREFIX.length()), e.getValue());
      } else if (key.startsWith(sectionPrefix)) {
        section.put(key.substring(sectionPrefix.length()), e.getValue());
      }
    }
    this.secrets = Collections.unmodifiableMap(secrets);
    this.section = Collections.unmodifiableMap(section);
    this.delivery = Collections.unmodifiableMap(delivery);
    if (!usesConnectorFile() && section.isEmpty()) {
      throw new ConfigException(CONNECTOR_FILE, file,
          "set " + CONNECTOR_FILE + " (a Fluvio connector file), " + CONNECTOR_YAML + ", or the sink's settings as "
              + sectionPrefix + "<key> (for example " + sectionPrefix + "endpoint)");
    }
  }

  /**
   * Parses and validates {@code props}.
   *
   * @throws ConfigException naming the property
   */
  static ConnectSettings parse(Map<String, String> props) {
    return new ConnectSettings(props);
  }

  boolean usesConnectorFile() {
    return !file.isEmpty() || !yaml.isBlank();
  }

  /** {@code http-sink} has its settings in {@code http:}, as in a connector file. */
  static String sectionName(String type) {
    return type.endsWith("-sink") ? type.substring(0, type.length() - "-sink".length()) : type;
  }

  @Override
  public String toString() {
    // Names only: values may be credentials.
    return "ConnectSettings{" + connectorName + ", file=" + file + ", secrets=" + secrets.keySet() + "}";
  }
}
