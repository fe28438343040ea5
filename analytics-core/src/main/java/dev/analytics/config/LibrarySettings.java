package dev.analytics.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.analytics.Analytics;
import dev.analytics.Durability;
import dev.analytics.WhenFull;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The library settings of a connector file, which Fluvio's format has no place for: the optional
 * top-level section {@value #SECTION}. Every key is optional; an absent key keeps the
 * {@link Analytics.Builder} default.
 *
 * <pre>{@code
 * analytics:
 *   directory: /var/lib/my-service/analytics   # default ./analytics-data; the log is <directory>/<meta.topic>
 *   durability: periodic          # periodic (default) | sync
 *   sync_interval: 1s             # periodic fsync interval, default 1s
 *   max_disk_bytes: 1GiB          # disk cap, default 1 GiB; plain bytes or 512MiB-style sizes
 *   segment_bytes: 16MiB          # default: a quarter of max_disk_bytes, at most 16 MiB
 *   max_record_bytes: 1MiB        # largest event envelope, default 1 MiB
 *   when_full: block              # block (default) | drop_newest | drop_oldest
 *   block_timeout: 5s             # how long `block` waits, default 5s
 *   close_timeout: 5s             # how long close() flushes, default 5s
 *   retry_backoff_min: 500ms      # dispatcher retry backoff, default 500ms ...
 *   retry_backoff_max: 1m         # ... up to 1m, forever (retries never drop data)
 *   delivery:                     # handed to the sink provider (SinkSettings.delivery())
 *     mode: batch                 # batch (default where the body allows) | per-record (Fluvio's behaviour)
 *     max_batch_records: 500      # the defaults here are http-sink's: the sink provider owns them
 *     max_batch_bytes: 5MiB       # per request; 1000000 in Amplitude mode
 *     linger: 0ms
 *     max_in_flight: 4
 * }</pre>
 */
public final class LibrarySettings {
  /** The name of the extra top-level section. */
  public static final String SECTION = "analytics";

  static final Set<String> KEYS = Set.of(
      "directory", "durability", "sync_interval", "max_disk_bytes", "segment_bytes", "max_record_bytes",
      "when_full", "block_timeout", "close_timeout", "retry_backoff_min", "retry_backoff_max", "delivery");

  private static final Map<String, Durability> DURABILITY = choices(Durability.values());
  private static final Map<String, WhenFull> WHEN_FULL = choices(WhenFull.values());

  private static final LibrarySettings DEFAULTS = new LibrarySettings();

  private Path directory;
  private Durability durability;
  private Duration syncInterval;
  private Long maxDiskBytes;
  private Integer segmentBytes;
  private Integer maxRecordBytes;
  private WhenFull whenFull;
  private Duration blockTimeout;
  private Duration closeTimeout;
  private Duration retryBackoffMin;
  private Duration retryBackoffMax;
  private JsonNode delivery = JsonNodeFactory.instance.objectNode();

  private LibrarySettings() {}

  /** No section: every default. */
  public static LibrarySettings defaults() {
    return DEFAULTS;
  }

  /** {@code directory}: the base directory of the logs, relative to the working directory. */
  public Optional<Path> directory() {
    return Optional.ofNullable(directory);
  }

  public Optional<Durability> durability() {
    return Optional.ofNullable(durability);
  }

  public Optional<Duration> syncInterval() {
    return Optional.ofNullable(syncInterval);
  }

  public OptionalLong maxDiskBytes() {
    return maxDiskBytes == null ? OptionalLong.empty() : OptionalLong.of(maxDiskBytes);
  }

  public OptionalInt segmentBytes() {
    return segmentBytes == null ? OptionalInt.empty() : OptionalInt.of(segmentBytes);
  }

  public OptionalInt maxRecordBytes() {
    return maxRecordBytes == null ? OptionalInt.empty() : OptionalInt.of(maxRecordBytes);
  }

  public Optional<WhenFull> whenFull() {
    return Optional.ofNullable(whenFull);
  }

  public Optional<Duration> blockTimeout() {
    return Optional.ofNullable(blockTimeout);
  }

  public Optional<Duration> closeTimeout() {
    return Optional.ofNullable(closeTimeout);
  }

  public Optional<Duration> retryBackoffMin() {
    return Optional.ofNullable(retryBackoffMin);
  }

  public Optional<Duration> retryBackoffMax() {
    return Optional.ofNullable(retryBackoffMax);
  }

  /**
   * The {@code delivery:} subsection, the documented keys type-checked and normalized
   * ({@code max_batch_bytes} as a number, {@code mode} lower case), other keys as written, possibly empty: what the sink provider gets as
   * {@link dev.analytics.spi.SinkSettings#delivery()}.
   */
  public JsonNode delivery() {
    return delivery.deepCopy();
  }

  /** Sets every present setting on {@code builder}; absent ones keep the builder's defaults. */
  void applyTo(Analytics.Builder builder) {
    if (durability != null) builder.durability(durability);
    if (syncInterval != null) builder.syncInterval(syncInterval);
    if (maxDiskBytes != null) builder.maxDiskBytes(maxDiskBytes);
    if (segmentBytes != null) builder.segmentBytes(segmentBytes);
    if (maxRecordBytes != null) builder.maxRecordBytes(maxRecordBytes);
    if (whenFull != null) builder.whenFull(whenFull);
    if (blockTimeout != null) builder.blockTimeout(blockTimeout);
    if (closeTimeout != null) builder.closeTimeout(closeTimeout);
    if (retryBackoffMin != null || retryBackoffMax != null) {
      builder.retryBackoff(
          retryBackoffMin != null ? retryBackoffMin : Analytics.Builder.DEFAULT_RETRY_INITIAL,
          retryBackoffMax != null ? retryBackoffMax : Analytics.Builder.DEFAULT_RETRY_MAX);
    }
  }

  /**
   * Reads and validates the section. Each value is also tried on a scratch {@link Analytics.Builder},
   * so its range checks report the key path and line here rather than a bare message at build time.
   */
  static LibrarySettings parse(Section s) {
    if (s == null) return DEFAULTS;
    s.warnUnknown(KEYS, " (known: " + String.join(", ", new java.util.TreeSet<>(KEYS)) + ")");
    LibrarySettings r = new LibrarySettings();
    Analytics.Builder scratch = Analytics.builder();
    String dir = s.string("directory");
    if (dir != null) {
      if (dir.isBlank()) throw s.error("directory", "must not be empty");
      try {
        r.directory = Path.of(dir.trim());
      } catch (InvalidPathException e) {
        throw s.error("directory", "not a valid path: " + e.getReason());
      }
    }
    r.durability = s.choice("durability", DURABILITY);
    r.syncInterval = s.duration("sync_interval");
    check(s, "sync_interval", () -> {
      if (r.syncInterval != null) scratch.syncInterval(r.syncInterval);
    });
    r.maxDiskBytes = s.size("max_disk_bytes");
    check(s, "max_disk_bytes", () -> {
      if (r.maxDiskBytes != null) scratch.maxDiskBytes(r.maxDiskBytes);
    });
    r.segmentBytes = intSize(s, "segment_bytes");
    check(s, "segment_bytes", () -> {
      if (r.segmentBytes != null) scratch.segmentBytes(r.segmentBytes);
    });
    r.maxRecordBytes = intSize(s, "max_record_bytes");
    check(s, "max_record_bytes", () -> {
      if (r.maxRecordBytes != null) scratch.maxRecordBytes(r.maxRecordBytes);
    });
    r.whenFull = s.choice("when_full", WHEN_FULL);
    r.blockTimeout = s.duration("block_timeout");
    check(s, "block_timeout", () -> {
      if (r.blockTimeout != null) scratch.blockTimeout(r.blockTimeout);
    });
    r.closeTimeout = s.duration("close_timeout");
    check(s, "close_timeout", () -> {
      if (r.closeTimeout != null) scratch.closeTimeout(r.closeTimeout);
    });
    r.retryBackoffMin = s.duration("retry_backoff_min");
    r.retryBackoffMax = s.duration("retry_backoff_max");
    check(s, r.retryBackoffMin != null ? "retry_backoff_min" : "retry_backoff_max", () -> r.applyTo(scratch));
    crossCheck(s, r);
    r.delivery = parseDelivery(s.section("delivery"));
    return r;
  }

  /** The cross-field rules of {@link Analytics.Builder#build()}, reported with the key paths. */
  private static void crossCheck(Section s, LibrarySettings r) {
    long maxDisk = r.maxDiskBytes != null ? r.maxDiskBytes : Analytics.Builder.DEFAULT_MAX_DISK_BYTES;
    int segment = r.segmentBytes != null
        ? r.segmentBytes
        : (int) Math.min(Analytics.Builder.DEFAULT_MAX_SEGMENT_BYTES, Math.max(64 * 1024, maxDisk / 4));
    if (maxDisk < 2L * segment) {
      throw s.error(r.maxDiskBytes != null ? "max_disk_bytes" : "segment_bytes",
          "max_disk_bytes (" + maxDisk + ") must hold at least two segments of " + segment + " bytes");
    }
    int maxRecord = r.maxRecordBytes != null ? r.maxRecordBytes : Analytics.Builder.DEFAULT_MAX_RECORD_BYTES;
    if (maxRecord > segment / 2) {
      throw s.error(r.maxRecordBytes != null ? "max_record_bytes" : "segment_bytes",
          "max_record_bytes (" + maxRecord + ") must be at most half of the segment size (" + segment + ")");
    }
  }

  /**
   * Checks the types of the documented delivery keys (so their errors carry a line) and passes every
   * key through: the delivery settings belong to the sink, which may know more keys and modes (the http
   * sink has {@code json-array}, {@code merge_field}, {@code gzip}, ...) and warns about the rest itself.
   */
  private static JsonNode parseDelivery(Section d) {
    if (d == null) return JsonNodeFactory.instance.objectNode();
    ObjectNode out = ((ObjectNode) d.node()).deepCopy();
    String mode = d.string("mode");
    if (mode != null) {
      mode = mode.trim().toLowerCase(java.util.Locale.ROOT);
      if (mode.isEmpty()) throw d.error("mode", "must not be empty (batch or per-record)");
      out.put("mode", mode.equals("per_record") ? "per-record" : mode);
    }
    Integer records = d.integer("max_batch_records", 1, Integer.MAX_VALUE);
    if (records != null) out.put("max_batch_records", records);
    Long bytes = d.size("max_batch_bytes");
    if (bytes != null) {
      if (bytes < 1 || bytes > Integer.MAX_VALUE) {
        throw d.error("max_batch_bytes", "out of range [1, " + Integer.MAX_VALUE + "]: " + bytes);
      }
      out.put("max_batch_bytes", bytes.intValue());
    }
    if (d.duration("linger") != null) out.put("linger", d.get("linger").asText());
    Integer inFlight = d.integer("max_in_flight", 1, 1024);
    if (inFlight != null) out.put("max_in_flight", inFlight);
    return out;
  }

  private static Integer intSize(Section s, String key) {
    Long v = s.size(key);
    if (v == null) return null;
    if (v > Integer.MAX_VALUE) throw s.error(key, "too large: " + v);
    return v.intValue();
  }

  private static void check(Section s, String key, Runnable apply) {
    try {
      apply.run();
    } catch (IllegalArgumentException e) {
      throw s.error(key, e.getMessage());
    }
  }

  private static <E extends Enum<E>> Map<String, E> choices(E[] values) {
    Map<String, E> map = new LinkedHashMap<>();
    for (E e : values) map.put(e.name().toLowerCase(java.util.Locale.ROOT), e);
    return map;
  }

  @Override
  public String toString() {
    return "LibrarySettings{directory=" + directory + ", durability=" + durability + ", syncInterval="
        + syncInterval + ", maxDiskBytes=" + maxDiskBytes + ", segmentBytes=" + segmentBytes
        + ", maxRecordBytes=" + maxRecordBytes + ", whenFull=" + whenFull + ", blockTimeout="
        + blockTimeout + ", closeTimeout=" + closeTimeout + ", retryBackoff=" + retryBackoffMin + ".."
        + retryBackoffMax + ", delivery=" + delivery + "}";
  }
}
