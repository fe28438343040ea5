package dev.analytics.examples.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.analytics.Analytics;
import dev.analytics.kafka.KafkaSink;
import dev.analytics.kafka.connect.AnalyticsSinkTask;
import dev.analytics.kafka.testing.ConnectWorker;
import dev.analytics.kafka.testing.KafkaBroker;
import dev.analytics.testing.AmplitudeReceiver;
import dev.analytics.testing.Await;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole shape on real components: a service emits through {@link KafkaSink} into a real broker; a
 * Connect cluster of two distributed workers (child JVMs) runs the seed connector file unchanged, its
 * API key through Connect's {@code ${env:...}} config provider, and delivers to the local
 * Amplitude-compatible receiver. Mid-stream the worker running a task is killed with {@code kill -9};
 * later the endpoint is down for a while. Every emitted id still arrives (duplicates allowed, counted),
 * no task fails, and an event Amplitude answers 400 for reaches the dead-letter topic with its reason.
 * Runs with {@code -Pkafka} (about 100 s here).
 */
@Tag("kafka")
class ConnectEndToEndTest {
  static final String API_KEY = "e2e-test-api-key";
  static final String TOPIC = ScalingOutDemo.TOPIC;
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final int EVENTS = 4000;
  private static final Duration OUTAGE = Duration.ofSeconds(5);
  /** How often the waits look: each look reads thousands of received events or asks a worker. */
  private static final Duration POLL = Duration.ofMillis(100);

  @TempDir Path dir;

  @Test
  void everyEmittedIdArrivesThroughTwoWorkersAWorkerKillAndAnEndpointOutage() throws Exception {
    Set<String> emitted = Collections.synchronizedSet(new LinkedHashSet<>());
    // A user id of 2 characters: Amplitude (and the receiver) answer 400 for it, so it is dead-lettered.
    AtomicReference<String> rejected = new AtomicReference<>();
    Path connectorFile = ScalingOutDemo.seedFile(dir);
    try (KafkaBroker broker = KafkaBroker.create(dir.resolve("broker"));
        AmplitudeReceiver receiver = AmplitudeReceiver.create(API_KEY).start()) {
      broker.start().awaitReady(Duration.ofSeconds(120));
      broker.createTopic(TOPIC, 4);
      Map<String, String> environment = Map.of("AMPLITUDE_API_TOKEN", API_KEY);
      try (ConnectWorker a = worker("worker-a", broker, environment);
          ConnectWorker b = worker("worker-b", broker, environment)) {
        a.start();
        b.start();
        a.awaitReady(Duration.ofSeconds(120));
        b.awaitReady(Duration.ofSeconds(120));
        assertThat(a.putConnector("amplitude", connectorConfig(connectorFile, receiver)).statusCode()).isIn(200, 201);
        awaitTasksRunning(b, 2);
        ConnectWorker victim = tasksOn(b, a) > 0 ? a : b;
        ConnectWorker survivor = victim == a ? b : a;

        KafkaSink sink = KafkaSink.builder().bootstrapServers(broker.bootstrapServers()).topic(TOPIC).build();
        try (Analytics service = Analytics.builder().directory(dir.resolve("service-log")).sink("kafka", sink)
            .retryBackoff(Duration.ofMillis(100), Duration.ofSeconds(1)).build()) {
          // The service emits all along, about 400 events/s, while a worker dies and the endpoint goes down.
          Thread emitter = new Thread(() -> {
            for (int i = 0; i < EVENTS; i++) {
              emitted.add(service.emit(Map.of("event_type", "page_view", "user_id", "user-" + (i % 37), "n", i)));
              if (i == 100) rejected.set(service.emit(Map.of("event_type", "page_view", "user_id", "ab", "n", -1)));
              if (i % 10 == 9) pause(Duration.ofMillis(25));
            }
          }, "service-emitter");
          emitter.start();
          Await.until(Duration.ofSeconds(120), POLL, () -> receiver.events().size() >= EVENTS / 10,
              () -> "no delivery started: " + receiver.events().size() + " events\n" + victim.tail());
          victim.kill(); // kill -9 mid-stream: its tasks' records in hand are not committed
          int atKill = receiver.events().size();

          Await.until(Duration.ofSeconds(180), POLL, () -> receiver.events().size() >= atKill + EVENTS / 5,
              () -> "stalled after the kill at " + receiver.events().size() + " events\n" + survivor.tail());
          receiver.stop(); // the endpoint is down: connections refused
          int atOutage = receiver.events().size();
          pause(OUTAGE); // the outage lasts this long; nothing is asserted on time
          receiver.start();
          emitter.join(Duration.ofSeconds(120).toMillis());
          assertThat(emitter.isAlive()).isFalse();
          assertThat(service.flush(Duration.ofSeconds(60))).as("the service flushed to Kafka").isTrue();
          System.out.printf("ConnectEndToEndTest: %s killed at %d delivered events, outage from %d%n", victim, atKill, atOutage);
        }

        Await.until(Duration.ofSeconds(240), POLL, () -> arrivedIds(receiver).containsAll(emitted),
            () -> missing(emitted, receiver) + " of " + emitted.size() + " ids missing\n" + survivor.tail());
        assertThat(survivor.get("/connectors/amplitude/status").body()).doesNotContain("FAILED");
        assertThat(arrivedIds(receiver)).doesNotContain(rejected.get());
        Map<String, String> deadLetter = deadLetterHeaders(broker, rejected.get());
        assertThat(deadLetter.get(AnalyticsSinkTask.STAGE_HEADER)).isEqualTo("sink");
        assertThat(deadLetter.get(AnalyticsSinkTask.REASON_HEADER)).contains("400");
        long notOk = receiver.requests().stream().filter(r -> r.status() != 200).count();
        System.out.printf("ConnectEndToEndTest: %d emitted, %d distinct delivered, %d duplicates suppressed by insert_id,"
                + " %d requests not 200, 1 worker killed with kill -9, 1 endpoint outage of %s; dead letter: %s%n",
            emitted.size(), arrivedIds(receiver).size(), receiver.duplicatesSuppressed(), notOk, OUTAGE,
            deadLetter.get(AnalyticsSinkTask.REASON_HEADER));
      }
    }
  }

