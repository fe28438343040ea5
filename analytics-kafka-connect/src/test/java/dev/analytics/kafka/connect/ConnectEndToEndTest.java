package dev.analytics.kafka.connect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.analytics.Analytics;
import dev.analytics.examples.receiver.AmplitudeReceiver;
import dev.analytics.kafka.KafkaSink;
import dev.analytics.kafka.connect.harness.ConnectWorker;
import dev.analytics.kafka.harness.KafkaBroker;
import dev.analytics.kafka.harness.Poll;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole shape on real components: a service emits through {@link KafkaSink} into a real broker; a
 * Connect cluster of two distributed workers (child JVMs) runs the seed connector file unchanged and
 * delivers to a local Amplitude-compatible receiver. Mid-stream one worker is killed with {@code kill -9}
 * and later the endpoint goes down for a while; every emitted id still arrives (duplicates allowed,
 * counted). Runs with {@code -Pkafka}.
 */
@Tag("kafka")
class ConnectEndToEndTest {
  static final String API_KEY = "e2e-test-api-key";
  static final String TOPIC = "service-events";
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final int EVENTS = 4000;
  private static final Duration OUTAGE = Duration.ofSeconds(5);

  @TempDir Path dir;

  @Test
  void everyEmittedIdArrivesThroughTwoWorkersAWorkerKillAndAnEndpointOutage() throws Exception {
    Set<String> emitted = java.util.Collections.synchronizedSet(new LinkedHashSet<>());
    // A user id of 2 characters: Amplitude (and the receiver) answer 400 for it, so it must be dead-lettered.
    java.util.concurrent.atomic.AtomicReference<String> rejected = new java.util.concurrent.atomic.AtomicReference<>();
    try (KafkaBroker broker = KafkaBroker.create(dir.resolve("broker")).start().awaitReady();
        AmplitudeReceiver receiver = AmplitudeReceiver.create(API_KEY).start()) {
      broker.createTopic(TOPIC, 4);
      Map<String, String> environment = Map.of("AMPLITUDE_API_TOKEN", API_KEY);
      try (ConnectWorker a = ConnectWorker.create("worker-a", dir.resolve("a"), broker.bootstrapServers(), "analytics-connect", environment).start();
          ConnectWorker b = ConnectWorker.create("worker-b", dir.resolve("b"), broker.bootstrapServers(), "analytics-connect", environment).start()) {
        a.awaitReady(Duration.ofSeconds(120));
        b.awaitReady(Duration.ofSeconds(120));
        assertThat(a.putConnector("amplitude", connectorConfig(receiver)).statusCode()).isIn(200, 201);
        awaitTasksRunning(b, 2);

        assertThat(tasksOn(b, a)).as("worker-a runs a task, so killing it matters").isPositive();

        KafkaSink sink = KafkaSink.builder().bootstrapServers(broker.bootstrapServers()).topic(TOPIC).build();
        try (Analytics service = Analytics.builder().directory(dir.resolve("service-log")).sink("kafka", sink)
            .retryBackoff(Duration.ofMillis(100), Duration.ofSeconds(1)).build()) {
          // The service emits all along, about 400 events/s, while the worker dies and the endpoint goes down.
          Thread emitter = new Thread(() -> {
            for (int i = 0; i < EVENTS; i++) {
              String id = service.emit(Map.of("event_type", "page_view", "user_id", "user-" + (i % 37), "n", i));
              synchronized (emitted) {
                emitted.add(id);
              }
              if (i == 100) rejected.set(service.emit(Map.of("event_type", "page_view", "user_id", "ab", "n", -1)));
              if (i % 10 == 9) pause(Duration.ofMillis(25));
            }
          }, "service-emitter");
          emitter.start();
          Poll.until(Duration.ofSeconds(120), () -> receiver.events().size() >= EVENTS / 10,
              () -> "no delivery started: " + receiver.events().size() + " events\n" + a.tail());
          a.kill(); // kill -9 mid-stream: its tasks' records in hand are not committed
          int atKill = receiver.events().size();

          Poll.until(Duration.ofSeconds(180), () -> receiver.events().size() >= atKill + EVENTS / 5,
              () -> "stalled after the kill at " + receiver.events().size() + " events\n" + b.tail());
          receiver.stop(); // the endpoint is down: connections refused
          pause(OUTAGE); // the outage lasts this long; nothing is asserted on time
          receiver.start();
          emitter.join(Duration.ofSeconds(120).toMillis());
          assertThat(emitter.isAlive()).isFalse();
          assertThat(service.flush(Duration.ofSeconds(60))).as("the service flushed to Kafka").isTrue();
          System.out.printf("ConnectEndToEndTest: worker-a killed at %d delivered events, outage from %d%n", atKill,
              receiver.events().size());
        }

        Poll.until(Duration.ofSeconds(240), () -> arrivedIds(receiver).containsAll(emitted),
            () -> missing(emitted, receiver) + " of " + emitted.size() + " ids missing\nworker-b:\n" + b.tail());
        assertThat(b.get("/connectors/amplitude/status").body()).doesNotContain("FAILED");
        assertThat(arrivedIds(receiver)).doesNotContain(rejected.get());
        Map<String, String> deadLetter = deadLetterHeaders(broker, rejected.get());
        assertThat(deadLetter.get(TaskDelivery.STAGE_HEADER)).isEqualTo("sink");
        assertThat(deadLetter.get(TaskDelivery.REASON_HEADER)).contains("400");
        System.out.println("ConnectEndToEndTest: dead letter reason: " + deadLetter.get(TaskDelivery.REASON_HEADER));
        long refusedOrFailed = receiver.requests().stream().filter(r -> r.status() != 200).count();
        System.out.printf("ConnectEndToEndTest: %d emitted, %d distinct delivered, %d duplicates suppressed by"
                + " insert_id, %d requests not 200, 1 worker killed with kill -9, 1 endpoint outage of %s%n",
            emitted.size(), arrivedIds(receiver).size(), receiver.duplicatesSuppressed(), refusedOrFailed, OUTAGE);
      }
    }
  }

