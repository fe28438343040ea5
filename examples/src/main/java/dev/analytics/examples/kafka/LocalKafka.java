package dev.analytics.examples.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;

/**
 * Kafka on this machine for the demo and the end-to-end tests, no install and no Docker: a KRaft broker
 * and Kafka Connect workers (distributed mode), each a child JVM on loopback started from this class
 * path, which has {@code kafka_2.13}, {@code connect-runtime} and the analytics connector on it. Not a
 * production launcher: single node, replication factor 1, short timeouts so a killed worker's tasks move
 * within seconds. About 420 lines in one file so that the example stays one place to read; each nested
 * class is one process.
 */
public final class LocalKafka {
  private LocalKafka() {}

  /** A broker (KRaft, broker and controller in one 512 MB JVM), ports chosen now, started by {@link #start()}. */
  public static final class Broker implements AutoCloseable {
    private final Path directory;
    private final int port = freePort();
    private final int controllerPort = freePort();
    private boolean formatted;
    private Child process;

    public Broker(Path directory, Map<String, String> overrides) {
      this.directory = directory;
      Properties p = new Properties();
      p.setProperty("process.roles", "broker,controller");
      p.setProperty("node.id", "1");
      p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
      p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
      p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
      p.setProperty("controller.listener.names", "CONTROLLER");
      p.setProperty("inter.broker.listener.name", "PLAINTEXT");
      p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
      p.setProperty("log.dirs", directory.resolve("data").toString());
      p.setProperty("num.partitions", "4");
      p.setProperty("offsets.topic.replication.factor", "1");
      p.setProperty("offsets.topic.num.partitions", "3");
      p.setProperty("transaction.state.log.replication.factor", "1");
      p.setProperty("transaction.state.log.min.isr", "1");
      p.setProperty("share.coordinator.state.topic.replication.factor", "1");
      p.setProperty("share.coordinator.state.topic.min.isr", "1");
      p.setProperty("group.initial.rebalance.delay.ms", "0");
      p.setProperty("num.network.threads", "2");
      p.setProperty("num.io.threads", "2");
      p.putAll(overrides);
      write(directory, "server.properties", p);
    }

    public String bootstrapServers() {
      return "127.0.0.1:" + port;
    }

    /** Formats the storage ({@code kafka.tools.StorageTool format}) the first time, then starts {@code kafka.Kafka}. */
    public Broker start() {
      String config = directory.resolve("server.properties").toString();
      if (!formatted) {
        Child format = Child.start("kafka-storage-format", "kafka.tools.StorageTool", 256, directory.resolve("format.log"),
            Map.of(), "format", "-t", Uuid.randomUuid().toString(), "-c", config);
        format.awaitExit(Duration.ofSeconds(60));
        formatted = true;
      }
      process = Child.start("kafka-broker", "kafka.Kafka", 512, directory.resolve("broker.log"), Map.of(), config);
      return this;
    }

    /** Waits until the broker describes its cluster. */
    public Broker awaitReady(Duration deadline) {
      try (Admin admin = admin()) {
        until(deadline, () -> {
          if (!process.isAlive()) throw new IllegalStateException("the broker exited:\n" + process.tail());
          try {
            return !admin.describeCluster().nodes().get(2, TimeUnit.SECONDS).isEmpty();
          } catch (Exception e) {
            return false;
          }
        }, () -> "the broker at " + bootstrapServers() + " is not ready:\n" + process.tail());
      }
      return this;
    }

    public void createTopic(String topic, int partitions) {
      try (Admin admin = admin()) {
        admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(60, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IllegalStateException("cannot create topic " + topic + ": " + e, e);
      }
    }

    private Admin admin() {
      Properties p = new Properties();
      p.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
      p.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
      p.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
      return Admin.create(p);
    }

    @Override
    public void close() {
      if (process != null) process.stop();
    }
  }

  /**
   * A Connect worker in distributed mode ({@code ConnectDistributed}); workers with the same group id
   * form one Connect cluster. Connector configurations may use {@code ${env:NAME}} (the env config
   * provider is on).
   */
  public static final class Worker implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final Path directory;
    private final int restPort = freePort();
    private final Map<String, String> environment;
    private Child process;

    public Worker(String name, Path directory, String bootstrapServers, String groupId, Map<String, String> environment) {
      this.name = name;
      this.directory = directory;
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
      // The connector is on the class path and registered in META-INF/services: no directory scan.
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
      write(directory, "worker.properties", p);
    }

    public Worker start() {
      process = Child.start(name, "org.apache.kafka.connect.cli.ConnectDistributed", 384,
          directory.resolve(name + ".log"), environment, directory.resolve("worker.properties").toString());
      return this;
    }

