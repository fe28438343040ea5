package dev.analytics.kafka.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.analytics.spi.Outcome;
import dev.analytics.testing.Await;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The task against a fake worker context and a scripted sink: what it commits, pauses and dead-letters. */
class AnalyticsSinkTaskTest {
  static final TopicPartition P0 = new TopicPartition("service-events", 0);
  static final TopicPartition P1 = new TopicPartition("service-events", 1);
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final FakeTaskContext context = new FakeTaskContext(P0, P1);
  private final AnalyticsSinkTask task = new AnalyticsSinkTask();

  @AfterEach
  void stop() {
    task.stop();
  }

  private ScriptedSink start(String scripted, String transforms, Map<String, String> extra) {
    String yaml = "apiVersion: 0.1.0\n"
        + "meta: {name: test-connector, type: scripted-sink, topic: service-events}\n"
        + "scripted: " + scripted + "\n"
        + (transforms.isEmpty() ? "" : "transforms:\n" + transforms);
    Map<String, String> props = new HashMap<>();
    props.put("name", "test-connector");
    props.put(ConnectSettings.CONNECTOR_YAML, yaml);
    props.put(ConnectSettings.BACKOFF_MIN, "10");
    props.put(ConnectSettings.BACKOFF_MAX, "50");
    props.putAll(extra);
    task.initialize(context);
    task.start(props);
    task.open(context.assignment);
    return ScriptedSink.last;
  }

  private ScriptedSink start(String scripted) {
    return start(scripted, "", Map.of());
  }

  @Test
  void offsetsAreCommittedOnlyUpToTheFirstRecordNotDone() throws Exception {
    ScriptedSink sink = start("{max_batch: 100}");
    task.put(records(P0, 0, 6));

    ScriptedSink.Call first = sink.nextCall();
    assertThat(first.batch).extracting(r -> r.id()).containsExactly("id-0-0", "id-0-1", "id-0-2", "id-0-3", "id-0-4", "id-0-5");
    assertThat(committed()).as("nothing done yet").containsEntry(P0, 0L);
    Outcome d = Outcome.delivered();
    first.answer(d, d, Outcome.retryLater(), d, d, d);

    ScriptedSink.Call retry = sink.nextCall();
    assertThat(retry.batch).extracting(r -> r.id()).containsExactly("id-0-2");
    assertThat(committed()).as("offset 2 is still being retried").containsEntry(P0, 2L);
    retry.answer(d);
    Await.until(WAIT, () -> committed().get(P0) == 6L, () -> "committed " + committed());
  }

  @Test
  void theTransformsRunBeforeTheSinkOnTheEnvelope() throws Exception {
    ScriptedSink sink = start("{}", "  - uses: infinyon/jolt@0.3.0\n    with:\n      spec:\n"
        + "        - operation: remove\n          spec: {timestamp: \"\"}\n"
        + "        - operation: shift\n          spec: {event: \"events[0]\"}\n", Map.of());
    task.put(records(P0, 0, 1));
    ScriptedSink.Call call = sink.nextCall();
    assertThat(call.batch.get(0).value().toString())
        .isEqualTo("{\"events\":[{\"event_type\":\"click\",\"user_id\":\"user-0\",\"n\":0}]}");
  }

  @Test
  void rejectedRecordsGoToTheErrantReporterWithTheReasonInHeadersThenAreCommitted() throws Exception {
    ScriptedSink sink = start("{}");
    task.put(records(P0, 0, 3));
    Outcome d = Outcome.delivered();
    sink.nextCall().answer(d, Outcome.rejected("HTTP 400: events[0].user_id: invalid id length"), d);

    Await.until(WAIT, () -> committed().get(P0) == 3L, () -> "committed " + committed());
    assertThat(context.reported).singleElement().satisfies(r -> {
      assertThat(r.record.kafkaOffset()).isEqualTo(1);
      assertThat(r.header(TaskDelivery.REASON_HEADER)).isEqualTo("HTTP 400: events[0].user_id: invalid id length");
      assertThat(r.header(TaskDelivery.STAGE_HEADER)).isEqualTo("sink");
      assertThat(r.header(Envelopes.ID_HEADER)).isEqualTo("id-0-1");
      assertThat(r.error).hasMessageContaining("invalid id length");
      assertThat(new String((byte[]) r.record.value(), StandardCharsets.UTF_8)).contains("\"n\":1");
    });
  }

