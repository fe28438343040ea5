package dev.analytics.kafka.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a worker is given, checked without starting one: this module's test class path has no
 * connect-runtime, as a user's who only wants a broker would not. The workers themselves run in examples'
 * ConnectEndToEndTest ({@code -Pkafka}).
 */
class ConnectWorkerTest {
  @TempDir Path dir;

  @Test
  void workerPropertiesJoinTheGroupAtTheBrokerWithTheCallersOverrides() throws IOException {
    ConnectWorker worker = ConnectWorker.builder("worker-a", dir, "127.0.0.1:9092").groupId("analytics-connect")
        .property("offset.flush.interval.ms", "250").build();

    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(dir.resolve("worker.properties"))) {
      p.load(in);
    }
    assertThat(p.getProperty("bootstrap.servers")).isEqualTo("127.0.0.1:9092");
    assertThat(p.getProperty("group.id")).isEqualTo("analytics-connect");
    assertThat(p.getProperty("config.storage.topic")).isEqualTo("analytics-connect-configs");
    assertThat(p.getProperty("offset.flush.interval.ms")).isEqualTo("250");
    assertThat(p.getProperty("listeners")).isEqualTo("http://" + worker.restAddress());
  }

  @Test
  void startWithoutConnectRuntimeSaysWhichDependencyToAdd() {
    ConnectWorker worker = ConnectWorker.builder("worker-a", dir, "127.0.0.1:9092").build();

    assertThatThrownBy(worker::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("worker-a: org.apache.kafka.connect.cli.ConnectDistributed is not on the class path")
        .hasMessageContaining("org.apache.kafka:connect-runtime");
    assertThat(worker.isRunning()).isFalse();
  }

  @Test
  void aWorkerThatDoesNotListenAnswersRefused() {
    ConnectWorker worker = ConnectWorker.builder("worker-a", dir, "127.0.0.1:9092").build();

    assertThat(worker.get("/connectors").statusCode()).isEqualTo(ConnectWorker.REFUSED);
  }
}
