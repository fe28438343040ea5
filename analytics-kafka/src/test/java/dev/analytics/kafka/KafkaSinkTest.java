package dev.analytics.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.analytics.spi.Outcome;
import dev.analytics.spi.Record;
import dev.analytics.spi.Sink;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class KafkaSinkTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Instant AT = Instant.parse("2026-12-01T10:00:00Z");

  private final MockProducer<byte[], byte[]> producer =
      new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
  private final FakeContext context = new FakeContext();

  private KafkaSink sink() {
    KafkaSink sink = KafkaSink.builder().topic("events").producer(producer).build();
    sink.open(context);
    return sink;
  }

  @Test
  void toBuilderKeepsTheSettings() throws Exception {
    KafkaSink original = KafkaSink.builder().topic("events").producer(producer).maxBatchRecords(7)
        .linger(java.time.Duration.ofMillis(40)).build();
    KafkaSink other = original.toBuilder().topic("other").build();
    assertThat(other.topic()).isEqualTo("other");
    assertThat(other.maxBatchRecords()).isEqualTo(7);
    assertThat(other.linger()).isEqualTo(java.time.Duration.ofMillis(40));
    assertThat(original.topic()).isEqualTo("events");
  }

  @Test
  void acknowledgedRecordsAreDeliveredWithIdHeaderUserKeyAndEnvelope() throws Exception {
    KafkaSink sink = sink();
    Record a = record("id-a", "{\"event_type\":\"click\",\"user_id\":\"alice\",\"device_id\":\"d1\"}");
    Record b = record("id-b", "{\"event_type\":\"view\",\"device_id\":\"d2\"}");
    CompletableFuture<List<Outcome>> sent = sink.send(List.of(a, b)).toCompletableFuture();
    assertThat(sent).isNotDone();
    producer.completeNext();
    producer.completeNext();

    assertThat(kinds(sent.get(5, TimeUnit.SECONDS))).containsExactly(Outcome.Kind.DELIVERED, Outcome.Kind.DELIVERED);
    List<ProducerRecord<byte[], byte[]>> history = producer.history();
    assertThat(history).extracting(ProducerRecord::topic).containsOnly("events");
    assertThat(history).extracting(r -> new String(r.key(), StandardCharsets.UTF_8)).containsExactly("alice", "d2");
    assertThat(history).extracting(r -> new String(r.headers().lastHeader(KafkaSink.ID_HEADER).value(), StandardCharsets.UTF_8))
        .containsExactly("id-a", "id-b");
    assertThat(MAPPER.readTree(history.get(0).value())).isEqualTo(a.value());
    assertThat(history.get(0).timestamp()).isEqualTo(AT.toEpochMilli());
    assertThat(context.faults).isEmpty();
  }

  @Test
  void keyFallsBackToTheRecordIdAndCanBeAField() {
    Record anonymous = record("id-x", "{\"event_type\":\"view\"}");
    Record withAccount = record("id-y", "{\"account\":{\"id\":\"acme\"}}");
    assertThat(KafkaSink.keyByUser().apply(anonymous)).isEqualTo("id-x");
    assertThat(KafkaSink.keyByField("/event/account/id").apply(withAccount)).isEqualTo("acme");
    assertThat(KafkaSink.keyByField("/event/missing").apply(withAccount)).isEqualTo("id-y");
    assertThat(KafkaSink.keyByRecordId().apply(withAccount)).isEqualTo("id-y");
    assertThatThrownBy(() -> KafkaSink.keyByField("event.user_id")).hasMessageContaining("JSON pointer");
  }

  @Test
  void retriableErrorsAreRetriedLaterWithoutAFault() throws Exception {
    KafkaSink sink = sink();
    CompletableFuture<List<Outcome>> sent =
        sink.send(List.of(record("id-1", "{}"), record("id-2", "{}"))).toCompletableFuture();
    producer.errorNext(new NotLeaderOrFollowerException("leader moved"));
    producer.errorNext(new TimeoutException("Expiring 1 record(s) after 30000 ms"));

    assertThat(kinds(sent.get(5, TimeUnit.SECONDS))).containsExactly(Outcome.Kind.RETRY, Outcome.Kind.RETRY);
    assertThat(context.faults).isEmpty();
  }

  @Test
  void recordTooLargeIsRejectedWithTheReason() throws Exception {
    KafkaSink sink = sink();
    CompletableFuture<List<Outcome>> sent =
        sink.send(List.of(record("id-big", "{}"), record("id-ok", "{}"))).toCompletableFuture();
    producer.errorNext(new RecordTooLargeException("The message is 2000123 bytes when serialized"));
    producer.completeNext();

    List<Outcome> outcomes = sent.get(5, TimeUnit.SECONDS);
    assertThat(kinds(outcomes)).containsExactly(Outcome.Kind.REJECTED, Outcome.Kind.DELIVERED);
    assertThat(outcomes.get(0).reason()).hasValueSatisfying(reason -> assertThat(reason)
        .contains("too large for kafka topic events").contains("2000123 bytes"));
    assertThat(context.faults).isEmpty();
  }

  @Test
  void authorizationErrorsHoldTheRecordsAndReportAFaultUntilASendSucceeds() throws Exception {
    KafkaSink sink = sink();
    CompletableFuture<List<Outcome>> first =
        sink.send(List.of(record("id-1", "{}"), record("id-2", "{}"))).toCompletableFuture();
    producer.errorNext(new TopicAuthorizationException(Set.of("events")));
    producer.errorNext(new TopicAuthorizationException(Set.of("events")));
    assertThat(kinds(first.get(5, TimeUnit.SECONDS))).containsExactly(Outcome.Kind.RETRY, Outcome.Kind.RETRY);
    assertThat(context.faults).hasSize(1); // once, not per record
    assertThat(context.faults.get(0)).contains("TopicAuthorizationException").contains("events");

    CompletableFuture<List<Outcome>> second = sink.send(List.of(record("id-1", "{}"))).toCompletableFuture();
    producer.completeNext();
    assertThat(kinds(second.get(5, TimeUnit.SECONDS))).containsExactly(Outcome.Kind.DELIVERED);
    assertThat(context.cleared).hasValue(1);
  }

  @Test
  void authenticationErrorsAreFaultsToo() throws Exception {
    KafkaSink sink = sink();
    CompletableFuture<List<Outcome>> sent = sink.send(List.of(record("id-1", "{}"))).toCompletableFuture();
    producer.errorNext(new SaslAuthenticationException("Authentication failed: Invalid username or password"));
    assertThat(kinds(sent.get(5, TimeUnit.SECONDS))).containsExactly(Outcome.Kind.RETRY);
    assertThat(context.faults).singleElement().asString().contains("SaslAuthenticationException");
  }

  @Test
  void aSendThatFailsAtOnceHandsTheRestOfTheBatchBackUntried() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    MockProducer<byte[], byte[]> down = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer()) {
      @Override
      public synchronized Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
        calls.incrementAndGet();
        // What KafkaProducer does when no metadata arrives within max.block.ms: the callback runs at once.
        TimeoutException error = new TimeoutException("Topic events not present in metadata after 1000 ms.");
        callback.onCompletion(null, error);
        return CompletableFuture.failedFuture(error);
      }
    };
    KafkaSink sink = KafkaSink.builder().topic("events").producer(down).build();
    sink.open(context);
    List<Record> batch = new ArrayList<>();
    for (int i = 0; i < 50; i++) batch.add(record("id-" + i, "{}"));

    List<Outcome> outcomes = sink.send(batch).toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertThat(outcomes).hasSize(50).allSatisfy(o -> assertThat(o.kind()).isEqualTo(Outcome.Kind.RETRY));
    assertThat(calls).hasValue(1);
  }

  @Test
  void anUnresolvableBootstrapHostDoesNotStopTheServiceItHoldsAndAlerts() throws Exception {
    KafkaSink sink = KafkaSink.builder().bootstrapServers("kafka-not-in-dns-yet.invalid:9092").topic("events").build();
    sink.open(context);
    try {
      List<Outcome> outcomes = sink.send(List.of(record("id-1", "{}"), record("id-2", "{}")))
          .toCompletableFuture().get(5, TimeUnit.SECONDS);
      assertThat(kinds(outcomes)).containsExactly(Outcome.Kind.RETRY, Outcome.Kind.RETRY);
      assertThat(context.faults).singleElement().asString()
          .contains("cannot create the producer").contains("bootstrap");
    } finally {
      sink.close();
    }
  }

  @Test
  void badProducerSettingsFailAtBuildNamingTheSetting() {
    assertThatThrownBy(() -> KafkaSink.builder().bootstrapServers("127.0.0.1:9092").topic("events")
        .producerProperty("compression.type", "bogus").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("compression.type");
  }

  @Test
  void aThrowingProducerMeansRetryLater() throws Exception {
    producer.close();
    KafkaSink sink = sink();
    List<Outcome> outcomes = sink.send(List.of(record("id-1", "{}"))).toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertThat(kinds(outcomes)).containsExactly(Outcome.Kind.RETRY);
  }

  @Test
  void builderRejectsWhatWouldBreakTheGuarantees() {
    assertThatThrownBy(() -> KafkaSink.builder().producerProperty("acks", "1"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("acks");
    assertThatThrownBy(() -> KafkaSink.builder().producerProperty("enable.idempotence", "false"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("enable.idempotence");
    assertThatThrownBy(() -> KafkaSink.builder().bootstrapServers("localhost:9092").build())
        .isInstanceOf(IllegalStateException.class).hasMessage("topic is required");
    assertThatThrownBy(() -> KafkaSink.builder().topic("events").build())
        .isInstanceOf(IllegalStateException.class).hasMessage("bootstrapServers is required");
    assertThatThrownBy(() -> KafkaSink.builder().topic("bad topic"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"bad topic\"");
    assertThatThrownBy(() -> KafkaSink.builder().maxInFlight(0)).hasMessage("maxInFlight < 1: 0");
  }

  @Test
  void producerPropertiesAreIdempotentAllAcksAndCarryOverrides() {
    KafkaSink.Builder b = KafkaSink.builder().bootstrapServers("127.0.0.1:9092").topic("events")
        .producerProperty("compression.type", "zstd");
    assertThat(b.producerProperties())
        .containsEntry("acks", "all")
        .containsEntry("enable.idempotence", true)
        .containsEntry("compression.type", "zstd")
        .containsEntry("bootstrap.servers", "127.0.0.1:9092")
        .containsEntry("max.block.ms", 1000L);
  }

  static Record record(String id, String eventJson) {
    try {
      JsonNode envelope = MAPPER.readTree(
          "{\"id\":\"" + id + "\",\"timestamp\":\"" + AT + "\",\"event\":" + eventJson + "}");
      return Record.of(id, AT, envelope);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static List<Outcome.Kind> kinds(List<Outcome> outcomes) {
    List<Outcome.Kind> kinds = new ArrayList<>();
    for (Outcome o : outcomes) kinds.add(o.kind());
    return kinds;
  }

  static final class FakeContext implements Sink.Context {
    final List<String> faults = new java.util.concurrent.CopyOnWriteArrayList<>();
    final AtomicInteger cleared = new AtomicInteger();

    @Override
    public String name() {
      return "kafka";
    }

    @Override
    public void reportFault(String message) {
      faults.add(message);
    }

    @Override
    public void clearFault() {
      cleared.incrementAndGet();
    }
  }
}