  @Test
  void untransformableAndUnreadableRecordsGoToTheReporterAndTheRestIsDelivered() throws Exception {
    ScriptedSink sink = start("{}", "  - uses: poison\n", Map.of());
    List<SinkRecord> batch = new ArrayList<>(records(P0, 0, 1));
    batch.add(record(P0, 1, "{\"id\":\"id-0-1\",\"timestamp\":\"2026-12-01T10:00:00Z\",\"event\":{\"poison\":true}}", "id-0-1"));
    batch.add(record(P0, 2, "this is not json", null));
    batch.add(record(P0, 3, null, null));
    task.put(batch);

    ScriptedSink.Call call = sink.nextCall();
    assertThat(call.batch).extracting(r -> r.id()).containsExactly("id-0-0");
    call.answer(Outcome.delivered());
    Await.until(WAIT, () -> committed().get(P0) == 4L, () -> "committed " + committed());
    assertThat(context.reported).extracting(r -> r.record.kafkaOffset()).containsExactly(1L, 2L, 3L);
    assertThat(context.reported).extracting(r -> r.header(TaskDelivery.STAGE_HEADER))
        .containsExactly("transform", "convert", "convert");
    assertThat(context.reported.get(0).header(TaskDelivery.REASON_HEADER)).isEqualTo("transform #1 (poison): poisoned event");
    assertThat(context.reported.get(1).header(TaskDelivery.REASON_HEADER)).startsWith("the value is not JSON");
    assertThat(context.reported.get(2).header(TaskDelivery.REASON_HEADER)).contains("tombstone");
  }

  @Test
  void anOutagePausesThePartitionsBacksOffAndResumesWithoutFailingTheTask() throws Exception {
    ScriptedSink sink = start("{}", "", Map.of(ConnectSettings.BACKOFF_MIN, "200", ConnectSettings.BACKOFF_MAX, "200"));
    List<SinkRecord> both = new ArrayList<>(records(P0, 0, 2));
    both.addAll(records(P1, 0, 2));
    task.put(both); // one put: the four records travel in one batch, every attempt
    // Connection refused, 503, 429: all reach the task as "retry later".
    sink.nextCall().answerAll(Outcome.retryLater());
    Await.until(WAIT, () -> {
      task.put(List.of()); // the worker calls put on every poll, records or not
      return context.paused.containsAll(List.of(P0, P1));
    }, () -> "not paused while backing off");
    for (int failed = 1; failed < 4; failed++) {
      sink.nextCall().answerAll(Outcome.retryLater());
      task.put(List.of());
    }
    sink.nextCall().answerAll(Outcome.delivered());
    Await.until(WAIT, () -> {
      task.put(List.of());
      return context.paused.isEmpty() && committed().get(P0) == 2L && committed().get(P1) == 2L;
    }, () -> "paused " + context.paused + ", committed " + committed());
    assertThat(context.resumes).isGreaterThan(0);
    assertThat(task.delivery().counts()[2]).as("records retried").isEqualTo(4 * 4);
  }

  @Test
  void retryAfterIsHonouredAndHoldsTheRecord() throws Exception {
    ScriptedSink sink = start("{}");
    task.put(records(P0, 0, 1));
    sink.nextCall().answer(Outcome.retryAfter(Duration.ofHours(1)));
    Await.until(WAIT, () -> task.delivery().holding().compareTo(Duration.ofMinutes(59)) > 0,
        () -> "holding " + task.delivery().holding());
    task.put(List.of());
    assertThat(context.paused).containsExactlyInAnyOrder(P0, P1);
    assertThat(committed()).containsEntry(P0, 0L);
    assertThat(sink.calls).isEmpty();
  }

