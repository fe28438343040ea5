package dev.analytics.examples.kafka;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.analytics.Analytics;
import dev.analytics.connector.ConnectorLoader;
import dev.analytics.examples.Demo;
import dev.analytics.kafka.KafkaSink;
import dev.analytics.kafka.connect.AnalyticsSinkConnector;
import dev.analytics.kafka.testing.ConnectWorker;
import dev.analytics.kafka.testing.KafkaBroker;
import dev.analytics.spi.SecretProvider;
import dev.analytics.testing.AmplitudeReceiver;
import dev.analytics.testing.Await;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * "Scaling out with Kafka" on this machine: starts its own Kafka broker and a Kafka Connect worker
 * (child JVMs, loopback only), runs the unchanged seed connector file {@code amplitude-connector.yaml}
 * in the connector, and has a service emit through {@link KafkaSink}; the events arrive at a local
 * Amplitude-compatible receiver, transformed exactly as in-process. Exits 0 only if every event arrived.
 *
 * <p>Run from the repository root (about a minute, most of it starting Kafka):
 * {@code mvn -B -q install -DskipTests && mvn -B -q -pl examples exec:java -Dexec.mainClass=dev.analytics.examples.kafka.ScalingOutDemo}.
 *
 * <p>Arguments: {@code --events N} (default 2000); {@code --compare --rounds R}: the throughput harness
 * of {@code docs/BENCHMARKS.md}: each round emits N events through the in-process path (connector file
 * -> {@code HttpSink}) and then N through Kafka and Connect, and prints events per second from the first
 * {@code emit()} until the receiver has the last event, for both, in the same run.
 */
public final class ScalingOutDemo {
  static final String TOPIC = "service-events";
  static final String CONNECTOR = "amplitude";
  /** How often the waits look at the receiver and the worker: each look copies or asks for a lot. */
  private static final Duration POLL = Duration.ofMillis(100);

  private final PrintStream out;
  private final int events;
  private final int rounds;
  private final boolean compare;
  private final ObjectMapper mapper = new ObjectMapper();

  ScalingOutDemo(PrintStream out, int events, int rounds, boolean compare) {
    this.out = out;
    this.events = events;
    this.rounds = rounds;
    this.compare = compare;
  }

