package dev.analytics.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.analytics.internal.incident.Incident;
import dev.analytics.internal.log.CursorStore;
import dev.analytics.internal.log.EventLog;
import dev.analytics.internal.log.FilePermissions;
import dev.analytics.internal.log.LogEvents;
import dev.analytics.internal.log.Storage;
import dev.analytics.internal.log.WhenLogFull;
import dev.analytics.spi.Listener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The running instance behind {@code dev.analytics.Analytics}: owns the directory lock, the event log, the
 * background syncer, one dispatcher per sink and the dead-letter log.
 *
 * <pre>
 * &lt;directory&gt;/.lock                          held while an instance is open
 * &lt;directory&gt;/log/&lt;seq&gt;.seg                   segments (see SegmentFormat)
 * &lt;directory&gt;/cursors/&lt;sink&gt;.cursor          per-sink checkpoints (see CursorStore)
 * &lt;directory&gt;/dead-letters/dead-letters.jsonl
 * </pre>
 */
// Why this class is long (~520 lines): it wires the pieces and owns their lifecycle (lock, log, syncer,
// dispatchers, close order), emits, flushes and reports stats over all sinks; its settings are EngineConfig.
public final class Engine {
  private static final System.Logger LOG = System.getLogger(Engine.class.getName());

  private final EngineConfig config;
  private final Path directory;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final ListenerRelay listener;
  private final EventLog log;
  private final CursorStore cursors;
  private final EventSerializer serializer;
  private final DeadLetterFile deadLetters;
  private final Counters counters = new Counters();
  private final List<Dispatcher> dispatchers = new ArrayList<>();
  private final Object progress = new Object();
  private final Thread syncer;
  private volatile boolean closed;
  private volatile boolean stopSyncer;
  private final java.util.concurrent.atomic.AtomicLong unreportedDropsNewest = new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong unreportedDropsOldest = new java.util.concurrent.atomic.AtomicLong();
  private Thread shutdownHook;
  /** Failed writes and fsyncs (a full disk): one line when they start, a summary a minute, one when they stop. */
  private final Incident storageIncident;
  private long storageErrorsAtLastSync;

