package dev.analytics.durability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.analytics.Durability;
import dev.analytics.internal.Engine;
import dev.analytics.spi.Listener;
import dev.analytics.testing.Await;
import dev.analytics.testing.RecordingSink;
import dev.analytics.testsupport.Engines;
import dev.analytics.testsupport.FaultyStorage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Guarantee 2's other half: a failing fsync or a full disk is surfaced (an exception from the emit that
 * could not be made durable, {@code stats().storageErrors()}, {@code Listener.onStorageError}), never
 * swallowed and never reported as accepted; what was accepted before is still delivered.
 */
class StorageFaultTest {
  @TempDir Path dir;
  private final FaultyStorage storage = new FaultyStorage();
  private final List<IOException> heard = new CopyOnWriteArrayList<>();
  private final RecordingSink sink = new RecordingSink();

  private Engine open(Durability durability) {
    Engines.Settings settings = new Engines.Settings();
    settings.durability = durability;
    settings.listener = new Listener() {
      @Override
      public void onStorageError(IOException error) {
        heard.add(error);
      }
    };
    return Engines.open(dir, storage, settings, "test", sink);
  }

  @Test
  void aFailingFsyncInSyncModeFailsTheEmitAndIsReported() {
    Engine engine = open(Durability.SYNC);
    List<String> accepted = new ArrayList<>();
    for (int i = 0; i < 10; i++) accepted.add(engine.emit(Map.of("before", i)));
    assertThat(engine.stats().problems().storageErrors()).isZero();

    storage.failSync.set(true);
    assertThatThrownBy(() -> engine.emit(Map.of("during", 0)))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("fsync")
        .hasRootCauseMessage("Input/output error (injected fsync failure)");
    assertThat(engine.stats().problems().storageErrors()).isPositive();
    assertThat(storage.syncFailures.get()).isPositive();

    storage.failSync.set(false);
    for (int i = 0; i < 10; i++) accepted.add(engine.emit(Map.of("after", i)));
    assertThat(engine.flush(Duration.ofSeconds(20))).isTrue();
    engine.close(); // drains the listener, waiting for it for 5 s at most
    awaitHeard();
    assertThat(heard).isNotEmpty().allSatisfy(e -> assertThat(e).hasMessageContaining("injected fsync failure"));
    // The record whose fsync failed may still arrive (it was written, only not known durable); every
    // accepted one must, in order.
    assertThat(sink.deliveredIds()).containsSubsequence(accepted).hasSizeBetween(accepted.size(), accepted.size() + 1);
  }

  @Test
  void aFailingPeriodicFsyncIsReportedWhileEmitsGoOn() throws InterruptedException {
    Engines.Settings settings = new Engines.Settings();
    settings.syncInterval = Duration.ofMillis(5);
    settings.listener = new Listener() {
      @Override
      public void onStorageError(IOException error) {
        heard.add(error);
      }
    };
    Engine engine = Engines.open(dir, storage, settings, "test", sink);
    storage.failSync.set(true);
    List<String> accepted = new ArrayList<>();
    // emit() in PERIODIC durability never waits for an fsync; the background one fails and is reported.
    for (int i = 0; i < 20 && engine.stats().problems().storageErrors() == 0; i++) {
      accepted.add(engine.emit(Map.of("i", i)));
      for (int wait = 0; wait < 100 && engine.stats().problems().storageErrors() == 0; wait++) Thread.sleep(10);
    }
    assertThat(engine.stats().problems().storageErrors()).isPositive();
    storage.failSync.set(false);
    assertThat(engine.flush(Duration.ofSeconds(20))).isTrue();
    engine.close();
    awaitHeard();
    assertThat(heard).isNotEmpty();
    assertThat(sink.deliveredIds()).containsExactlyElementsOf(accepted);
  }

  @Test
  void aFullDiskFailsTheEmitThatNeedsANewSegmentAndKeepsWhatWasAccepted() {
    Engine engine = open(Durability.PERIODIC);
    storage.diskFull.set(true);
    List<String> accepted = new ArrayList<>();
    UncheckedIOException failure = null;
    // Each 64 KiB segment holds about 600 of these; a spare segment may have been made before the disk
    // filled, so the failure comes at the first or the second roll.
    for (int i = 0; i < 5_000 && failure == null; i++) {
      int n = i;
      failure = catchThrowableOfType(UncheckedIOException.class, () -> accepted.add(engine.emit(Map.of("i", n))));
    }
    assertThat(failure).as("emit() surfaces the full disk").isNotNull();
    assertThat(failure).hasMessageContaining("not accepted").hasRootCauseMessage("No space left on device");
    assertThat(accepted).hasSizeGreaterThan(400);
    assertThat(engine.stats().problems().storageErrors()).isPositive();
    // Still full: still refused, never half-accepted.
    assertThatThrownBy(() -> engine.emit(Map.of("still", "full"))).isInstanceOf(UncheckedIOException.class);

    assertThat(engine.flush(Duration.ofSeconds(20))).isTrue();
    assertThat(sink.deliveredIds()).as("everything accepted before the disk filled, nothing else")
        .containsExactlyElementsOf(accepted);

    storage.diskFull.set(false);
    String afterSpaceFreed = engine.emit(Map.of("space", "freed"));
    assertThat(engine.flush(Duration.ofSeconds(20))).isTrue();
    engine.close();
    assertThat(sink.deliveredIds()).hasSize(accepted.size() + 1).endsWith(afterSpaceFreed);
    Await.until(Duration.ofSeconds(10), () -> heard.stream().anyMatch(e -> "No space left on device".equals(e.getMessage())),
        () -> "the full disk heard: " + heard);
    assertThat(heard).anySatisfy(e -> assertThat(e).hasMessage("No space left on device"));
    Set<String> unique = new HashSet<>(sink.deliveredIds());
    assertThat(unique).hasSize(sink.deliveredIds().size());
  }

  /** The listener runs on its own thread; close() waits for it for 5 s at most. */
  private void awaitHeard() {
    Await.until(Duration.ofSeconds(10), () -> !heard.isEmpty(), "a storage error heard");
  }
}