  public static void main(String[] args) throws Exception {
    int events = 2000;
    int rounds = 1;
    boolean compare = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--events":
          events = Integer.parseInt(args[++i]);
          break;
        case "--rounds":
          rounds = Integer.parseInt(args[++i]);
          break;
        case "--compare":
          compare = true;
          break;
        default:
          throw new IllegalArgumentException("unknown argument " + args[i] + "; expected --events N, --rounds R, --compare");
      }
    }
    Path work = Files.createTempDirectory("analytics-kafka-demo");
    boolean ok = new ScalingOutDemo(System.out, events, rounds, compare).run(work);
    System.exit(ok ? 0 : 1);
  }

  /** Runs the demo in {@code work}; true if every event arrived. */
  boolean run(Path work) throws Exception {
    String apiKey = SecretProvider.environment().get("AMPLITUDE_API_TOKEN").orElse(Demo.DEMO_API_KEY);
    Path connectorFile = seedFile(work);
    try (AmplitudeReceiver receiver = AmplitudeReceiver.create(apiKey).start();
        KafkaBroker broker = KafkaBroker.create(work.resolve("broker"))) {
      out.println("starting a Kafka broker (KRaft) at " + broker.bootstrapServers() + " ...");
      broker.start().awaitReady(Duration.ofSeconds(120));
      broker.createTopic(TOPIC, 4);
      try (ConnectWorker worker = ConnectWorker.builder("connect-worker", work.resolve("connect"), broker.bootstrapServers())
          .groupId("analytics-connect").environment(Map.of("AMPLITUDE_API_TOKEN", apiKey)).build()) {
        out.println("starting a Kafka Connect worker (distributed mode) ...");
        worker.start().awaitReady(Duration.ofSeconds(120));
        var created = worker.putConnector(CONNECTOR, connectorConfig(connectorFile, receiver));
        if (created.statusCode() / 100 != 2) throw new IllegalStateException("connector not created: " + created.body());
        awaitRunning(worker);
        out.println("connector '" + CONNECTOR + "' runs " + connectorFile.getFileName() + " unchanged, delivering to "
            + receiver.endpoint());

        boolean ok = true;
        for (int round = 1; round <= rounds; round++) {
          if (compare) {
            double inProcess = inProcess(work.resolve("in-process-" + round), connectorFile, receiver, apiKey);
            out.printf("round %d: in-process (emit -> log -> transforms -> HttpSink): %,.0f events/s%n", round, inProcess);
          }
          double viaKafka = viaKafka(work.resolve("service-" + round), broker, receiver, worker);
          if (viaKafka < 0) ok = false;
          out.printf("round %d: through Kafka (emit -> log -> KafkaSink -> topic -> Connect -> HttpSink): %,.0f events/s%n",
              round, Math.max(viaKafka, 0));
        }
        out.printf("receiver: %d distinct events, %d duplicates suppressed by insert_id; %s%n", receiver.events().size(),
            receiver.duplicatesSuppressed(), ok ? "nothing lost" : "EVENTS MISSING");
        return ok;
      }
    }
  }

  /** Emits through the connector file in-process; events per second until the receiver has them all. */
  private double inProcess(Path directory, Path connectorFile, AmplitudeReceiver receiver, String apiKey) {
    int before = receiver.events().size();
    try (Analytics analytics = ConnectorLoader.fromFile(connectorFile).endpoint(receiver.endpoint().toString())
        .secrets(SecretProvider.of(Map.of("AMPLITUDE_API_TOKEN", apiKey))).baseDirectory(directory).build()) {
      long start = System.nanoTime();
      emit(analytics);
      Await.until(Duration.ofSeconds(300), POLL, () -> receiver.events().size() >= before + events,
          () -> (receiver.events().size() - before) + " of " + events + " arrived in-process");
      return events / ((System.nanoTime() - start) / 1e9);
    }
  }

  /** Emits through KafkaSink; events per second until the receiver has them all, or -1 if some never arrive. */
  private double viaKafka(Path directory, KafkaBroker broker, AmplitudeReceiver receiver, ConnectWorker worker) {
    int before = receiver.events().size();
    KafkaSink sink = KafkaSink.builder().bootstrapServers(broker.bootstrapServers()).topic(TOPIC)
        .linger(Duration.ofMillis(5)).build();
    try (Analytics analytics = Analytics.builder().directory(directory).sink("kafka", sink).build()) {
      long start = System.nanoTime();
      emit(analytics);
      try {
        Await.until(Duration.ofSeconds(300), POLL, () -> receiver.events().size() >= before + events,
            () -> (receiver.events().size() - before) + " of " + events + " arrived through Kafka\n" + worker.tail());
      } catch (AssertionError e) { // Await's deadline: say what is missing, and exit 1 at the end
        out.println(e.getMessage());
        return -1;
      }
      return events / ((System.nanoTime() - start) / 1e9);
    }
  }

  private void emit(Analytics analytics) {
    String[] types = {"Page Viewed", "Item Added", "Order Placed", "Search"};
    for (int i = 0; i < events; i++) {
      Map<String, Object> event = new LinkedHashMap<>();
      event.put("event_type", types[i % types.length]);
      event.put("user_id", "user-" + (i % 1000));
      event.put("event_properties", Map.of("n", i));
      analytics.emit(event);
    }
  }

  private String connectorConfig(Path connectorFile, AmplitudeReceiver receiver) throws IOException {
    return mapper.writeValueAsString(connectorSettings(connectorFile, receiver));
  }

  /**
   * The Connect configuration of the connector: the seed file, its secret through Connect's
   * {@code ${env:...}} provider, the local receiver as endpoint, rejected records to a dead-letter topic.
   */
  static Map<String, String> connectorSettings(Path connectorFile, AmplitudeReceiver receiver) {
    Map<String, String> config = new LinkedHashMap<>();
    config.put("connector.class", AnalyticsSinkConnector.class.getName());
    config.put("tasks.max", "2");
    config.put("topics", TOPIC);
    config.put("analytics.connector.file", connectorFile.toString());
    config.put("analytics.secret.AMPLITUDE_API_TOKEN", "${env:AMPLITUDE_API_TOKEN}");
    config.put("analytics.endpoint", receiver.endpoint().toString());
    config.put("errors.tolerance", "all");
    config.put("errors.deadletterqueue.topic.name", TOPIC + "-dlq");
    config.put("errors.deadletterqueue.topic.replication.factor", "1");
    config.put("errors.deadletterqueue.context.headers.enable", "true");
    return config;
  }

  private void awaitRunning(ConnectWorker worker) {
    Await.until(Duration.ofSeconds(90), POLL, () -> {
      String body = worker.get("/connectors/" + CONNECTOR + "/status").body();
      if (body.contains("\"FAILED\"")) throw new IllegalStateException("connector failed: " + body);
      return body.contains("\"tasks\":[{") && !body.contains("UNASSIGNED") && body.split("\"RUNNING\"", -1).length - 1 == 3;
    }, () -> "connector not running: " + worker.get("/connectors/" + CONNECTOR + "/status").body());
  }

  /** The seed connector file, copied unchanged out of the examples jar. */
  static Path seedFile(Path work) {
    Path copy = work.resolve("amplitude-connector.yaml");
    try (InputStream in = Demo.class.getResourceAsStream("amplitude-connector.yaml")) {
      if (in == null) throw new IOException("amplitude-connector.yaml missing from the examples jar");
      Files.createDirectories(work);
      Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
      return copy;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
