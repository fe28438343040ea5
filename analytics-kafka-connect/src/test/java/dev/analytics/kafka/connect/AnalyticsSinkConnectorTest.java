package dev.analytics.kafka.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkConnector;
import org.junit.jupiter.api.Test;

class AnalyticsSinkConnectorTest {
  private static final String YAML = "apiVersion: 0.1.0\nmeta: {name: c, type: scripted-sink, topic: t}\n";

  @Test
  void isRegisteredForConnectsServiceLoaderDiscovery() {
    assertThat(ServiceLoader.load(SinkConnector.class)).extracting(c -> c.getClass().getName())
        .contains(AnalyticsSinkConnector.class.getName());
  }

  @Test
  void aBadConnectorFileFailsTheConnectorAtStartNamingTheProperty() {
    AnalyticsSinkConnector connector = new AnalyticsSinkConnector();
    assertThatThrownBy(() -> connector.start(Map.of(ConnectSettings.CONNECTOR_YAML, YAML + "transforms:\n  - uses: nonexistent/spec\n")))
        .isInstanceOf(ConnectException.class)
        .hasMessageContaining(ConnectSettings.CONNECTOR_YAML)
        .hasMessageContaining("nonexistent/spec");
  }

  @Test
  void everyTaskGetsTheConnectorsSettings() {
    AnalyticsSinkConnector connector = new AnalyticsSinkConnector();
    Map<String, String> props = Map.of(ConnectSettings.CONNECTOR_YAML, YAML, "topics", "t");
    connector.start(props);
    List<Map<String, String>> tasks = connector.taskConfigs(3);
    assertThat(tasks).hasSize(3).allSatisfy(task -> assertThat(task).isEqualTo(props));
    assertThat(connector.taskClass()).isEqualTo(AnalyticsSinkTask.class);
    assertThat(connector.config().names()).contains(ConnectSettings.CONNECTOR_FILE, ConnectSettings.MAX_BUFFERED);
  }
}
