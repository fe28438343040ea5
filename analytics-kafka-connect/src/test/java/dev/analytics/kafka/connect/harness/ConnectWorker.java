package dev.analytics.kafka.connect.harness;

import dev.analytics.kafka.harness.JavaProcess;
import dev.analytics.kafka.harness.Poll;
import dev.analytics.kafka.harness.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A real Kafka Connect worker in distributed mode ({@code ConnectDistributed}) in a child JVM on
 * loopback, with this module on its class path (found by {@code plugin.discovery=service_load}).
 * Workers created with the same group id form one Connect cluster; {@link #kill()} is {@code kill -9}.
 */
public final class ConnectWorker implements AutoCloseable {
  public static final int HEAP_MEGABYTES = 384;
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final String name;
  private final Path directory;
  private final int restPort;
  private final Path config;
  private final Map<String, String> environment;
  private JavaProcess process;

  private ConnectWorker(String name, Path directory, String bootstrapServers, String groupId,
      Map<String, String> environment) {
    this.name = name;
    this.directory = directory;
    this.restPort = Ports.free();
    this.config = directory.resolve("worker.properties");
    this.environment = environment;
    Properties p = new Properties();
    p.setProperty("bootstrap.servers", bootstrapServers);
    p.setProperty("group.id", groupId);
    p.setProperty("key.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
    p.setProperty("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
    p.setProperty("config.storage.topic", groupId + "-configs");
    p.setProperty("offset.storage.topic", groupId + "-offsets");
    p.setProperty("status.storage.topic", groupId + "-status");
    p.setProperty("config.storage.replication.factor", "1");
    p.setProperty("offset.storage.replication.factor", "1");
    p.setProperty("status.storage.replication.factor", "1");
    p.setProperty("offset.storage.partitions", "3");
    p.setProperty("status.storage.partitions", "3");
    p.setProperty("listeners", "http://127.0.0.1:" + restPort);
    p.setProperty("rest.advertised.host.name", "127.0.0.1");
    p.setProperty("rest.advertised.port", String.valueOf(restPort));
    p.setProperty("plugin.discovery", "service_load");
    // Commit (and call put on paused tasks) every second, not every minute.
    p.setProperty("offset.flush.interval.ms", "1000");
    // A killed worker's tasks move after seconds, not the defaults' minutes.
    p.setProperty("scheduled.rebalance.max.delay.ms", "2000");
    p.setProperty("session.timeout.ms", "6000");
    p.setProperty("heartbeat.interval.ms", "1000");
    p.setProperty("consumer.session.timeout.ms", "6000");
    p.setProperty("consumer.heartbeat.interval.ms", "1000");
    p.setProperty("consumer.max.poll.records", "500");
    p.setProperty("task.shutdown.graceful.timeout.ms", "5000");
    // Secrets through Connect's config providers: ${env:NAME} in a connector's configuration.
    p.setProperty("config.providers", "env");
    p.setProperty("config.providers.env.class", "org.apache.kafka.common.config.provider.EnvVarConfigProvider");
    try {
      Files.createDirectories(directory);
      try (var out = Files.newBufferedWriter(config)) {
        p.store(out, name);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A worker of the Connect cluster {@code groupId}, not started; {@code environment} is added to its environment. */
  public static ConnectWorker create(String name, Path directory, String bootstrapServers, String groupId,
      Map<String, String> environment) {
    return new ConnectWorker(name, directory, bootstrapServers, groupId, environment);
  }

  public ConnectWorker start() {
    process = JavaProcess.start(name, "org.apache.kafka.connect.cli.ConnectDistributed", HEAP_MEGABYTES,
        directory.resolve(name + ".log"), List.of(), environment, config.toString());
    return this;
  }

  /** Waits until the REST API answers. */
  public ConnectWorker awaitReady(Duration deadline) {
    Poll.until(deadline, () -> {
      if (!process.isAlive()) throw new AssertionError(name + " exited:\n" + process.tail());
      return get("/connectors").statusCode() == 200;
    }, () -> name + " REST API not ready:\n" + process.tail());
    return this;
  }

  /** {@code PUT /connectors/<connector>/config}: creates or updates a connector. */
  public HttpResponse<String> putConnector(String connector, String configJson) {
    return request(HttpRequest.newBuilder(uri("/connectors/" + connector + "/config"))
        .header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(configJson)));
  }

  /** {@code GET path}; a refused connection is a 599. */
  public HttpResponse<String> get(String path) {
    return request(HttpRequest.newBuilder(uri(path)).GET());
  }

  private HttpResponse<String> request(HttpRequest.Builder request) {
    try {
      return HTTP.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      return new Refused(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + restPort + path);
  }

  /** {@code 127.0.0.1:<rest port>}: the worker id Connect reports in statuses. */
  public String restAddress() {
    return "127.0.0.1:" + restPort;
  }

  public boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** {@code kill -9}. */
  public void kill() {
    process.kill();
  }

  public String tail() {
    return process == null ? "(not started)" : process.tail();
  }

  @Override
  public void close() {
    if (process != null) process.stop(Duration.ofSeconds(10));
  }

  @Override
  public String toString() {
    return name + (process == null ? "" : " " + process);
  }

  /** What {@link #get} returns when nothing listens. */
  private static final class Refused implements HttpResponse<String> {
    private final IOException error;

    Refused(IOException error) {
      this.error = error;
    }

    @Override
    public int statusCode() {
      return 599;
    }

    @Override
    public HttpRequest request() {
      return null;
    }

    @Override
    public java.util.Optional<HttpResponse<String>> previousResponse() {
      return java.util.Optional.empty();
    }

    @Override
    public java.net.http.HttpHeaders headers() {
      return java.net.http.HttpHeaders.of(Map.of(), (a, b) -> true);
    }

    @Override
    public String body() {
      return "refused: " + error;
    }

    @Override
    public java.util.Optional<javax.net.ssl.SSLSession> sslSession() {
      return java.util.Optional.empty();
    }

    @Override
    public URI uri() {
      return null;
    }

    @Override
    public HttpClient.Version version() {
      return HttpClient.Version.HTTP_1_1;
    }
  }
}
