package dev.analytics;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.analytics.internal.Engine;
import dev.analytics.internal.EngineConfig;
import dev.analytics.internal.Route;
import dev.analytics.internal.log.LogFullException;
import dev.analytics.internal.log.WhenLogFull;
import dev.analytics.spi.Listener;
import dev.analytics.spi.Sink;
import dev.analytics.spi.Transform;
import java.io.Closeable;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The entry point: accepts events into a durable local log and delivers them in the background.
 *
 * <pre>{@code
 * Analytics analytics = Analytics.builder()
 *     .directory(Path.of("/var/lib/my-service/analytics"))
 *     .sink("amplitude", httpSink, joltPipeline)
 *     .build();
 *
 * analytics.emit(Map.of("event_type", "Signed Up", "user_id", "user@example.com"));
 * ...
 * analytics.close();   // flushes within closeTimeout; whatever is left is sent after the next start
 * }</pre>
 *
 * <p>{@link #emit} is thread-safe, never performs network I/O and never throws for a delivery problem.
 * One instance owns its directory (a lock file); open one per directory and share it.
 */
// Why this class is long (~440 lines): it is the API's front door, so most of it is the builder's
// documented settings; the work is all in the internal Engine.
public final class Analytics implements Closeable {
  private final Engine engine;
  private final DeadLetters deadLetters;
  private final Builder settings;

  private Analytics(Engine engine, Builder settings) {
    this.engine = engine;
    this.deadLetters = new DeadLetterView(engine.deadLetters());
    this.settings = settings;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder holding this instance's settings and sinks (the same sink and transform objects). One
   * instance owns a directory, so build it after this one is closed, or give it another directory.
   */
  public Builder toBuilder() {
    return new Builder(settings);
  }

  /**
   * Accepts an event: a POJO, a {@code Map}, a Jackson {@code JsonNode} or a JSON string. Stamps it
   * with a unique time-ordered id and the current time, appends the envelope
   * {@code {"id","timestamp","event"}} to the local log and returns the id. Once this returns the event
   * survives {@code kill -9}; in {@link Durability#SYNC} it has also been fsynced.
   *
   * @return the record id, which is also the {@code insert_id} sent to Amplitude; {@code null} if
   *     {@link WhenFull#DROP_NEWEST} dropped the event (counted in {@link Stats#dropped()})
   * @throws NullPointerException if {@code event} is null
   * @throws IllegalArgumentException if the event cannot be serialized (cyclic, invalid JSON text) or
   *     is larger than {@link Builder#maxRecordBytes}
   * @throws IllegalStateException if this instance is closed
   * @throws QueueFullException if the log is full under {@link WhenFull#BLOCK} past the block timeout
   * @throws java.io.UncheckedIOException if the disk refused the write (for example it is full): the
   *     event was not accepted; or, in {@link Durability#SYNC}, if the fsync that should have covered
   *     it failed: the event is in the log and will be delivered, but is not known to survive a power
   *     loss (the message says which). Retrying such an emit sends a second event with a new id.
   */
  public String emit(Object event) {
    try {
      return engine.emit(event);
    } catch (LogFullException e) {
      throw QueueFullException.from(e);
    }
  }

  /**
   * Accepts an event like {@link #emit} without waiting for the disk: the future completes with the id
   * when {@code emit} would have returned. In {@link Durability#SYNC} that is once an fsync covered
   * the record (never before), an fsync shared with blocking emitters and covering every event
   * emitted while the previous one ran, so one thread pipelining {@code emitAsync} writes at the
   * disk's bandwidth instead of waiting out each fsync's latency. In {@link Durability#PERIODIC} the
   * future is complete on return: the event is in the log and survives {@code kill -9}, as after
   * {@code emit}.
   *
   * <p>Whatever {@code emit} throws, but for a null event, fails the future instead, with the same
   * exception: {@link QueueFullException}, {@link IllegalStateException} once closed,
   * {@link IllegalArgumentException}, {@link java.io.UncheckedIOException}. Under
   * {@link WhenFull#BLOCK} a full log blocks this call as it blocks {@code emit}. The future is
   * completed on a library thread: dependent stages that are not {@code *Async} run there and must
   * be short.
   *
   * <pre>{@code
   * analytics.emitAsync(event).whenComplete((id, error) -> {
   *   if (error == null) acknowledge(request);   // durable: fsynced in SYNC
   *   else fail(request, error);
   * });
   * }</pre>
   *
   * @return the record id once durable; {@code null} if {@link WhenFull#DROP_NEWEST} dropped the event
   * @throws NullPointerException if {@code event} is null
   */
  public CompletableFuture<String> emitAsync(Object event) {
    Objects.requireNonNull(event, "event == null");
    try {
      return engine.emitAsync(event);
    } catch (LogFullException e) {
      return CompletableFuture.failedFuture(QueueFullException.from(e));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Waits until every event emitted before this call is delivered or dead-lettered by every sink.
   *
   * @return true if that happened within {@code timeout}
   */
  public boolean flush(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout == null");
    return engine.flush(timeout);
  }

  /** Counters and queue depth, now: for the whole instance and per sink. */
  public Stats stats() {
    Engine.Snapshot now = engine.stats();
    Map<String, Stats.SinkStats> sinks = new LinkedHashMap<>();
    for (Engine.SinkSnapshot sink : engine.sinkStats()) {
      Engine.Counts counts = sink.counts();
      sinks.put(sink.name(), new Stats.SinkStats(backlog(sink.queue()), sink.cursor(), counts.delivered(),
          counts.retried(), counts.deadLettered(), sink.inFlightBatches()));
    }
    Engine.Counts counts = now.counts();
    Engine.Problems problems = now.problems();
    return new Stats(backlog(now.backlog()),
        new Stats.Flow(now.emitted(), counts.delivered(), counts.retried(), counts.deadLettered()),
        new Stats.Problems(problems.dropped(), problems.corruptSkipped(), problems.storageErrors()), sinks);
  }

  private static Stats.Backlog backlog(Engine.Queue queue) {
    return new Stats.Backlog(queue.records(), queue.bytes(), queue.oldestAge());
  }

  /** The dead-letter log: list, replay, purge. */
  public DeadLetters deadLetters() {
    return deadLetters;
  }

  /** The log directory. */
  public Path directory() {
    return engine.directory();
  }

  /**
   * Stops intake, flushes for up to {@link Builder#closeTimeout}, stops the dispatchers and releases the
   * directory. Whatever was not delivered stays on disk and is sent after the next start. The listener
   * has made every call it was given when this returns, unless those calls take longer than 5 s (then a
   * WARNING says so). Idempotent.
   */
  @Override
  public void close() {
    engine.close();
  }

  /**
   * Configures an {@link Analytics} instance. Every setting but {@link #directory} and at least one
   * {@link #sink} has a default.
   */
  public static final class Builder {
    public static final Duration DEFAULT_SYNC_INTERVAL = Duration.ofSeconds(1);
    public static final long DEFAULT_MAX_DISK_BYTES = 1L << 30;
    public static final int DEFAULT_MAX_SEGMENT_BYTES = 16 << 20;
    public static final int DEFAULT_MAX_RECORD_BYTES = 1 << 20;
    public static final Duration DEFAULT_BLOCK_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_RETRY_INITIAL = Duration.ofMillis(500);
    public static final Duration DEFAULT_RETRY_MAX = Duration.ofMinutes(1);
    public static final long DEFAULT_MAX_DEAD_LETTER_BYTES = 64L << 20;

    Path directory;
    Durability durability = Durability.PERIODIC;
    Duration syncInterval = DEFAULT_SYNC_INTERVAL;
    long maxDiskBytes = DEFAULT_MAX_DISK_BYTES;
    long maxDeadLetterBytes = DEFAULT_MAX_DEAD_LETTER_BYTES;
    int segmentBytes; // 0: derived from maxDiskBytes in build()
    int maxRecordBytes; // 0: the default, capped at half a segment
    WhenFull whenFull = WhenFull.BLOCK;
    Duration blockTimeout = DEFAULT_BLOCK_TIMEOUT;
    Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;
    Duration retryInitial = DEFAULT_RETRY_INITIAL;
    Duration retryMax = DEFAULT_RETRY_MAX;
    Listener listener = Listener.NONE;
    boolean shutdownHook;
    Clock clock = Clock.systemUTC();
    ObjectMapper objectMapper;
    final Map<String, Route> sinks = new LinkedHashMap<>();

    private Builder() {}

    private Builder(Builder other) {
      directory = other.directory;
      durability = other.durability;
      syncInterval = other.syncInterval;
      maxDiskBytes = other.maxDiskBytes;
      maxDeadLetterBytes = other.maxDeadLetterBytes;
      segmentBytes = other.segmentBytes;
      maxRecordBytes = other.maxRecordBytes;
      whenFull = other.whenFull;
      blockTimeout = other.blockTimeout;
      closeTimeout = other.closeTimeout;
      retryInitial = other.retryInitial;
      retryMax = other.retryMax;
      listener = other.listener;
      shutdownHook = other.shutdownHook;
      clock = other.clock;
      objectMapper = other.objectMapper;
      sinks.putAll(other.sinks);
    }

    /** The log directory, created if missing (owner-only permissions). Required. */
    public Builder directory(Path directory) {
      this.directory = Objects.requireNonNull(directory, "directory == null");
      return this;
    }

    /** When {@code emit()} returns relative to the disk. Default {@link Durability#PERIODIC}. */
    public Builder durability(Durability durability) {
      this.durability = Objects.requireNonNull(durability, "durability == null");
      return this;
    }

    /** How often {@link Durability#PERIODIC} fsyncs. Default 1 s; 1 ms to 1 h. */
    public Builder syncInterval(Duration interval) {
      this.syncInterval = requireRange("syncInterval", interval, Duration.ofMillis(1), Duration.ofHours(1));
      return this;
    }

    /** The most disk the log may use. Default 1 GiB; at least two segments. */
    public Builder maxDiskBytes(long maxDiskBytes) {
      if (maxDiskBytes < 2 * 64 * 1024) {
        throw new IllegalArgumentException("maxDiskBytes < 131072: " + maxDiskBytes);
      }
      this.maxDiskBytes = maxDiskBytes;
      return this;
    }

    /**
     * The most disk the dead-letter log may use. When it is full nothing is dropped: records that
     * would be dead-lettered stay in the event log and are retried, so the event log fills and
     * {@link #whenFull} applies. Default 64 MiB; at least 4 KiB.
     */
    public Builder maxDeadLetterBytes(long maxDeadLetterBytes) {
      if (maxDeadLetterBytes < 4096) {
        throw new IllegalArgumentException("maxDeadLetterBytes < 4096: " + maxDeadLetterBytes);
      }
      this.maxDeadLetterBytes = maxDeadLetterBytes;
      return this;
    }

    /**
     * The size of one log segment file, the unit in which disk is allocated and freed. Default:
     * a quarter of {@link #maxDiskBytes}, at most 16 MiB; 64 KiB to 1 GiB.
     */
    public Builder segmentBytes(int segmentBytes) {
      if (segmentBytes < 64 * 1024 || segmentBytes > (1 << 30)) {
        throw new IllegalArgumentException("segmentBytes out of range [65536, 1073741824]: " + segmentBytes);
      }
      this.segmentBytes = segmentBytes;
      return this;
    }

    /**
     * The largest serialized envelope {@code emit()} accepts. Default 1 MiB, or half a segment if that
     * is smaller; 64 bytes to 64 MiB, and at most half of {@link #segmentBytes}.
     */
    public Builder maxRecordBytes(int maxRecordBytes) {
      if (maxRecordBytes < 64 || maxRecordBytes > (64 << 20)) {
        throw new IllegalArgumentException("maxRecordBytes out of range [64, 67108864]: " + maxRecordBytes);
      }
      this.maxRecordBytes = maxRecordBytes;
      return this;
    }

    /** What {@code emit()} does when the log is full. Default {@link WhenFull#BLOCK}. */
    public Builder whenFull(WhenFull whenFull) {
      this.whenFull = Objects.requireNonNull(whenFull, "whenFull == null");
      return this;
    }

    /** How long {@link WhenFull#BLOCK} waits for space. Default 5 s; 0 to 1 h. */
    public Builder blockTimeout(Duration timeout) {
      this.blockTimeout = requireRange("blockTimeout", timeout, Duration.ZERO, Duration.ofHours(1));
      return this;
    }

    /** How long {@link Analytics#close()} waits for delivery. Default 5 s; 0 to 1 h. */
    public Builder closeTimeout(Duration timeout) {
      this.closeTimeout = requireRange("closeTimeout", timeout, Duration.ZERO, Duration.ofHours(1));
      return this;
    }

    /**
     * The dispatcher's retry backoff: exponential from {@code initial}, doubling, capped at {@code max},
     * with jitter, forever. Default 500 ms to 1 min.
     */
    public Builder retryBackoff(Duration initial, Duration max) {
      requireRange("retryBackoff initial", initial, Duration.ofMillis(1), Duration.ofHours(1));
      requireRange("retryBackoff max", max, Duration.ofMillis(1), Duration.ofHours(24));
      if (max.compareTo(initial) < 0) {
        throw new IllegalArgumentException("retryBackoff max < initial: " + max + " < " + initial);
      }
      this.retryInitial = initial;
      this.retryMax = max;
      return this;
    }

    /** Adds a destination: its records pass through {@code transforms} in order, then {@code sink}. */
    public Builder sink(String name, Sink sink, Transform... transforms) {
      return sink(name, sink, List.of(transforms));
    }

    /** Adds a destination: its records pass through {@code transforms} in order, then {@code sink}. */
    public Builder sink(String name, Sink sink, List<Transform> transforms) {
      Objects.requireNonNull(name, "name == null");
      Objects.requireNonNull(sink, "sink == null");
      Objects.requireNonNull(transforms, "transforms == null");
      if (!name.matches("[A-Za-z0-9._-]{1,64}")) {
        throw new IllegalArgumentException(
            "sink name must be 1-64 letters, digits, '.', '_' or '-': \"" + name + "\"");
      }
      if (sinks.containsKey(name)) throw new IllegalArgumentException("duplicate sink name: " + name);
      List<Transform> copy = new ArrayList<>(transforms);
      for (int i = 0; i < copy.size(); i++) {
        Objects.requireNonNull(copy.get(i), "transforms[" + i + "] == null");
      }
      sinks.put(name, new Route(name, sink, copy));
      return this;
    }

    /** Hears drops, dead letters, retries, faults. Default {@link Listener#NONE}. */
    public Builder listener(Listener listener) {
      this.listener = Objects.requireNonNull(listener, "listener == null");
      return this;
    }

    /** Registers a JVM shutdown hook that calls {@link Analytics#close()}. Default off. */
    public Builder shutdownHook(boolean enabled) {
      this.shutdownHook = enabled;
      return this;
    }

    /** The clock for event timestamps and ids. Default {@link Clock#systemUTC()}. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock == null");
      return this;
    }

    /** The mapper that serializes POJO events. Default: a plain {@link ObjectMapper}. */
    public Builder objectMapper(ObjectMapper mapper) {
      this.objectMapper = Objects.requireNonNull(mapper, "objectMapper == null");
      return this;
    }

    /**
     * Opens (or creates) the log, recovers it, takes the directory's lock and starts one dispatcher
     * per sink.
     *
     * @throws IllegalStateException if another live instance holds the directory
     * @throws java.io.UncheckedIOException if the directory cannot be created or read
     */
    public Analytics build() {
      if (directory == null) throw new IllegalStateException("directory is required");
      if (sinks.isEmpty()) throw new IllegalStateException("at least one sink is required");
      validate();
      int segment = effectiveSegmentBytes();
      int maxRecord = effectiveMaxRecordBytes(segment);
      ObjectMapper mapper = objectMapper != null ? objectMapper : new ObjectMapper();
      Engine engine = Engine.open(new EngineConfig(directory)
          .durability(durability == Durability.SYNC, syncInterval)
          .sizes(maxDiskBytes, segment, maxRecord, maxDeadLetterBytes)
          .whenFull(WhenLogFull.valueOf(whenFull.name()), blockTimeout)
          .closeTimeout(closeTimeout)
          .retryBackoff(retryInitial, retryMax)
          .listener(listener)
          .clock(clock)
          .mapper(mapper)
          .sinks(List.copyOf(sinks.values())));
      Analytics analytics = new Analytics(engine, new Builder(this));
      if (shutdownHook) engine.registerShutdownHook();
      return analytics;
    }

    /**
     * Checks the settings against each other as {@link #build()} does, without opening anything: the
     * disk cap holds two segments, and a record fits in half a segment.
     *
     * @throws IllegalArgumentException naming the settings that disagree
     */
    public Builder validate() {
      int segment = effectiveSegmentBytes();
      if (maxDiskBytes < 2L * segment) {
        throw new IllegalArgumentException(
            "maxDiskBytes must hold at least two segments of " + segment + " bytes: " + maxDiskBytes);
      }
      int maxRecord = effectiveMaxRecordBytes(segment);
      if (maxRecord > segment / 2) {
        throw new IllegalArgumentException(
            "maxRecordBytes must be at most half of segmentBytes (" + segment + "): " + maxRecord);
      }
      return this;
    }

    private int effectiveSegmentBytes() {
      return segmentBytes != 0
          ? segmentBytes
          : (int) Math.min(DEFAULT_MAX_SEGMENT_BYTES, Math.max(64 * 1024, maxDiskBytes / 4));
    }

    private int effectiveMaxRecordBytes(int segment) {
      return maxRecordBytes != 0 ? maxRecordBytes : Math.min(DEFAULT_MAX_RECORD_BYTES, segment / 2);
    }

    private static Duration requireRange(String name, Duration value, Duration min, Duration max) {
      Objects.requireNonNull(value, name + " == null");
      if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
        throw new IllegalArgumentException(name + " out of range [" + min + ", " + max + "]: " + value);
      }
      return value;
    }
  }
}
