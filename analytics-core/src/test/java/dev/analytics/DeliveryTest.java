package dev.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.util.RawValue;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.analytics.spi.DeadLetter;
import dev.analytics.spi.Listener;
import dev.analytics.spi.Outcome;
import dev.analytics.spi.Record;
import dev.analytics.spi.Sink;
import dev.analytics.spi.Transform;
import dev.analytics.spi.TransformException;
import dev.analytics.testing.Await;
import dev.analytics.testing.RecordingSink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeliveryTest {
  @TempDir Path dir;

  private Analytics.Builder fastRetries() {
    return Analytics.builder().directory(dir).retryBackoff(Duration.ofMillis(2), Duration.ofMillis(20));
  }

  @Test
  void aTransformFailingWithAnErrorIsRunAgainAndNothingIsLostReorderedOrDeadLettered() throws Exception {
    AtomicInteger errorsLeft = new AtomicInteger(3);
    Transform flaky = value -> {
      // A plugin's failed assertion or a missing class: not the record's fault.
      if (errorsLeft.getAndDecrement() > 0) throw new AssertionError("plugin bug, for now");
      return value;
    };
    RecordingSink sink = new RecordingSink();
    List<String> ids = new ArrayList<>();
    try (Analytics analytics = fastRetries().sink("a", sink, flaky).build()) {
      for (int i = 0; i < 20; i++) ids.add(analytics.emit(Map.of("i", i)));
      assertThat(analytics.flush(Duration.ofSeconds(30))).as("flushed: the batch was not left behind").isTrue();
      assertThat(analytics.stats().deadLettered()).isZero();
    }
    assertThat(errorsLeft.get()).isNegative();
    assertThat(sink.deliveredIds()).containsExactlyElementsOf(ids);
  }

  @Test
  void startUpRaceEventsEmittedBeforeTheEndpointIsUpAreAllDelivered() throws Exception {
    Map<String, AtomicInteger> refusals = new ConcurrentHashMap<>();
    RecordingSink sink = new RecordingSink().respondWith(r -> {
      refusals.computeIfAbsent(r.id(), id -> new AtomicInteger()).incrementAndGet();
      return Outcome.retryLater(); // "connection refused": the endpoint is not up yet
    });
    List<String> ids = new ArrayList<>();
    try (Analytics analytics = fastRetries().sink("a", sink).build()) {
      for (int i = 0; i < 500; i++) ids.add(analytics.emit(Map.of("i", i)));
      // Many failed attempts, far beyond any retry limit: counted for the oldest record, which every
      // attempt carries. (A count of refused records summed over batches made this take 2000 attempts
      // of ~20 ms when the dispatcher's first batch held one record: 32 s of the 60 s deadline on a
      // lightly loaded machine.)
      String oldest = ids.get(0);
      Await.until(Duration.ofSeconds(60), () -> refusals.getOrDefault(oldest, new AtomicInteger()).get() >= 100,
          () -> "the oldest record refused 100 times; refused " + refusals.getOrDefault(oldest, new AtomicInteger()));
      assertThat(analytics.stats().queuedRecords()).isEqualTo(500);
      assertThat(analytics.stats().retried()).isPositive();
      sink.respondWith(RecordingSink.DELIVER); // the endpoint comes up
      for (int i = 500; i < 600; i++) ids.add(analytics.emit(Map.of("i", i)));
      assertThat(analytics.flush(Duration.ofSeconds(20))).isTrue();
      assertThat(analytics.stats().delivered()).isEqualTo(600);
      assertThat(analytics.stats().deadLettered()).isZero();
    }
    assertThat(sink.deliveredIds()).containsExactlyElementsOf(ids);
  }

  @Test
  void retryAfterFromTheSinkDelaysTheRetry() throws Exception {
    List<Long> attempts = new CopyOnWriteArrayList<>();
    RecordingSink sink = new RecordingSink().respondWith(r -> {
      attempts.add(System.nanoTime());
      return attempts.size() == 1 ? Outcome.retryAfter(Duration.ofMillis(300)) : Outcome.delivered();
    });
    try (Analytics analytics = fastRetries().sink("a", sink).build()) {
      analytics.emit(Map.of("a", 1));
      assertThat(analytics.flush(Duration.ofSeconds(10))).isTrue();
    }
    assertThat(attempts).hasSize(2);
    assertThat(attempts.get(1) - attempts.get(0)).isGreaterThanOrEqualTo(Duration.ofMillis(300).toNanos());
  }

  @Test
  void rejectedAndUntransformableRecordsAreDeadLetteredWithReasonsAndCanBeReplayed() throws Exception {
    RecordingSink sink = new RecordingSink().respondWith(r ->
        r.value().path("event").path("bad").asBoolean() ? Outcome.rejected("400: invalid field bad") : Outcome.delivered());
    Transform failsOnPoison = value -> {
      if (value.path("event").has("poison")) throw new TransformException("step 1 (shift): poison found");
      ObjectNode copy = value.deepCopy();
      copy.put("transformed", true);
      return copy;
    };
    List<DeadLetter> heard = new CopyOnWriteArrayList<>();
    Listener listener = new Listener() {
      @Override
      public void onDeadLetter(DeadLetter letter) {
        heard.add(letter);
      }
    };
    String good;
    String rejected;
    String poison;
    try (Analytics analytics = fastRetries().listener(listener).sink("a", sink, failsOnPoison).build()) {
      good = analytics.emit(Map.of("ok", 1));
      rejected = analytics.emit(Map.of("bad", true));
      poison = analytics.emit(Map.of("poison", 1));
      assertThat(analytics.flush(Duration.ofSeconds(10))).isTrue();
      assertThat(analytics.stats().deadLettered()).isEqualTo(2);
      assertThat(analytics.stats().queuedRecords()).isZero();

      List<DeadLetter> letters = analytics.deadLetters().list();
      // The transform failure is dead-lettered when read, the rejection when the sink answers: either may be first.
      assertThat(letters).extracting(DeadLetter::id).containsExactlyInAnyOrder(poison, rejected);
      DeadLetter first = letters.stream().filter(l -> l.id().equals(rejected)).findFirst().orElseThrow();
      assertThat(first.sink()).isEqualTo("a");
      assertThat(first.reason()).isEqualTo("400: invalid field bad");
      assertThat(first.envelope().path("event").path("bad").asBoolean()).isTrue();
      assertThat(first.transformed()).hasValueSatisfying(t -> assertThat(t.path("transformed").asBoolean()).isTrue());
      DeadLetter second = letters.stream().filter(l -> l.id().equals(poison)).findFirst().orElseThrow();
      assertThat(second.reason()).contains("transform #1").contains(poison).contains("poison found");
      assertThat(second.transformed()).isEmpty();

      // The receiver is fixed: replay the rejected one; it goes out again with the same id.
      sink.respondWith(RecordingSink.DELIVER);
      assertThat(analytics.deadLetters().replay(l -> l.id().equals(rejected))).isEqualTo(1);
      assertThat(analytics.flush(Duration.ofSeconds(10))).isTrue();
      assertThat(analytics.deadLetters().list()).extracting(DeadLetter::id).containsExactly(poison);
      assertThat(analytics.deadLetters().purge(l -> true)).isEqualTo(1);
      assertThat(analytics.deadLetters().list()).isEmpty();
    }
    assertThat(sink.deliveredIds()).containsExactly(good, rejected);
    JsonNode replayed = sink.delivered().get(1).value();
    assertThat(replayed.path("id").asText()).isEqualTo(rejected);
    // The listener runs on its own thread.
    Await.until(Duration.ofSeconds(10), () -> heard.size() >= 2, "two dead letters heard");
    assertThat(heard).extracting(DeadLetter::id).containsExactlyInAnyOrder(poison, rejected);
  }

  @Test
  void deadLettersSurviveARestart() throws Exception {
    RecordingSink sink = new RecordingSink().respondWith(r -> Outcome.rejected("nope"));
    String id;
    try (Analytics analytics = fastRetries().sink("a", sink).build()) {
      id = analytics.emit(Map.of("a", 1));
      assertThat(analytics.flush(Duration.ofSeconds(10))).isTrue();
    }
    try (Analytics analytics = fastRetries().sink("a", new RecordingSink()).build()) {
      assertThat(analytics.deadLetters().list()).extracting(DeadLetter::id).containsExactly(id);
    }
  }

  /**
   * Valid JSON may hold line breaks between tokens: an event with a raw value written on several lines
   * is kept as its stored bytes, and a mapper that indents writes letters on several lines. The file
   * holds one letter per line; each must stay listable and replayable.
   */
  @Test
  void aDeadLetterWhoseJsonHoldsLineBreaksStaysListableAndReplayable() throws Exception {
    ObjectMapper indenting = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    for (ObjectMapper mapper : List.of(new ObjectMapper(), indenting)) {
      Path directory = Files.createTempDirectory(dir, "letters");
      RecordingSink sink = new RecordingSink().respondWith(r -> Outcome.rejected("nope"));
      try (Analytics analytics = Analytics.builder().directory(directory).objectMapper(mapper)
          .retryBackoff(Duration.ofMillis(2), Duration.ofMillis(20)).sink("a", sink).build()) {
        String id = analytics.emit(Map.of("raw", new RawValue("{\n  \"a\": [1,\r\n 2]\n}")));
        assertThat(analytics.flush(Duration.ofSeconds(10))).isTrue();
        List<DeadLetter> letters = analytics.deadLetters().list();
        assertThat(letters).extracting(DeadLetter::id).containsExactly(id);
        assertThat(letters.get(0).envelope().get("event"))
            .isEqualTo(new ObjectMapper().readTree("{\"raw\":{\"a\":[1,2]}}"));
        sink.respondWith(RecordingSink.DELIVER);
        assertThat(analytics.deadLetters().replayAll()).isEqualTo(1);
        assertThat(analytics.flush(Duration.ofSeconds(10))).isTrue();
        assertThat(sink.deliveredIds()).containsExactly(id);
      }
    }
  }

  @Test
  void aFullDeadLetterLogHoldsRecordsInsteadOfDroppingThem() throws Exception {
    // One record per batch, so the dead-letter log fills letter by letter (a batch is written whole or not at all).
    RecordingSink sink = new RecordingSink().maxBatchRecords(1)
        .respondWith(r -> Outcome.rejected("400: bad " + "x".repeat(200)));
    List<String> ids = new ArrayList<>();
    try (Analytics analytics = fastRetries().maxDeadLetterBytes(4096).closeTimeout(Duration.ZERO)
        .sink("a", sink).build()) {
      for (int i = 0; i < 40; i++) ids.add(analytics.emit(Map.of("i", i)));
      assertThat(analytics.flush(Duration.ofMillis(500))).isFalse();
      // The dispatcher may still be writing letters 500 ms in (an fsync each, on a busy disk): wait until
      // a record's letter did not fit and the record was sent again. From then on, the one batch the
      // window holds is that record, retried, so the letters, the counter and the cursor stand still.
      Await.until(Duration.ofSeconds(30), () -> sink.sent().size() > sink.sent().stream().map(Record::id).distinct().count(),
          () -> "a record sent again because its letter did not fit; " + analytics.deadLetters().list().size() + " letters");
      long kept = analytics.deadLetters().list().size();
      assertThat(kept).isPositive().isLessThan(40);
      assertThat(analytics.stats().deadLettered()).isEqualTo(kept);
      assertThat(analytics.stats().queuedRecords()).isEqualTo(40 - kept); // held, not lost
      // Purging makes room: the rest are dead-lettered in turn.
      analytics.deadLetters().purge(l -> true);
      sink.respondWith(RecordingSink.DELIVER);
      assertThat(analytics.flush(Duration.ofSeconds(10))).isTrue();
      assertThat(analytics.stats().deadLettered() + sink.delivered().size()).isEqualTo(40);
    }
  }

  @Test
  void outOfOrderCompletionsStillAdvanceTheCursorInOrder() throws Exception {
    List<CompletableFuture<List<Outcome>>> pending = new CopyOnWriteArrayList<>();
    List<List<Record>> batches = new CopyOnWriteArrayList<>();
    Sink async = new Sink() {
      @Override
      public synchronized CompletionStage<List<Outcome>> send(List<Record> batch) {
        if (pending.size() == 3) {
          // Records emitted after the first three batches were read: the test controls only those three.
          return CompletableFuture.completedFuture(delivered(batch.size()));
        }
        CompletableFuture<List<Outcome>> future = new CompletableFuture<>();
        batches.add(batch);
        pending.add(future);
        return future;
      }

      @Override
      public int maxBatchRecords() {
        return 10;
      }

      @Override
      public int maxInFlight() {
        return 3;
      }
    };
    try (Analytics analytics = fastRetries().closeTimeout(Duration.ZERO).sink("a", async).build()) {
      for (int i = 0; i < 30; i++) analytics.emit(Map.of("i", i));
      Await.until(Duration.ofSeconds(10), () -> pending.size() >= 3, "three batches in flight");
      assertThat(batches).hasSize(3); // the window holds three batches in flight
      // The last two finish first: nothing is acknowledged until the first one does.
      pending.get(2).complete(delivered(batches.get(2).size()));
      pending.get(1).complete(delivered(batches.get(1).size()));
      assertThat(analytics.flush(Duration.ofMillis(100))).isFalse(); // the first batch holds the cursor
      assertThat(analytics.stats().queuedRecords()).isEqualTo(30);
      pending.get(0).complete(delivered(batches.get(0).size()));
      assertThat(analytics.flush(Duration.ofSeconds(5))).isTrue();
      assertThat(analytics.stats().queuedRecords()).isZero();
    }
  }

  @Test
  void deliveredSegmentsAreDeletedAndDiskStaysBounded() throws Exception {
    RecordingSink sink = new RecordingSink().maxBatchRecords(1000);
    try (Analytics analytics = Analytics.builder().directory(dir).segmentBytes(64 * 1024)
        .maxDiskBytes(256 * 1024).sink("a", sink).build()) {
      for (int i = 0; i < 20_000; i++) analytics.emit(Map.of("i", i, "pad", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"));
      assertThat(analytics.flush(Duration.ofSeconds(20))).isTrue();
      // flush() returns once the cursor has passed the records; the dispatcher then asks the log to
      // delete the delivered segments, a moment later.
      Await.until(Duration.ofSeconds(10), () -> segmentFiles() <= 2, () -> segmentFiles() + " segment files");
    }
    assertThat(sink.delivered()).hasSize(20_000);
  }

  private long segmentFiles() {
    try (Stream<Path> files = Files.list(dir.resolve("log"))) {
      return files.filter(p -> p.toString().endsWith(".seg")).count();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static List<Outcome> delivered(int n) {
    List<Outcome> outcomes = new ArrayList<>();
    for (int i = 0; i < n; i++) outcomes.add(Outcome.delivered());
    return outcomes;
  }
}
