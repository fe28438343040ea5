package dev.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.analytics.spi.Outcome;
import dev.analytics.testing.Await;
import dev.analytics.testing.RecordingSink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LifecycleTest {
  @TempDir Path dir;

  @Test
  void aSlowListenerHasHeardEverythingWhenCloseReturns() throws Exception {
    java.util.concurrent.atomic.AtomicInteger heard = new java.util.concurrent.atomic.AtomicInteger();
    dev.analytics.spi.Listener slow = new dev.analytics.spi.Listener() {
      @Override
      public void onDelivered(String sink, int records, Duration oldest, Duration newest) {
        try {
          Thread.sleep(1_500); // a listener doing slow work (a remote metrics call) on its thread
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        heard.addAndGet(records);
      }
    };
    try (Analytics analytics = Analytics.builder().directory(dir).listener(slow).sink("a", new RecordingSink()).build()) {
      analytics.emit(Map.of("n", 1));
      assertThat(analytics.flush(Duration.ofSeconds(10))).isTrue();
    }
    assertThat(heard.get()).as("the delivered call made before close() returned").isEqualTo(1);
  }

  @Test
  void secondInstanceOnTheSameDirectoryGetsAClearError() {
    try (Analytics first = Analytics.builder().directory(dir).sink("a", new RecordingSink()).build()) {
      assertThatThrownBy(() -> Analytics.builder().directory(dir).sink("a", new RecordingSink()).build())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining(dir.toString())
          .hasMessageContaining("in use by another live Analytics instance");
      assertThat(first.emit(Map.of("still", "works"))).isNotNull();
    }
    // Released on close: a new instance opens.
    try (Analytics again = Analytics.builder().directory(dir).sink("a", new RecordingSink()).build()) {
      assertThat(again.directory()).isEqualTo(dir);
    }
  }

  @Test
  void misuseThrowsAtOnceWithAMessageThatSaysWhatToFix() {
    RecordingSink sink = new RecordingSink();
    Analytics analytics = Analytics.builder().directory(dir).maxRecordBytes(200).sink("a", sink).build();
    assertThatThrownBy(() -> analytics.emit(null)).isInstanceOf(NullPointerException.class).hasMessage("event == null");
    Map<String, Object> cyclic = new HashMap<>();
    cyclic.put("self", cyclic);
    assertThatThrownBy(() -> analytics.emit(cyclic)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot be serialized");
    assertThatThrownBy(() -> analytics.emit("{not json")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not valid JSON");
    assertThatThrownBy(() -> analytics.emit("{\"a\":1} trailing")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not valid JSON");
    assertThatThrownBy(() -> analytics.emit("[1,2]")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be a JSON object");
    assertThatThrownBy(() -> analytics.emit(new Object())).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("java.lang.Object");
    assertThatThrownBy(() -> analytics.emit(Map.of("big", "x".repeat(300)))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("exceeds maxRecordBytes 200");
    analytics.close();
    analytics.close(); // idempotent
    assertThatThrownBy(() -> analytics.emit(Map.of("a", 1))).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    assertThat(sink.sent()).isEmpty();
  }

  @Test
  void builderRejectsBadSettingsWithTheValue() {
    assertThatThrownBy(() -> Analytics.builder().maxDiskBytes(10)).hasMessage("maxDiskBytes < 131072: 10");
    assertThatThrownBy(() -> Analytics.builder().syncInterval(Duration.ZERO)).hasMessageContaining("syncInterval out of range");
    assertThatThrownBy(() -> Analytics.builder().retryBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .hasMessageContaining("max < initial");
    assertThatThrownBy(() -> Analytics.builder().sink("bad name!", new RecordingSink())).hasMessageContaining("bad name!");
    assertThatThrownBy(() -> Analytics.builder().sink("a", new RecordingSink()).sink("a", new RecordingSink()))
        .hasMessage("duplicate sink name: a");
    assertThatThrownBy(() -> Analytics.builder().sink("a", new RecordingSink()).build())
        .isInstanceOf(IllegalStateException.class).hasMessage("directory is required");
    assertThatThrownBy(() -> Analytics.builder().directory(dir).build())
        .isInstanceOf(IllegalStateException.class).hasMessage("at least one sink is required");
    assertThatThrownBy(() -> Analytics.builder().directory(dir).maxDiskBytes(200_000).segmentBytes(128 * 1024)
        .sink("a", new RecordingSink()).build()).hasMessageContaining("at least two segments");
  }

  @Test
  void filesAreReadableByTheOwnerOnly() throws Exception {
    try (Analytics analytics = Analytics.builder().directory(dir).sink("a", new RecordingSink()).build()) {
      analytics.emit(Map.of("a", 1));
      analytics.flush(Duration.ofSeconds(5));
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path path : (Iterable<Path>) files::iterator) {
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path);
        assertThat(permissions).as(path.toString())
            .doesNotContain(PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ,
                PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);
      }
    }
  }

  @Test
  void closeUnderLoadLosesNothingAcceptedAndRefusesTheRest() throws Exception {
    RecordingSink slow = new RecordingSink().maxBatchRecords(50);
    slow.respondWith(r -> r.value().path("event").path("n").asInt() % 3 == 0 ? Outcome.retryLater() : Outcome.delivered());
    Set<String> accepted = ConcurrentHashMap.newKeySet();
    AtomicBoolean refusedAfterClose = new AtomicBoolean();
    Analytics analytics = Analytics.builder().directory(dir).closeTimeout(Duration.ofMillis(50))
        .sink("a", slow).build();
    CountDownLatch started = new CountDownLatch(4);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      Thread thread = new Thread(() -> {
        started.countDown();
        for (int n = 0; ; n++) {
          try {
            accepted.add(analytics.emit(Map.of("t", Thread.currentThread().getName(), "n", n)));
            java.util.concurrent.locks.LockSupport.parkNanos(100_000); // a busy service, not a tight loop
          } catch (IllegalStateException e) {
            refusedAfterClose.set(true);
            return;
          }
        }
      });
      threads.add(thread);
      thread.start();
    }
    started.await();
    // Close while the emitters are busy: once each has had some of its events accepted.
    Await.until(Duration.ofSeconds(30), () -> accepted.size() >= 400, "400 events accepted before close");
    analytics.close();
    for (Thread thread : threads) thread.join(10_000);
    assertThat(refusedAfterClose).isTrue();
    // Whatever close() left undelivered is on disk and delivered by the next instance.
    RecordingSink next = new RecordingSink().maxBatchRecords(1000);
    try (Analytics reopened = Analytics.builder().directory(dir).sink("a", next).build()) {
      assertThat(reopened.flush(Duration.ofSeconds(30))).isTrue();
    }
    Set<String> delivered = ConcurrentHashMap.newKeySet();
    delivered.addAll(slow.deliveredIds());
    delivered.addAll(next.deliveredIds());
    assertThat(delivered).containsAll(accepted);
    assertThat(accepted).isNotEmpty();
  }

  @Test
  void shutdownHookIsRegisteredAndRemovedOnClose() {
    Analytics analytics = Analytics.builder().directory(dir).shutdownHook(true).sink("a", new RecordingSink()).build();
    analytics.close();
    // A second instance on the same directory proves the hook's close released everything.
    try (Analytics again = Analytics.builder().directory(dir).sink("a", new RecordingSink()).build()) {
      assertThat(again.emit(Map.of("x", 1))).isNotNull();
    }
  }
}
