package dev.analytics.internal.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.analytics.testing.Await;
import dev.analytics.testsupport.FaultyStorage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link EventLog#appendAsync} when every append is synced (SYNC): a future completes only once an fsync that began after its
 * record was written has finished, in record order, sharing fsyncs; a failed fsync fails it the way a
 * blocking append fails. The fsyncs are held at a gate in the storage, so "not yet" is a fact, not a
 * race.
 */
class AppendAsyncTest {
  private static final byte[] EVENT = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path dir;
  private final FaultyStorage storage = new FaultyStorage();
  private final AtomicInteger syncsStarted = new AtomicInteger();
  private final CountDownLatch gate = new CountDownLatch(1);
  private EventLog log;

  private EventLog open(boolean syncEachAppend) throws IOException {
    storage.beforeSync = () -> {
      syncsStarted.incrementAndGet();
      try {
        if (!gate.await(WAIT.toSeconds(), TimeUnit.SECONDS)) throw new IOException("gate never opened");
      } catch (InterruptedException e) {
        throw new java.io.InterruptedIOException();
      }
    };
    log = EventLog.open(new EventLog.Options(dir)
        .sizes(64 * 1024, 1 << 20)
        .whenFull(WhenLogFull.BLOCK, Duration.ofSeconds(1))
        .syncEachAppend(syncEachAppend)
        .storage(storage), 0);
    return log;
  }

  @AfterEach
  void close() throws IOException {
    gate.countDown();
    if (log != null) log.close();
  }

  @Test
  void completesOnlyAfterTheFsyncThatCoversIt() throws Exception {
    open(true);
    CompletableFuture<String> ack = log.appendAsync(EVENT);

    Await.until(WAIT, () -> syncsStarted.get() == 1, "an fsync started");
    assertThat(log.nextSeq()).as("written before its fsync").isEqualTo(1);
    assertThat(ack).as("not done while its fsync is held").isNotDone();

    gate.countDown();
    assertThat(ack.get(WAIT.toSeconds(), TimeUnit.SECONDS)).matches("[0-9a-f]{8}-[0-9a-f]{4}-7.*");
  }

  @Test
  void pipelinedAppendsShareOneFsyncAndCompleteInOrder() throws Exception {
    open(true);
    List<String> completed = new CopyOnWriteArrayList<>();
    List<CompletableFuture<String>> acks = new ArrayList<>();
    acks.add(log.appendAsync(EVENT));
    Await.until(WAIT, () -> syncsStarted.get() == 1, "the first fsync started");
    for (int i = 0; i < 100; i++) acks.add(log.appendAsync(EVENT)); // while it is held
    for (CompletableFuture<String> ack : acks) ack.thenAccept(completed::add);
    assertThat(acks).allMatch(ack -> !ack.isDone());

    gate.countDown();
    CompletableFuture.allOf(acks.toArray(new CompletableFuture[0])).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(syncsStarted.get()).as("fsyncs for 101 records").isEqualTo(2);
    List<String> ids = new ArrayList<>();
    for (CompletableFuture<String> ack : acks) ids.add(ack.get());
    assertThat(ids).isSorted().doesNotHaveDuplicates();
    // A future's own callbacks may still be running when allOf's fired.
    Await.until(WAIT, () -> completed.size() == ids.size(), "every callback ran");
    assertThat(completed).containsExactlyElementsOf(ids);
  }

  @Test
  void aFailedFsyncFailsTheFutureAsItFailsABlockingAppend() throws Exception {
    open(true);
    gate.countDown();
    storage.failSync.set(true);
    Throwable blocking = catchThrowable(() -> log.append(EVENT));
    CompletableFuture<String> ack = log.appendAsync(EVENT);

    Throwable async = catchThrowable(() -> ack.get(WAIT.toSeconds(), TimeUnit.SECONDS));
    assertThat(async).isInstanceOf(ExecutionException.class);
    assertThat(async.getCause()).isInstanceOf(UncheckedIOException.class).hasSameClassAs(blocking)
        .hasMessageContaining("fsync").hasMessageContaining("not known to be durable");

    storage.failSync.set(false);
    assertThat(log.appendAsync(EVENT).get(WAIT.toSeconds(), TimeUnit.SECONDS)).as("a later record").isNotNull();
  }

  @Test
  void withoutSyncEachAppendItIsDoneWhenTheAppendReturnsWithoutAnFsync() throws Exception {
    open(false);
    CompletableFuture<String> ack = log.appendAsync(EVENT);
    assertThat(ack).isDone();
    assertThat(ack.get()).isNotNull();
    assertThat(syncsStarted.get()).isZero();
  }
}
