package dev.analytics.kafka.testing;

import dev.analytics.testing.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
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
 * A real single-node Kafka broker for tests and demos on one machine, no install and no Docker: KRaft
 * (broker and controller in one process) in a child JVM of 512 MB on loopback, run from the
 * {@code kafka_2.13} jar on the class path, its storage formatted with {@code kafka.tools.StorageTool}
 * and started as {@code kafka.Kafka server.properties}. Not a production launcher: replication factor 1.
 *
 * <p>Its ports are chosen when it is created, so clients can be pointed at it before it
 * {@linkplain #start() starts} (the start-up race), and it comes back on the same port, with its data,
 * after a {@linkplain #kill() kill -9} and another {@code start()}.
 *
 * <pre>{@code
 * try (KafkaBroker broker = KafkaBroker.create(dir.resolve("broker"))) {
 *   broker.start().awaitReady();
 *   broker.createTopic("events", 3);
 *   ... broker.bootstrapServers() ...
 * }
 * }</pre>
 */
public final class KafkaBroker extends ChildService {
  /** The broker JVM's maximum heap. */
  public static final int HEAP_MEGABYTES = 512;
  /** How long {@link #awaitReady()} waits. */
  public static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration FORMAT_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration READY_POLL = Duration.ofMillis(100);

  private final Path directory;
  private final int port;
  private final Path config;
  private boolean formatted;
  private int starts;

  private KafkaBroker(Path directory, Map<String, String> overrides) {
    this.directory = directory;
    int[] ports = Ports.free(2);
    this.port = ports[0];
    int controllerPort = ports[1];
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
    // One node: every internal topic has one replica, and few partitions so that it starts fast.
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
    p.putAll(overrides);
    writeProperties(config, p);
  }

  /** A broker in {@code directory} (created if missing), ports chosen, not started. */
  public static KafkaBroker create(Path directory) {
    return create(directory, Map.of());
  }

  /**
   * A broker with {@code server.properties} entries of the caller's, replacing the defaults (for example
   * a small {@code message.max.bytes}, or {@code num.partitions}, 3 by default).
   */
  public static KafkaBroker create(Path directory, Map<String, String> overrides) {
    return new KafkaBroker(directory, Map.copyOf(overrides));
  }

  /** {@code 127.0.0.1:<port>}: valid before the broker starts, and the same after a restart. */
  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  /**
   * Formats the storage the first time, then starts the broker process without waiting for it (see
   * {@link #awaitReady()}); each start writes its output to {@code broker-<n>.log} in the directory.
   */
  public synchronized KafkaBroker start() {
    requireNotRunning();
    if (!formatted) {
      JavaProcess.builder("kafka.tools.StorageTool").name("kafka-storage-format").output(directory.resolve("format.log"))
          .args("format", "-t", Uuid.randomUuid().toString(), "-c", config.toString()).run(FORMAT_TIMEOUT);
      formatted = true;
    }
    starts++;
    started(JavaProcess.builder("kafka.Kafka").name("kafka-broker").heapMegabytes(HEAP_MEGABYTES)
        .output(directory.resolve("broker-" + starts + ".log")).args(config.toString()).start());
    return this;
  }

  /** {@link #awaitReady(Duration)} with {@link #START_TIMEOUT}. */
  public KafkaBroker awaitReady() {
    return awaitReady(START_TIMEOUT);
  }

  /**
   * Waits until the broker describes its cluster; throws {@link AssertionError} with the end of its
   * output if it does not within {@code timeout}, and {@link IllegalStateException} as soon as it exits.
   */
  public KafkaBroker awaitReady(Duration timeout) {
    JavaProcess running = current();
    try (Admin admin = admin()) {
      Await.until(timeout, READY_POLL, () -> {
        if (!running.isAlive()) throw new IllegalStateException("the broker exited:\n" + running.tail());
        try {
          return !admin.describeCluster().nodes().get(2, TimeUnit.SECONDS).isEmpty();
        } catch (Exception e) {
          return false;
        }
      }, () -> "the broker at " + bootstrapServers() + " to be ready:\n" + running.tail());
    }
    return this;
  }

  /** Creates {@code topic} with {@code partitions} partitions (replication factor 1) and waits for it. */
  public void createTopic(String topic, int partitions) {
    try (Admin admin = admin()) {
      admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topic " + topic, e);
    } catch (Exception e) {
      throw new IllegalStateException("cannot create topic " + topic + " at " + bootstrapServers() + ": " + e, e);
    }
  }

  /** A new admin client for this broker (short timeouts); the caller closes it. */
  public Admin admin() {
    Properties p = new Properties();
    p.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    p.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
    p.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
    return Admin.create(p);
  }

  @Override
  public String toString() {
    return "kafka broker at " + bootstrapServers();
  }

  /** Writes {@code properties} to {@code file}, creating its directory. */
  static void writeProperties(Path file, Properties properties) {
    try {
      Files.createDirectories(file.getParent());
      try (var out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
        properties.store(out, null);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