  private static void pause(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** How many of the connector's tasks run on {@code worker}, as {@code observer} reports it. */
  static int tasksOn(ConnectWorker observer, ConnectWorker worker) throws java.io.IOException {
    int count = 0;
    for (JsonNode task : MAPPER.readTree(observer.get("/connectors/amplitude/status").body()).path("tasks")) {
      if (task.path("worker_id").asText().equals(worker.restAddress())) count++;
    }
    return count;
  }

  static String connectorConfig(AmplitudeReceiver receiver) throws Exception {
    Path file = Path.of(ConnectEndToEndTest.class.getResource("/amplitude-connector.yaml").toURI());
    Map<String, String> config = new java.util.LinkedHashMap<>();
    config.put("connector.class", AnalyticsSinkConnector.class.getName());
    config.put("tasks.max", "2");
    config.put("topics", TOPIC);
    config.put(ConnectSettings.CONNECTOR_FILE, file.toString());
    config.put("analytics.secret.AMPLITUDE_API_TOKEN", "${env:AMPLITUDE_API_TOKEN}");
    config.put(ConnectSettings.ENDPOINT, receiver.endpoint().toString());
    config.put(ConnectSettings.BACKOFF_MIN, "200");
    config.put(ConnectSettings.BACKOFF_MAX, "2000");
    config.put("errors.tolerance", "all");
    config.put("errors.deadletterqueue.topic.name", TOPIC + "-dlq");
    config.put("errors.deadletterqueue.topic.replication.factor", "1");
    config.put("errors.deadletterqueue.context.headers.enable", "true");
    return MAPPER.writeValueAsString(config);
  }

  static void awaitTasksRunning(ConnectWorker worker, int tasks) {
    Poll.until(Duration.ofSeconds(90), () -> {
      String body = worker.get("/connectors/amplitude/status").body();
      try {
        JsonNode status = MAPPER.readTree(body);
        if (!"RUNNING".equals(status.path("connector").path("state").asText())) return false;
        int running = 0;
        for (JsonNode task : status.path("tasks")) {
          if ("FAILED".equals(task.path("state").asText())) throw new AssertionError("task failed: " + task);
          if ("RUNNING".equals(task.path("state").asText())) running++;
        }
        return running == tasks;
      } catch (java.io.IOException e) {
        return false;
      }
    }, () -> "tasks not running: " + worker.get("/connectors/amplitude/status").body() + "\n" + worker.tail());
  }

  /** The headers of the dead-letter topic's record for {@code id}, waiting for it with a deadline. */
  static Map<String, String> deadLetterHeaders(KafkaBroker broker, String id) {
    java.util.Properties p = new java.util.Properties();
    p.setProperty("bootstrap.servers", broker.bootstrapServers());
    p.setProperty("group.id", "dlq-verifier");
    p.setProperty("auto.offset.reset", "earliest");
    Map<String, String> found = new java.util.HashMap<>();
    try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]>(p,
        new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
        new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
      consumer.subscribe(java.util.List.of(TOPIC + "-dlq"));
      Poll.until(Duration.ofSeconds(60), () -> {
        for (var r : consumer.poll(Duration.ofMillis(500))) {
          Map<String, String> headers = new java.util.HashMap<>();
          for (var h : r.headers()) headers.put(h.key(), new String(h.value(), java.nio.charset.StandardCharsets.UTF_8));
          if (id.equals(headers.get(Envelopes.ID_HEADER))) found.putAll(headers);
        }
        return !found.isEmpty();
      }, () -> "no dead letter for " + id);
    }
    return found;
  }

  static Set<String> arrivedIds(AmplitudeReceiver receiver) {
    Set<String> ids = new HashSet<>();
    for (JsonNode event : receiver.events()) ids.add(event.path("insert_id").asText());
    return ids;
  }

  private static long missing(Set<String> emitted, AmplitudeReceiver receiver) {
    Set<String> arrived = arrivedIds(receiver);
    return emitted.stream().filter(id -> !arrived.contains(id)).count();
  }
}
