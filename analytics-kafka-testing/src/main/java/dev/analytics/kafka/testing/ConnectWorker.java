package dev.analytics.kafka.testing;

import dev.analytics.testing.Await;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * A Kafka Connect worker in distributed mode ({@code ConnectDistributed}) in a child JVM of 384 MB on
 * loopback, for tests and demos: workers with the same group id form one Connect cluster, and a test can
 * {@linkplain #kill() kill -9} one to see its tasks move. Connector configurations may use
 * {@code ${env:NAME}} (the env config provider is on; see {@link Builder#environment(Map)}).
 *
 * <p>Needs {@code org.apache.kafka:connect-runtime} and the connectors on the class path (they are found
 * by {@code ServiceLoader}, no {@code plugin.path} scan); {@link #start()} says so if connect-runtime is
 * missing. Not a production setup: replication factor 1, and short timeouts so that a killed worker's
 * tasks move within seconds, not the defaults' minutes.
 *
 * <pre>{@code
 * try (ConnectWorker worker = ConnectWorker.builder("worker-a", dir.resolve("a"), broker.bootstrapServers())
 *     .environment(Map.of("API_TOKEN", token)).build()) {
 *   worker.start().awaitReady();
 *   worker.putConnector("amplitude", configJson);
 * }
 * }</pre>
 */
public final class ConnectWorker extends ChildService {
  /** The worker JVM's maximum heap. */
  public static final int HEAP_MEGABYTES = 384;
  /** How long {@link #awaitReady()} waits. */
  public static final Duration START_TIMEOUT = Duration.ofSeconds(120);
  /** What {@link #get(String)} and {@link #putConnector(String, String)} answer when nothing listens. */
  public static final int REFUSED = 599;
  private static final String MAIN_CLASS = "org.apache.kafka.connect.cli.ConnectDistributed";
  private static final Duration READY_POLL = Duration.ofMillis(100);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final String name;
  private final Path directory;
  private final int restPort;
  private final Map<String, String> environment;

  private ConnectWorker(Builder builder) {
    this.name = builder.name;
    this.directory = builder.directory;
    this.restPort = Ports.free();
    this.environment = Map.copyOf(builder.environment);
    Properties p = new Properties();
    p.setProperty("bootstrap.servers", builder.bootstrapServers);
    p.setProperty("group.id", builder.groupId);
    p.setProperty("key.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
    p.setProperty("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
    p.setProperty("config.storage.topic", builder.groupId + "-configs");
    p.setProperty("offset.storage.topic", builder.groupId + "-offsets");
    p.setProperty("status.storage.topic", builder.groupId + "-status");
    p.setProperty("config.storage.replication.factor", "1");
    p.setProperty("offset.storage.replication.factor", "1");
    p.setProperty("status.storage.replication.factor", "1");
    p.setProperty("offset.storage.partitions", "3");
    p.setProperty("status.storage.partitions", "3");
    p.setProperty("listeners", "http://127.0.0.1:" + restPort);
    p.setProperty("rest.advertised.host.name", "127.0.0.1");
    p.setProperty("rest.advertised.port", String.valueOf(restPort));
    // The connectors are on the class path and registered in META-INF/services: no directory scan.
    p.setProperty("plugin.discovery", "service_load");
    // Commit (and call put on paused tasks) every second, not every minute.
    p.setProperty("offset.flush.interval.ms", "1000");
    // A dead worker's tasks move within seconds, not the defaults' minutes.
    p.setProperty("scheduled.rebalance.max.delay.ms", "2000");
    p.setProperty("session.timeout.ms", "6000");
    p.setProperty("heartbeat.interval.ms", "1000");
    p.setProperty("consumer.session.timeout.ms", "6000");
    p.setProperty("consumer.heartbeat.interval.ms", "1000");
    p.setProperty("task.shutdown.graceful.timeout.ms", "5000");
    p.setProperty("config.providers", "env");
    p.setProperty("config.providers.env.class", "org.apache.kafka.common.config.provider.EnvVarConfigProvider");
    p.putAll(builder.overrides);
    KafkaBroker.writeProperties(directory.resolve("worker.properties"), p);
  }

  /**
   * A worker named {@code name} (in messages and its log file) with its files in {@code directory},
   * joining the Connect cluster at the broker {@code bootstrapServers}.
   */
  public static Builder builder(String name, Path directory, String bootstrapServers) {
    return new Builder(name, directory, bootstrapServers);
  }

  /** Starts the worker process without waiting for it (see {@link #awaitReady()}); output to {@code <name>.log}. */
  public synchronized ConnectWorker start() {
    requireNotRunning();
    requireConnectRuntime();
    started(JavaProcess.builder(MAIN_CLASS).name(name).heapMegabytes(HEAP_MEGABYTES)
        .output(directory.resolve(name + ".log")).environment(environment)
        .args(directory.resolve("worker.properties").toString()).start());
    return this;
  }

  /** {@link #awaitReady(Duration)} with {@link #START_TIMEOUT}. */
  public ConnectWorker awaitReady() {
    return awaitReady(START_TIMEOUT);
  }

  /**
   * Waits until the REST API answers {@code GET /connectors}; throws {@link AssertionError} with the end
   * of the worker's output if it does not within {@code timeout}, and {@link IllegalStateException} as
   * soon as the worker exits.
   */
  public ConnectWorker awaitReady(Duration timeout) {
    JavaProcess running = current();
    Await.until(timeout, READY_POLL, () -> {
      if (!running.isAlive()) throw new IllegalStateException(name + " exited:\n" + running.tail());
      return get("/connectors").statusCode() == 200;
    }, () -> name + "'s REST API to answer:\n" + running.tail());
    return this;
  }

  /** {@code PUT /connectors/<connector>/config} with {@code configJson}. */
  public Response putConnector(String connector, String configJson) {
    return send(HttpRequest.newBuilder(uri("/connectors/" + connector + "/config"))
        .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(configJson)));
  }

  /** {@code GET path} on the REST API; a refused connection answers {@link #REFUSED}. */
  public Response get(String path) {
    return send(HttpRequest.newBuilder(uri(path)).GET());
  }

  /** {@code 127.0.0.1:<rest port>}: the worker id that Connect reports in connector statuses. */
  public String restAddress() {
    return "127.0.0.1:" + restPort;
  }

  @Override
  public String toString() {
    return name + " at " + restAddress();
  }

  private Response send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> response = HTTP.send(request.timeout(REQUEST_TIMEOUT).build(),
          HttpResponse.BodyHandlers.ofString());
      return new Response(response.statusCode(), response.body());
    } catch (IOException e) {
      return new Response(REFUSED, "connection refused: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while asking " + this, e);
    }
  }

  private URI uri(String path) {
    return URI.create("http://" + restAddress() + path);
  }

  /** Fails early, in this process, rather than with a child's ClassNotFoundException in its log. */
  private void requireConnectRuntime() {
    try {
      Class.forName(MAIN_CLASS, false, Thread.currentThread().getContextClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(name + ": " + MAIN_CLASS + " is not on the class path;"
          + " add the dependency org.apache.kafka:connect-runtime (the same version as kafka-clients)", e);
    }
  }

  /** An answer of the worker's REST API. */
  public record Response(int statusCode, String body) {}

  /** How to create a {@link ConnectWorker}; the name, directory and bootstrap servers are required. */
  public static final class Builder {
    private final String name;
    private final Path directory;
    private final String bootstrapServers;
    private String groupId = "connect-cluster";
    private final Map<String, String> environment = new LinkedHashMap<>();
    private final Map<String, String> overrides = new LinkedHashMap<>();

    private Builder(String name, Path directory, String bootstrapServers) {
      this.name = Objects.requireNonNull(name, "name == null");
      this.directory = Objects.requireNonNull(directory, "directory == null");
      this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers == null");
    }

    /** The Connect cluster's group id (workers with the same one share connectors); default {@code connect-cluster}. */
    public Builder groupId(String groupId) {
      this.groupId = Objects.requireNonNull(groupId, "groupId == null");
      return this;
    }

    /** Environment variables of the worker process, which connector configurations read as {@code ${env:NAME}}. */
    public Builder environment(Map<String, String> variables) {
      environment.putAll(Objects.requireNonNull(variables, "variables == null"));
      return this;
    }

    /** A worker property of the caller's, replacing the default (for example {@code offset.flush.interval.ms}). */
    public Builder property(String key, String value) {
      overrides.put(Objects.requireNonNull(key, "key == null"), Objects.requireNonNull(value, "value == null"));
      return this;
    }

    /** Writes {@code worker.properties} into the directory; the worker is not started. */
    public ConnectWorker build() {
      return new ConnectWorker(this);
    }
  }
}
