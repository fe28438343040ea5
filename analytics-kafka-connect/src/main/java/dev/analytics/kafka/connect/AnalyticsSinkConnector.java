package dev.analytics.kafka.connect;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkConnector;

/**
 * A Kafka Connect sink connector that delivers a topic of analytics events (as {@code KafkaSink}
 * produces them, or any JSON) with the library's transforms and HTTP sink, configured by the same
 * Fluvio connector file a service uses in-process:
 *
 * <pre>
 * connector.class=dev.analytics.kafka.connect.AnalyticsSinkConnector
 * topics=service-events
 * analytics.connector.file=/etc/analytics/amplitude-connector.yaml
 * analytics.secret.AMPLITUDE_API_TOKEN=${env:AMPLITUDE_API_TOKEN}
 * value.converter=org.apache.kafka.connect.converters.ByteArrayConverter
 * errors.tolerance=all
 * errors.deadletterqueue.topic.name=service-events-dlq
 * errors.deadletterqueue.context.headers.enable=true
 * </pre>
 *
 * See {@link AnalyticsSinkTask} for what a task guarantees.
 */
public final class AnalyticsSinkConnector extends SinkConnector {
  static final String VERSION = "0.1.0";

  private Map<String, String> props;

  @Override
  public String version() {
    return VERSION;
  }

  /** Validates the settings and builds the pipeline once, so a bad file fails the connector, not its tasks later. */
  @Override
  public void start(Map<String, String> props) {
    try {
      ConnectSettings settings = ConnectSettings.parse(props);
      Pipeline.create(settings, AnalyticsSinkConnector.class.getClassLoader()).close();
    } catch (ConfigException e) {
      throw new ConnectException(e.getMessage());
    }
    this.props = Map.copyOf(props);
  }

  @Override
  public Class<? extends Task> taskClass() {
    return AnalyticsSinkTask.class;
  }

  @Override
  public List<Map<String, String>> taskConfigs(int maxTasks) {
    List<Map<String, String>> configs = new ArrayList<>(maxTasks);
    for (int i = 0; i < maxTasks; i++) configs.add(props);
    return configs;
  }

  @Override
  public void stop() {}

  @Override
  public ConfigDef config() {
    return ConnectSettings.DEFINITION;
  }
}