  @Test
  void memoryIsBoundedByPausingWhenTooManyRecordsAreInHand() throws Exception {
    ScriptedSink sink = start("{max_batch: 5}", "", Map.of(ConnectSettings.MAX_BUFFERED, "10"));
    task.put(records(P0, 0, 12));
    assertThat(context.paused).containsExactlyInAnyOrder(P0, P1);

    sink.nextCall().answerAll(Outcome.delivered());
    sink.nextCall().answerAll(Outcome.delivered());
    Await.until(WAIT, () -> {
      task.put(List.of());
      return context.paused.isEmpty();
    }, () -> task.delivery().buffered() + " in hand, paused " + context.paused);
    sink.nextCall().answerAll(Outcome.delivered());
    Await.until(WAIT, () -> committed().get(P0) == 12L, () -> "committed " + committed());
  }

  @Test
  void aRevokedPartitionIsDroppedAndNoLongerCommitted() throws Exception {
    ScriptedSink sink = start("{max_batch: 2}");
    task.put(records(P0, 0, 2));
    task.put(records(P1, 0, 2));
    ScriptedSink.Call p0 = sink.nextCall();
    task.close(List.of(P1));
    task.put(List.of());
    p0.answerAll(Outcome.delivered());

    Await.until(WAIT, () -> committed().getOrDefault(P0, -1L) == 2L, () -> "committed " + committed());
    assertThat(committed()).doesNotContainKey(P1);
    Await.until(WAIT, () -> task.delivery().buffered() == 0, () -> task.delivery().buffered() + " in hand");
    assertThat(sink.calls).as("P1's queued records were dropped, not sent").isEmpty();
  }

  @Test
  void startingWithoutADeadLetterTopicFailsWithWhatToSet() {
    context.withReporter = false;
    task.initialize(context);
    assertThatThrownBy(() -> task.start(Map.of(ConnectSettings.CONNECTOR_YAML,
        "apiVersion: 0.1.0\nmeta: {name: t, type: scripted-sink, topic: t}\n")))
        .isInstanceOf(ConnectException.class)
        .hasMessageContaining("errors.deadletterqueue.topic.name")
        .hasMessageContaining("errors.tolerance=all");
  }

  private Map<TopicPartition, Long> committed() {
    Map<TopicPartition, OffsetAndMetadata> current = new HashMap<>();
    current.put(P0, new OffsetAndMetadata(0));
    current.put(P1, new OffsetAndMetadata(0));
    Map<TopicPartition, Long> result = new HashMap<>();
    task.preCommit(current).forEach((tp, o) -> result.put(tp, o.offset()));
    return result;
  }

  static List<SinkRecord> records(TopicPartition tp, int from, int count) {
    List<SinkRecord> records = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      String id = "id-" + tp.partition() + "-" + i;
      String value = "{\"id\":\"" + id + "\",\"timestamp\":\"2026-12-01T10:00:00Z\",\"event\":"
          + "{\"event_type\":\"click\",\"user_id\":\"user-" + i + "\",\"n\":" + i + "}}";
      records.add(record(tp, i, value, id));
    }
    return records;
  }

  static SinkRecord record(TopicPartition tp, long offset, String value, String id) {
    ConnectHeaders headers = new ConnectHeaders();
    if (id != null) headers.addBytes(Envelopes.ID_HEADER, id.getBytes(StandardCharsets.UTF_8));
    return new SinkRecord(tp.topic(), tp.partition(), null, null, null,
        value == null ? null : value.getBytes(StandardCharsets.UTF_8), offset, 1764583200000L,
        org.apache.kafka.common.record.TimestampType.CREATE_TIME, headers);
  }
}