    /** Waits until the REST API answers. */
    public Worker awaitReady(Duration deadline) {
      until(deadline, () -> {
        if (!process.isAlive()) throw new IllegalStateException(name + " exited:\n" + process.tail());
        return get("/connectors").statusCode() == 200;
      }, () -> name + ": REST API not ready:\n" + process.tail());
      return this;
    }

    /** {@code PUT /connectors/<connector>/config}. */
    public HttpResponse<String> putConnector(String connector, String configJson) {
      return send(HttpRequest.newBuilder(uri("/connectors/" + connector + "/config"))
          .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(configJson)));
    }

    /** {@code GET path}; a refused connection answers 599. */
    public HttpResponse<String> get(String path) {
      return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    /** The worker id Connect reports in statuses. */
    public String restAddress() {
      return "127.0.0.1:" + restPort;
    }

    /** {@code kill -9}. */
    public void kill() {
      process.kill();
    }

    public String tail() {
      return process == null ? "(not started)" : process.tail();
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
      try {
        return HTTP.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        return Refused.INSTANCE;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }

    private URI uri(String path) {
      return URI.create("http://" + restAddress() + path);
    }

    @Override
    public void close() {
      if (process != null) process.stop();
    }

    @Override
    public String toString() {
      return name + " at " + restAddress();
    }
  }

  /** Polls {@code condition} every 100 ms until it holds, or fails after {@code deadline} with {@code why}. */
  public static void until(Duration deadline, BooleanSupplier condition, java.util.function.Supplier<String> why) {
    long end = System.nanoTime() + deadline.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - end > 0) throw new IllegalStateException("not within " + deadline + ": " + why.get());
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted: " + why.get(), e);
      }
    }
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(Path directory, String file, Properties p) {
    try {
      Files.createDirectories(directory);
      try (var out = Files.newBufferedWriter(directory.resolve(file), StandardCharsets.UTF_8)) {
        p.store(out, null);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A child JVM running a main class of this class path; output to a file; {@link #kill()} is SIGKILL. */
  static final class Child {
    private final String name;
    private final Process process;
    private final Path output;

    private Child(String name, Process process, Path output) {
      this.name = name;
      this.process = process;
      this.output = output;
    }

    static Child start(String name, String mainClass, int heapMegabytes, Path output, Map<String, String> environment,
        String... args) {
      List<String> command = new ArrayList<>(List.of(
          Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx" + heapMegabytes + "m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djava.net.preferIPv4Stack=true",
          "-cp", classPath(), mainClass));
      command.addAll(List.of(args));
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
      builder.environment().putAll(environment);
      try {
        return new Child(name, builder.start(), output);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start " + name, e);
      }
    }

    /**
     * This program's class path. Under {@code mvn exec:java} the project's classes are in the context
     * class loader, not in {@code java.class.path} (which is Maven's own).
     */
    private static String classPath() {
      ClassLoader loader = Thread.currentThread().getContextClassLoader();
      if (loader instanceof URLClassLoader && ((URLClassLoader) loader).getURLs().length > 0) {
        List<String> entries = new ArrayList<>();
        for (URL url : ((URLClassLoader) loader).getURLs()) {
          try {
            entries.add(Path.of(url.toURI()).toString());
          } catch (java.net.URISyntaxException | IllegalArgumentException e) {
            // Not a file: the child cannot use it anyway.
          }
        }
        return entries.stream().collect(Collectors.joining(java.io.File.pathSeparator));
      }
      return System.getProperty("java.class.path");
    }

    boolean isAlive() {
      return process.isAlive();
    }

    void awaitExit(Duration timeout) {
      try {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          kill();
          throw new IllegalStateException(name + " did not finish within " + timeout + ":\n" + tail());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
      if (process.exitValue() != 0) throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + tail());
    }

    void kill() {
      process.toHandle().destroyForcibly();
      waitQuietly(Duration.ofSeconds(30));
    }

    /** SIGTERM (Kafka and Connect shut down cleanly on it), then SIGKILL after 10 s. */
    void stop() {
      process.toHandle().destroy();
      if (!waitQuietly(Duration.ofSeconds(10))) kill();
    }

    private boolean waitQuietly(Duration timeout) {
      try {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }

    String tail() {
      try {
        List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
      } catch (IOException | UncheckedIOException e) {
        return "(no output: " + e + ")";
      }
    }
  }

  /** What a request to a worker that does not listen returns. */
  private static final class Refused implements HttpResponse<String> {
    static final Refused INSTANCE = new Refused();

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
      return "connection refused";
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