  /** A worker of the Connect cluster "analytics-connect", in its own directory. */
  private ConnectWorker worker(String name, KafkaBroker broker, Map<String, String> environment) {
    return ConnectWorker.builder(name, dir.resolve(name), broker.bootstrapServers()).groupId("analytics-connect")
        .environment(environment).build();
  }

  /** The demo's connector configuration, with a short retry backoff so that the outage ends in the test's time. */
  static String connectorConfig(Path connectorFile, AmplitudeReceiver receiver) throws Exception {
    Map<String, String> config = ScalingOutDemo.connectorSettings(connectorFile, receiver);
    config.put("analytics.retry.backoff.min.ms", "200");
    config.put("analytics.retry.backoff.max.ms", "2000");
    return MAPPER.writeValueAsString(config);
  }

  static void awaitTasksRunning(ConnectWorker worker, int tasks) {
    Await.until(Duration.ofSeconds(90), POLL, () -> {
      try {
        JsonNode status = MAPPER.readTree(worker.get("/connectors/amplitude/status").body());
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

  /** How many of the connector's tasks run on {@code worker}, as {@code observer} reports it. */
  static int tasksOn(ConnectWorker observer, ConnectWorker worker) throws java.io.IOException {
    int count = 0;
    for (JsonNode task : MAPPER.readTree(observer.get("/connectors/amplitude/status").body()).path("tasks")) {
      if (task.path("worker_id").asText().equals(worker.restAddress())) count++;
    }
    return count;
  }

  /** The headers of the dead-letter topic's record for {@code id}, waiting for it with a deadline. */
  static Map<String, String> deadLetterHeaders(KafkaBroker broker, String id) {
    Properties p = new Properties();
    p.setProperty("bootstrap.servers", broker.bootstrapServers());
    p.setProperty("group.id", "dlq-verifier");
    p.setProperty("auto.offset.reset", "earliest");
    Map<String, String> found = new HashMap<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(TOPIC + "-dlq"));
      Await.until(Duration.ofSeconds(60), POLL, () -> {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          Map<String, String> headers = new HashMap<>();
          for (Header h : r.headers()) headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
          if (id.equals(headers.get(AnalyticsSinkTask.ID_HEADER))) found.putAll(headers);
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
    synchronized (emitted) {
      return emitted.stream().filter(id -> !arrived.contains(id)).count();
    }
  }

  private static void pause(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
