package dev.analytics.kafka.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;

/**
 * A real single-node Kafka broker (KRaft, broker and controller in one process) in a child JVM of 512
 * MB on loopback, formatted with {@code kafka.tools.StorageTool} and started as
 * {@code kafka.Kafka server.properties}. Its ports are chosen when it is created, so clients can be
 * pointed at it before it {@linkplain #start() starts} (the start-up race) and it comes back on the same
 * port after a {@linkplain #kill() kill -9}.
 */
public final class KafkaBroker implements AutoCloseable {
  public static final int HEAP_MEGABYTES = 512;
  public static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  private final Path directory;
  private final int port;
  private final int controllerPort;
  private final Path config;
  private boolean formatted;
  private JavaProcess process;
  private int starts;

  private KafkaBroker(Path directory, Map<String, String> overrides) {
    this.directory = directory;
    this.port = Ports.free();
    this.controllerPort = Ports.free();
    this.config = directory.resolve("server.properties");
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
    p.setProperty("num.partitions", "3");
    p.setProperty("auto.create.topics.enable", "true");
    p.setProperty("offsets.topic.replication.factor", "1");
    p.setProperty("offsets.topic.num.partitions", "3");
    p.setProperty("transaction.state.log.replication.factor", "1");
    p.setProperty("transaction.state.log.min.isr", "1");
    p.setProperty("transaction.state.log.num.partitions", "3");
    p.setProperty("share.coordinator.state.topic.replication.factor", "1");
    p.setProperty("share.coordinator.state.topic.min.isr", "1");
    p.setProperty("group.initial.rebalance.delay.ms", "0");
    p.setProperty("num.network.threads", "2");
    p.setProperty("num.io.threads", "2");
    p.setProperty("log.flush.interval.messages", "9223372036854775807");
    p.putAll(overrides);
    try {
      Files.createDirectories(directory);
      try (var out = Files.newBufferedWriter(config)) {
        p.store(out, "test broker");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A broker in {@code directory}, not started. */
  public static KafkaBroker create(Path directory) {
    return new KafkaBroker(directory, Map.of());
  }

  /** A broker with extra {@code server.properties} entries (for example a small {@code message.max.bytes}). */
  public static KafkaBroker create(Path directory, Map<String, String> overrides) {
    return new KafkaBroker(directory, overrides);
  }

  /** {@code 127.0.0.1:<port>}: valid before the broker starts. */
  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  /** Formats the storage the first time, then starts the broker process without waiting for it. */
  public synchronized KafkaBroker start() {
    if (process != null && process.isAlive()) throw new IllegalStateException("broker already running");
    if (!formatted) {
      JavaProcess.run("kafka-storage-format", "kafka.tools.StorageTool", directory.resolve("format.log"),
          Duration.ofSeconds(60), "format", "-t", Uuid.randomUuid().toString(), "-c", config.toString());
      formatted = true;
    }
    starts++;
    process = JavaProcess.start("kafka-broker", "kafka.Kafka", HEAP_MEGABYTES,
        directory.resolve("broker-" + starts + ".log"), List.of(), config.toString());
    return this;
  }

  /** Waits until the broker answers a cluster description, failing with its output after {@link #START_TIMEOUT}. */
  public KafkaBroker awaitReady() {
    try (Admin admin = admin()) {
      Poll.until(START_TIMEOUT, () -> {
        if (!process.isAlive()) throw new AssertionError("broker exited:\n" + process.tail());
        try {
          return !admin.describeCluster().nodes().get(2, TimeUnit.SECONDS).isEmpty();
        } catch (Exception e) {
          return false;
        }
      }, () -> "broker at " + bootstrapServers() + " not ready:\n" + process.tail());
    }
    return this;
  }

  /** Creates {@code topic} with {@code partitions} partitions (replication 1) and waits for it. */
  public void createTopic(String topic, int partitions) {
    try (Admin admin = admin()) {
      admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("cannot create topic " + topic + ": " + e, e);
    }
  }

  /** An admin client for this broker; the caller closes it. */
  public Admin admin() {
    Properties p = new Properties();
    p.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    p.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
    p.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
    return Admin.create(p);
  }

  /** {@code kill -9} of the broker. */
  public synchronized void kill() {
    if (process != null) process.kill();
  }

  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** The end of the current broker output, for failure messages. */
  public synchronized String tail() {
    return process == null ? "(not started)" : process.tail();
  }

  @Override
  public synchronized void close() {
    if (process != null) process.stop(Duration.ofSeconds(10));
  }
}
