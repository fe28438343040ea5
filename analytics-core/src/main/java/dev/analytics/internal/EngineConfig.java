package dev.analytics.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.analytics.internal.log.Storage;
import dev.analytics.internal.log.WhenLogFull;
import dev.analytics.spi.Listener;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The settings of an {@link Engine}: everything the public builder validated, set by name. The engine never reads the builder itself, so
 * nothing internal depends on {@code Analytics}.
 */
public final class EngineConfig {
  final Path directory;
  boolean syncEachEmit;
  Duration syncInterval = Duration.ofSeconds(1);
  long maxDiskBytes = 1L << 30;
  int segmentBytes = 16 << 20;
  int maxRecordBytes = 1 << 20;
  long maxDeadLetterBytes = 64L << 20;
  WhenLogFull whenFull = WhenLogFull.BLOCK;
  Duration blockTimeout = Duration.ofSeconds(5);
  Duration closeTimeout = Duration.ofSeconds(5);
  Duration retryInitial = Duration.ofMillis(500);
  Duration retryMax = Duration.ofMinutes(1);
  Listener listener = Listener.NONE;
  Clock clock = Clock.systemUTC();
  ObjectMapper mapper = new ObjectMapper();
  List<Route> sinks = List.of();
  Storage storage = Storage.DEFAULT;
  Ticker ticker = Ticker.SYSTEM;

  public EngineConfig(Path directory) {
    this.directory = java.util.Objects.requireNonNull(directory, "directory == null");
  }

  /** Whether each emit waits for an fsync covering it; else the syncer fsyncs every interval. */
  public EngineConfig durability(boolean syncEachEmit, Duration syncInterval) {
    this.syncEachEmit = syncEachEmit;
    this.syncInterval = syncInterval;
    return this;
  }

  /** Disk budget: the log's cap and segment size, the largest record, the dead-letter log's cap. */
  public EngineConfig sizes(long maxDiskBytes, int segmentBytes, int maxRecordBytes, long maxDeadLetterBytes) {
    this.maxDiskBytes = maxDiskBytes;
    this.segmentBytes = segmentBytes;
    this.maxRecordBytes = maxRecordBytes;
    this.maxDeadLetterBytes = maxDeadLetterBytes;
    return this;
  }

  public EngineConfig whenFull(WhenLogFull whenFull, Duration blockTimeout) {
    this.whenFull = whenFull;
    this.blockTimeout = blockTimeout;
    return this;
  }

  public EngineConfig closeTimeout(Duration closeTimeout) {
    this.closeTimeout = closeTimeout;
    return this;
  }

  public EngineConfig retryBackoff(Duration initial, Duration max) {
    this.retryInitial = initial;
    this.retryMax = max;
    return this;
  }

  public EngineConfig listener(Listener listener) {
    this.listener = listener;
    return this;
  }

  public EngineConfig clock(Clock clock) {
    this.clock = clock;
    return this;
  }

  public EngineConfig mapper(ObjectMapper mapper) {
    this.mapper = mapper;
    return this;
  }

  public EngineConfig sinks(List<Route> sinks) {
    this.sinks = List.copyOf(sinks);
    return this;
  }

  /** For tests: file operations with injected faults. */
  public EngineConfig storage(Storage storage) {
    this.storage = storage;
    return this;
  }

  /** For tests: the dispatchers' and the syncer's time and parking. */
  public EngineConfig ticker(Ticker ticker) {
    this.ticker = java.util.Objects.requireNonNull(ticker, "ticker == null");
    return this;
  }
}
