package dev.analytics.connector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.analytics.Analytics;
import dev.analytics.Durability;
import dev.analytics.WhenFull;
import dev.analytics.spi.ConfigSection;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The library settings of a connector file, which Fluvio's format has no place for: the optional
 * top-level section {@value #SECTION}. Every key is optional; an absent key keeps the
 * {@link Analytics.Builder} default. Each value is checked by the builder itself, at load time, so an
 * error names the key path and line here rather than a builder setting at build time.
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
 *   delivery:                     # the sink's own delivery settings: its provider reads them
 *     mode: batch
 * }</pre>
 */
public final class LibrarySettings {
  /** The name of the extra top-level section. */
  public static final String SECTION = "analytics";

  static final Set<String> KEYS = Set.of(
      "directory", "durability", "sync_interval", "max_disk_bytes", "segment_bytes", "max_record_bytes",
      "when_full", "block_timeout", "close_timeout", "retry_backoff_min", "retry_backoff_max", "delivery");

  /** Builder settings named in cross-field errors, and the keys that set them. */
  private static final Map<String, String> KEY_OF_SETTING = new LinkedHashMap<>();

  static {
    // The first named is the culprit: "maxRecordBytes must be at most half of segmentBytes".
    KEY_OF_SETTING.put("maxRecordBytes", "max_record_bytes");
    KEY_OF_SETTING.put("maxDiskBytes", "max_disk_bytes");
    KEY_OF_SETTING.put("segmentBytes", "segment_bytes");
  }

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
  private ConfigSection delivery;

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
   * A copy of the {@code delivery:} subsection as written (secrets rendered), possibly empty: the sink's
   * provider reads and checks it ({@link dev.analytics.spi.SinkSettings#delivery()}).
   */
  public JsonNode delivery() {
    return delivery == null ? JsonNodeFactory.instance.objectNode() : delivery.node().deepCopy();
  }

  Optional<ConfigSection> deliverySection() {
    return Optional.ofNullable(delivery);
  }

  /** Sets every present setting on {@code builder}; absent ones keep the builder's defaults. */
  public void applyTo(Analytics.Builder builder) {
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
   * Reads and validates the section (null: the defaults). Each value is also set on a scratch
   * {@link Analytics.Builder}, and the scratch builder {@linkplain Analytics.Builder#validate()
   * validated}, so the builder's own checks report the key path and line here.
   */
  static LibrarySettings parse(ConfigSection s) {
    if (s == null) return DEFAULTS;
    s.warnUnknown(KEYS);
    LibrarySettings r = new LibrarySettings();
    Analytics.Builder scratch = Analytics.builder();
    r.directory = s.string("directory").map(dir -> {
      if (dir.isBlank()) throw s.error("directory", "must not be empty");
      try {
        return Path.of(dir.trim());
      } catch (InvalidPathException e) {
        throw s.error("directory", "not a valid path: " + e.getReason());
      }
    }).orElse(null);
    r.durability = s.choice("durability", choices(Durability.values())).orElse(null);
    r.syncInterval = s.duration("sync_interval").orElse(null);
    OptionalLong maxDisk = s.size("max_disk_bytes");
    r.maxDiskBytes = maxDisk.isPresent() ? maxDisk.getAsLong() : null;
    r.segmentBytes = intSize(s, "segment_bytes");
    r.maxRecordBytes = intSize(s, "max_record_bytes");
    r.whenFull = s.choice("when_full", choices(WhenFull.values())).orElse(null);
    r.blockTimeout = s.duration("block_timeout").orElse(null);
    r.closeTimeout = s.duration("close_timeout").orElse(null);
    r.retryBackoffMin = s.duration("retry_backoff_min").orElse(null);
    r.retryBackoffMax = s.duration("retry_backoff_max").orElse(null);
    if (r.syncInterval != null) s.apply("sync_interval", () -> scratch.syncInterval(r.syncInterval));
    if (r.maxDiskBytes != null) s.apply("max_disk_bytes", () -> scratch.maxDiskBytes(r.maxDiskBytes));
    if (r.segmentBytes != null) s.apply("segment_bytes", () -> scratch.segmentBytes(r.segmentBytes));
    if (r.maxRecordBytes != null) s.apply("max_record_bytes", () -> scratch.maxRecordBytes(r.maxRecordBytes));
    if (r.blockTimeout != null) s.apply("block_timeout", () -> scratch.blockTimeout(r.blockTimeout));
    if (r.closeTimeout != null) s.apply("close_timeout", () -> scratch.closeTimeout(r.closeTimeout));
    s.apply(r.retryBackoffMin != null ? "retry_backoff_min" : "retry_backoff_max", () -> r.applyTo(scratch));
    try {
      scratch.validate();
    } catch (IllegalArgumentException e) {
      String key = keyNamedIn(e.getMessage(), s);
      throw s.error(key, s.inUnitsWritten(key, e.getMessage()));
    }
    r.delivery = s.section("delivery").orElse(null);
    return r;
  }

  /** The key of the first builder setting a cross-field message names that the file sets, else any. */
  private static String keyNamedIn(String message, ConfigSection s) {
    String fallback = "";
    for (Map.Entry<String, String> e : KEY_OF_SETTING.entrySet()) {
      if (message.contains(e.getKey())) {
        if (s.has(e.getValue())) return e.getValue();
        fallback = e.getValue();
      }
    }
    return fallback;
  }

  private static Integer intSize(ConfigSection s, String key) {
    OptionalLong v = s.size(key);
    if (v.isEmpty()) return null;
    if (v.getAsLong() > Integer.MAX_VALUE) throw s.error(key, "too large");
    return (int) v.getAsLong();
  }

  private static <E extends Enum<E>> Map<String, E> choices(E[] values) {
    Map<String, E> map = new LinkedHashMap<>();
    for (E e : values) map.put(e.name().toLowerCase(Locale.ROOT), e);
    return map;
  }

  @Override
  public String toString() {
    return "LibrarySettings{directory=" + directory + ", durability=" + durability + ", syncInterval="
        + syncInterval + ", maxDiskBytes=" + maxDiskBytes + ", segmentBytes=" + segmentBytes
        + ", maxRecordBytes=" + maxRecordBytes + ", whenFull=" + whenFull + ", blockTimeout="
        + blockTimeout + ", closeTimeout=" + closeTimeout + ", retryBackoff=" + retryBackoffMin + ".."
        + retryBackoffMax + ", delivery=" + (delivery != null) + "}";
  }
}