  private Engine(EngineConfig config, FileChannel lockChannel, FileLock lock) throws IOException {
    this.config = config;
    this.directory = config.directory;
    this.lockChannel = lockChannel;
    this.lock = lock;
    this.storageIncident = new Incident(LOG, System.Logger.Level.ERROR, "event log " + config.directory
        + " storage errors", "emit() refuses the events it cannot write",
        config.clock, Incident.SUMMARY_EVERY);
    this.listener = new ListenerRelay(config.listener, directory.getFileName().toString());
    this.serializer = new EventSerializer(config.mapper);
    this.cursors = new CursorStore(directory.resolve("cursors"), config.storage);
    cursors.deleteTemporaryFiles();
    this.log = EventLog.open(new EventLog.Options(directory.resolve("log"))
        .sizes(config.segmentBytes, config.maxDiskBytes)
        .whenFull(config.whenFull, config.blockTimeout)
        .syncEachAppend(config.syncEachEmit)
        .clock(config.clock)
        .storage(config.storage)
        .events(new LogEventsToListener()), cursors.maxSeq());
    try {
      this.deadLetters = new DeadLetterFile(directory.resolve("dead-letters"), config.storage, config.mapper, log,
          config.maxDeadLetterBytes);
      createDispatchers(cursors);
    } catch (IOException | RuntimeException e) {
      try {
        log.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    log.release(minAcked());
    log.readPosition(this::minRead);
    log.onAppend(this::wakeDispatchers);
    this.syncer = new Thread(this::syncLoop, "analytics-log-syncer-" + directory.getFileName());
    this.syncer.setDaemon(true);
  }

  private void createDispatchers(CursorStore cursors) {
    Backoff backoff = new Backoff(config.retryInitial, config.retryMax, () -> ThreadLocalRandom.current().nextDouble());
    Dispatcher.Files files = new Dispatcher.Files(log, cursors, deadLetters);
    Dispatcher.Services services = new Dispatcher.Services(config.mapper, backoff, listener, config.clock,
        config.ticker, this::onProgress);
    long first = log.firstSeq();
    for (Route route : config.sinks) {
      long saved = cursors.read(route.name());
      long start = Math.max(saved < 0 ? first : saved, first);
      start = Math.min(start, log.nextSeq());
      dispatchers.add(new Dispatcher(route, start, files, services));
    }
  }

  /**
   * Takes the directory's lock, recovers the log and starts the dispatchers.
   *
   * @throws IllegalStateException if another live instance holds the directory
   */
  public static Engine open(EngineConfig config) {
    Path directory = config.directory;
    FileChannel lockChannel = null;
    try {
      checkDirectory(directory);
      Files.createDirectories(directory);
      FilePermissions.restrictDirectory(directory);
      checkFreeSpace(directory, config.segmentBytes);
      Path lockFile = directory.resolve(".lock");
      FilePermissions.createOwnerOnlyFile(lockFile);
      lockChannel = FileChannel.open(lockFile, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = lockChannel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        lockChannel.close();
        throw new IllegalStateException("directory " + directory + " is in use by another live Analytics instance "
            + "(lock file " + lockFile + " is held); use one instance per directory, or another directory");
      }
      Engine engine = new Engine(config, lockChannel, lock);
      engine.start();
      return engine;
    } catch (IOException e) {
      closeQuietly(lockChannel);
      throw new UncheckedIOException("cannot open analytics directory " + directory + ": " + e.getMessage(), e);
    } catch (RuntimeException | Error e) {
      closeQuietly(lockChannel); // releases the lock: a failed open must not lock the directory until exit
      throw e;
    }
  }

  /** Says what is wrong with a path that cannot be the log directory, before anything is created. */
  private static void checkDirectory(Path directory) throws IOException {
    if (Files.exists(directory) && !Files.isDirectory(directory)) {
      throw new java.nio.file.FileSystemException(directory.toString(), null, "is a file, not a directory");
    }
    for (Path parent = directory.toAbsolutePath().getParent(); parent != null; parent = parent.getParent()) {
      if (Files.exists(parent)) {
        if (!Files.isDirectory(parent)) {
          throw new java.nio.file.FileSystemException(directory.toString(), null, parent + " is a file, not a directory");
        }
        if (!Files.isWritable(parent) && !Files.exists(directory)) {
          throw new java.nio.file.AccessDeniedException(directory.toString(), null,
              "cannot be created: " + parent + " is not writable by this process");
        }
        return;
      }
    }
  }

  /** Two segments are the least the log writes (the active one and the next); fail now, not at the first roll. */
  private static void checkFreeSpace(Path directory, int segmentBytes) throws IOException {
    long usable = Files.getFileStore(directory).getUsableSpace();
    long needed = 2L * segmentBytes;
    boolean fresh;
    try (java.util.stream.Stream<Path> entries = Files.list(directory)) {
      fresh = entries.findAny().isEmpty();
    }
    if (fresh && usable < needed) {
      throw new IOException("needs " + mebibytes(needed) + " free for two segments of segmentBytes "
          + mebibytes(segmentBytes) + ", has " + mebibytes(usable) + "; free space, or lower segmentBytes");
    }
  }

  private static String mebibytes(long bytes) {
    return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
  }

  private void start() {
    // Counted before the dispatchers start: a fast sink could deliver the backlog before the line is written.
    Queue backlog = stats().backlog();
    long damaged = log.corruptSkipped();
    LOG.log(System.Logger.Level.INFO, "opened " + directory + ": " + backlog.records() + " record(s) queued from earlier runs"
        + (backlog.records() > 0 ? ", the oldest " + Incident.human(backlog.oldestAge()) + " old" : "")
        + (damaged > 0 ? ", " + damaged + " record(s) lost to damage skipped (see the warnings above)" : ""));
    syncer.start();
    for (Dispatcher dispatcher : dispatchers) dispatcher.start();
  }

  public String emit(Object event) {
    byte[] json = toRecordJson(event);
    String id;
    try {
      id = log.append(json);
    } catch (IllegalStateException e) {
      throw closedException();
    }
    if (id != null) counters.emitted.increment();
    return id;
  }

  /**
   * {@link #emit} without waiting for the fsync in SYNC: throws what {@code emit} throws before the
   * record is written; the future completes as {@code emit} would return, or fails as it would throw
   * for the fsync.
   */
  public CompletableFuture<String> emitAsync(Object event) {
    byte[] json = toRecordJson(event);
    CompletableFuture<String> ack;
    try {
      ack = log.appendAsync(json);
    } catch (IllegalStateException e) {
      throw closedException();
    }
    // Counted before the caller's future completes, so its callbacks see the count. Not thenApply: a
    // dependent stage would wrap a failure in a CompletionException instead of emit()'s own exception.
    CompletableFuture<String> result = new CompletableFuture<>();
    ack.whenComplete((id, error) -> {
      if (error != null) {
        result.completeExceptionally(error);
      } else {
        if (id != null) counters.emitted.increment();
        result.complete(id);
      }
    });
    return result;
  }

  private byte[] toRecordJson(Object event) {
    java.util.Objects.requireNonNull(event, "event == null");
    if (closed) throw closedException();
    byte[] json = serializer.toJson(event);
    int size = json.length + EventLog.ENVELOPE_OVERHEAD;
    if (size > config.maxRecordBytes) {
      throw new IllegalArgumentException("event of " + size + " bytes (with its envelope) exceeds maxRecordBytes "
          + config.maxRecordBytes);
    }
    return json;
  }

  private static IllegalStateException closedException() {
    return new IllegalStateException("closed: this Analytics instance no longer accepts events");
  }

  public boolean flush(Duration timeout) {
    long target = log.nextSeq();
    long deadline = System.nanoTime() + timeout.toNanos();
    for (Dispatcher dispatcher : dispatchers) dispatcher.flushUpTo(target);
    synchronized (progress) {
      while (minAcked() < target) {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) return false;
        try {
          TimeUnit.NANOSECONDS.timedWait(progress, Math.min(remaining, TimeUnit.MILLISECONDS.toNanos(50)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
    }
    return true;
  }

  /**
   * The numbers behind the public {@code Stats}: the backlog from the slowest sink's cursor, the events
   * accepted, the sinks' counts summed, and what went wrong.
   */
  public record Snapshot(Queue backlog, long emitted, Counts counts, Problems problems) {}

  /** Events dropped by the when-full policy, records lost to corruption, failed writes or fsyncs. */
  public record Problems(long dropped, long corruptSkipped, long storageErrors) {}

  /**
   * One sink's view: its cursor (every record below it is delivered or dead-lettered), what waits from
   * there, its counters since start, and its batches out at the sink now.
   */
  public record SinkSnapshot(String name, long cursor, Queue queue, Counts counts, int inFlightBatches) {}

  /** Records and bytes from a position to the end of the log, and the oldest of them's age. */
  public record Queue(long records, long bytes, Duration oldestAge) {}

  /** A sink's counters since start. */
  public record Counts(long delivered, long retried, long deadLettered) {}

  public Snapshot stats() {
    // Counts before positions: a dispatcher moves its cursor before it counts, so a record counted as
    // delivered here is never also counted as queued.
    Counts counts = new Counts(sum(c -> c.delivered), sum(c -> c.retried), sum(c -> c.deadLettered));
    long acked = minAcked();
    long queued = Math.max(0, log.nextSeq() - acked);
    long oldest = 0;
    for (Dispatcher dispatcher : dispatchers) {
      long pending = oldestQueuedMillis(dispatcher, dispatcher.ackedSeq());
      if (pending != 0 && (oldest == 0 || pending < oldest)) oldest = pending;
    }
    Duration age = ageOf(queued, oldest);
    return new Snapshot(new Queue(queued, queued == 0 ? 0 : log.bytesFrom(acked), age), counters.emitted.sum(),
        counts, new Problems(log.dropped(), log.corruptSkipped(), log.storageErrors()));
  }

  /** Each sink's view, in the order the sinks were added. */
  public List<SinkSnapshot> sinkStats() {
    List<SinkSnapshot> sinks = new ArrayList<>(dispatchers.size());
    for (Dispatcher dispatcher : dispatchers) sinks.add(sinkStats(dispatcher));
    return sinks;
  }

  private SinkSnapshot sinkStats(Dispatcher dispatcher) {
    Counters c = dispatcher.counters();
    Counts counts = new Counts(c.delivered.sum(), c.retried.sum(), c.deadLettered.sum()); // before the cursor
    long cursor = dispatcher.ackedSeq();
    long queued = Math.max(0, log.nextSeq() - cursor);
    Duration age = ageOf(queued, oldestQueuedMillis(dispatcher, cursor));
    return new SinkSnapshot(dispatcher.name(), cursor, new Queue(queued, queued == 0 ? 0 : log.bytesFrom(cursor), age),
        counts, dispatcher.inFlightBatches());
  }

  /**
   * Epoch millis of the oldest record {@code dispatcher} has not finished: the oldest in its window, else
   * (it has not read it yet: it lingers, or the instance just opened) the one at its cursor, read from
   * the log; 0 when there is none.
   */
  private long oldestQueuedMillis(Dispatcher dispatcher, long cursor) {
    long pending = dispatcher.oldestPendingMillis();
    if (pending != 0) return pending;
    return cursor < log.nextSeq() ? log.timestampMillisAt(cursor) : 0;
  }

  private Duration ageOf(long queued, long oldestMillis) {
    return queued == 0 || oldestMillis == 0
        ? Duration.ZERO
        : Duration.ofMillis(Math.max(0, config.clock.millis() - oldestMillis));
  }

  /** A counter summed over the sinks' dispatchers. */
  private long sum(java.util.function.Function<Counters, java.util.concurrent.atomic.LongAdder> counter) {
    long total = 0;
    for (Dispatcher dispatcher : dispatchers) total += counter.apply(dispatcher.counters()).sum();
    return total;
  }

  public DeadLetterFile deadLetters() {
    return deadLetters;
  }

  public Path directory() {
    return directory;
  }

  /** A second caller (the shutdown hook racing the application) waits until the first has finished. */
  public synchronized void close() {
    if (closed) return;
    closed = true;
    boolean interrupted = Thread.interrupted();
    try {
      long deliveredBefore = sum(c -> c.delivered);
      flush(config.closeTimeout);
      for (Dispatcher dispatcher : dispatchers) dispatcher.stop(TimeUnit.SECONDS.toMillis(5));
      long left = Math.max(0, log.nextSeq() - minAcked());
      LOG.log(System.Logger.Level.INFO, "closing " + directory + ": " + (sum(c -> c.delivered) - deliveredBefore)
          + " record(s) delivered during close, " + left + " left queued"
          + (left > 0 ? " on disk for the next start" : ""));
      for (Route route : config.sinks) {
        try {
          route.sink().close();
        } catch (RuntimeException e) {
          LOG.log(System.Logger.Level.WARNING, "sink " + route.name() + " failed to close", e);
        }
      }
      // Not interrupt(): an interrupt during FileChannel I/O closes the channel under the log's feet.
      stopSyncer = true;
      config.ticker.unpark(syncer);
      try {
        syncer.join(TimeUnit.SECONDS.toMillis(5));
      } catch (InterruptedException e) {
        interrupted = true;
      }
      try {
        log.close();
      } catch (IOException e) {
        LOG.log(System.Logger.Level.ERROR, "final fsync of " + directory + " failed", e);
      }
      reportDrops();
      listener.close(TimeUnit.SECONDS.toMillis(5)); // what the listener heard before close() returns
      cursors.close(); // a dispatcher still running must not write a cursor once the lock is released
      try {
        lock.release();
      } catch (IOException e) {
        LOG.log(System.Logger.Level.WARNING, "cannot release lock of " + directory, e);
      }
      closeQuietly(lockChannel);
      removeShutdownHook();
    } finally {
      if (interrupted) Thread.currentThread().interrupt();
    }
  }

  public void registerShutdownHook() {
    Thread hook = new Thread(this::close, "analytics-shutdown-" + directory.getFileName());
    Runtime.getRuntime().addShutdownHook(hook);
    shutdownHook = hook;
  }

  private void removeShutdownHook() {
    Thread hook = shutdownHook;
    if (hook == null || hook == Thread.currentThread()) return;
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // The JVM is shutting down already.
    }
  }

  private long minAcked() {
    long min = Long.MAX_VALUE;
    for (Dispatcher dispatcher : dispatchers) min = Math.min(min, dispatcher.ackedSeq());
    return min == Long.MAX_VALUE ? log.nextSeq() : min;
  }

  private long minRead() {
    long min = Long.MAX_VALUE;
    for (Dispatcher dispatcher : dispatchers) min = Math.min(min, dispatcher.readSeq());
    return min == Long.MAX_VALUE ? 0 : min;
  }

  /** After every append: cheap, see {@link Dispatcher#wake}. */
  private void wakeDispatchers() {
    long next = log.nextSeq();
    for (int i = 0; i < dispatchers.size(); i++) dispatchers.get(i).wake(next);
  }

  private void onProgress() {
    log.release(minAcked());
    synchronized (progress) {
      progress.notifyAll();
    }
  }

  /** Fsyncs every sync interval (PERIODIC) and keeps a spare segment ready. */
  private void syncLoop() {
    long intervalNanos = config.syncInterval.toNanos();
    long tick = Math.min(intervalNanos, TimeUnit.MILLISECONDS.toNanos(50));
    Ticker ticker = config.ticker;
    long lastSync = ticker.nanoTime();
    while (!stopSyncer) {
      reportDrops();
      log.prepareSpare();
      long now = ticker.nanoTime();
      if (now - lastSync >= intervalNanos) {
        long errorsBefore = log.storageErrors();
        try {
          log.sync();
          // A whole interval without a failed write or fsync: the storage incident, if any, is over.
          if (log.storageErrors() == errorsBefore && errorsBefore == storageErrorsAtLastSync) {
            storageIncident.ended("writes and fsyncs succeed again");
          }
        } catch (UncheckedIOException e) {
          storageIncident.occurred("periodic fsync failed: " + e.getMessage());
        }
        storageErrorsAtLastSync = log.storageErrors();
        lastSync = now;
      }
      log.prefault();
      ticker.parkNanos(this, tick);
    }
  }

  private void reportDrops() {
    reportDrops(WhenLogFull.DROP_NEWEST, unreportedDropsNewest.getAndSet(0));
    reportDrops(WhenLogFull.DROP_OLDEST, unreportedDropsOldest.getAndSet(0));
  }

  private void reportDrops(WhenLogFull policy, long count) {
    if (count == 0) return;
    LOG.log(System.Logger.Level.WARNING, "event log " + directory + " full: " + count + " event(s) dropped (" + policy + ")");
    listener.tell(l -> l.onDropped(policy.name(), count));
  }

  private final class LogEventsToListener implements LogEvents {
    @Override
    public void onCorruption(Path segment, long offset, long skippedRecords, String detail) {
      listener.tell(l -> l.onCorruption(segment, offset, skippedRecords, detail));
    }

    @Override
    public void onDropped(WhenLogFull policy, long count) {
      // Called under the append lock, once per dropped event with DROP_NEWEST: only counted here;
      // the syncer reports the sum (log line and listener) at most every tick.
      (policy == WhenLogFull.DROP_NEWEST ? unreportedDropsNewest : unreportedDropsOldest).addAndGet(count);
    }

    @Override
    public void onStorageError(IOException error) {
      // Expected under a full disk, and repeated on every write: no stack trace, one line per incident.
      storageIncident.occurred(String.valueOf(error));
      listener.tell(l -> l.onStorageError(error));
    }
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel == null) return;
    try {
      channel.close();
    } catch (IOException e) {
      // Nothing more to do.
    }
  }
}
