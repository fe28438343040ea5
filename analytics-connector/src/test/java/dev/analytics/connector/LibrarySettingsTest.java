package dev.analytics.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.analytics.Durability;
import dev.analytics.WhenFull;
import dev.analytics.spi.SinkSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The {@code analytics:} section: every key, its parsing, and its errors. */
class LibrarySettingsTest {
  private static final String HEAD =
      "apiVersion: 0.1.0\nmeta:\n  name: c\n  type: http-sink\n  topic: t\nhttp:\n  endpoint: http://x\n";
  private final List<String> warnings = Fixtures.newWarnings();

  @BeforeEach
  @AfterEach
  void reset() {
    TestProviders.reset();
  }

  private LibrarySettings settings(String analytics) {
    return Fixtures.loader(HEAD + "analytics:\n" + analytics, warnings).load().settings();
  }

  private void fails(String analytics, String... parts) {
    assertThatThrownBy(() -> settings(analytics)).isInstanceOf(IllegalArgumentException.class)
        .satisfies(e -> {
          for (String part : parts) assertThat(e.getMessage()).contains(part);
        });
  }

  @Test
  void absentSectionKeepsEveryDefault() {
    LibrarySettings s = Fixtures.loader(HEAD, warnings).load().settings();
    assertThat(s.directory()).isEmpty();
    assertThat(s.durability()).isEmpty();
    assertThat(s.maxDiskBytes()).isEmpty();
    assertThat(s.whenFull()).isEmpty();
    assertThat(s.delivery().isEmpty()).isTrue();
  }

  @Test
  void everyKeyIsRead() {
    LibrarySettings s = settings(""
        + "  directory: /var/lib/svc/analytics\n"
        + "  durability: sync\n"
        + "  sync_interval: 250ms\n"
        + "  max_disk_bytes: 512MiB\n"
        + "  segment_bytes: 8388608\n"
        + "  max_record_bytes: 64 KiB\n"
        + "  when_full: drop_oldest\n"
        + "  block_timeout: 2s\n"
        + "  close_timeout: 1m 30s\n"
        + "  retry_backoff_min: 100ms\n"
        + "  retry_backoff_max: 10m\n"
        + "  delivery:\n"
        + "    mode: per-record\n"
        + "    max_batch_records: 100\n"
        + "    max_batch_bytes: 1MB\n"
        + "    linger: 20ms\n"
        + "    max_in_flight: 4\n");
    assertThat(s.directory()).contains(Path.of("/var/lib/svc/analytics"));
    assertThat(s.durability()).contains(Durability.SYNC);
    assertThat(s.syncInterval()).contains(Duration.ofMillis(250));
    assertThat(s.maxDiskBytes()).hasValue(512L << 20);
    assertThat(s.segmentBytes()).hasValue(8 << 20);
    assertThat(s.maxRecordBytes()).hasValue(64 << 10);
    assertThat(s.whenFull()).contains(WhenFull.DROP_OLDEST);
    assertThat(s.blockTimeout()).contains(Duration.ofSeconds(2));
    assertThat(s.closeTimeout()).contains(Duration.ofSeconds(90));
    assertThat(s.retryBackoffMin()).contains(Duration.ofMillis(100));
    assertThat(s.retryBackoffMax()).contains(Duration.ofMinutes(10));
    // Handed to the sink's provider as written: it alone reads and checks these keys.
    assertThat(s.delivery().toString()).isEqualTo(
        "{\"mode\":\"per-record\",\"max_batch_records\":100,\"max_batch_bytes\":\"1MB\",\"linger\":\"20ms\",\"max_in_flight\":4}");
    assertThat(warnings).isEmpty();
  }

  @Test
  void deliveryIsHandedToTheSinkProvider() {
    Fixtures.loader(HEAD + "analytics:\n  delivery:\n    mode: BATCH\n    max_batch_bytes: 256KiB\n", warnings).configure();
    SinkSettings settings = TestProviders.SINK_SETTINGS.get(0);
    assertThat(settings.delivery().path()).isEqualTo("analytics.delivery");
    assertThat(settings.delivery().node().toString()).isEqualTo("{\"mode\":\"BATCH\",\"max_batch_bytes\":\"256KiB\"}");
    assertThat(settings.delivery().line("max_batch_bytes")).isEqualTo(11);
  }

  @Test
  void deliveryKeysTheSinkKnowsArePassedThroughForItToCheck() {
    ConnectorConfig config = Fixtures.loader(HEAD + "analytics:\n  delivery:\n    mode: json-array\n"
        + "    merge_field: events\n    gzip: true\n", warnings).load();
    assertThat(config.settings().delivery().toString())
        .isEqualTo("{\"mode\":\"json-array\",\"merge_field\":\"events\",\"gzip\":true}");
    assertThat(config.warnings()).isEmpty();
  }

  @Test
  void sinkRejectionOfADeliveryKeyGetsItsLine() {
    assertThatThrownBy(() -> Fixtures.loader(HEAD.replace("http-sink", "failing-sink")
            + "failing:\n  token: delivery.mode\nanalytics:\n  delivery:\n    mode: json-array\n", warnings).configure())
        .hasMessageContaining("(line 9): sink failing-sink: failing.token: not accepted: delivery.mode");
  }

  @Test
  void directoryFromTheSectionIsTheBaseOfTheTopicDirectory() {
    ConnectorConfig config = Fixtures.loader(HEAD + "analytics:\n  directory: data/q\n", warnings).load();
    assertThat(config.directory()).isEqualTo(Path.of("data", "q", "t"));
  }

  @Test
  void wrongValuesNameTheKeyPathAndLine() {
    fails("  durability: always\n", "analytics.durability (line 9)", "expected one of [periodic, sync]: \"always\"");
    fails("  when_full: wait\n", "analytics.when_full (line 9)", "[block, drop_newest, drop_oldest]");
    fails("  sync_interval: 5 parsecs\n", "analytics.sync_interval (line 9)", "unknown unit \"parsecs\"");
    fails("  sync_interval: 5\n", "analytics.sync_interval (line 9)", "expected a duration like 500ms");
    fails("  max_disk_bytes: 12XB\n", "analytics.max_disk_bytes (line 9)", "unknown unit \"XB\"");
    fails("  max_disk_bytes: [1]\n", "analytics.max_disk_bytes (line 9)", "expected a byte size");
    fails("  segment_bytes: 4GiB\n", "analytics.segment_bytes (line 9)", "too large");
    fails("  directory: \"\"\n", "analytics.directory (line 9)", "must not be empty");
    // The delivery keys belong to the sink: analytics-http's HttpSinkProviderFileTest checks their errors.
    fails("  delivery: batch\n", "analytics.delivery (line 9)", "expected a mapping");
    fails("  - directory: x\n", "analytics (line 8)", "expected a mapping");
  }

  @Test
  void builderRangeChecksAreReportedWithTheKeyPath() {
    fails("  max_disk_bytes: 1000\n", "analytics.max_disk_bytes (line 9)", "maxDiskBytes < 131072: 1000");
    fails("  sync_interval: 2h\n", "analytics.sync_interval (line 9)", "syncInterval out of range");
    fails("  block_timeout: 2h\n", "analytics.block_timeout (line 9)", "blockTimeout out of range");
    fails("  retry_backoff_min: 5m\n  retry_backoff_max: 1m\n", "analytics.retry_backoff_min (line 9)", "retryBackoff max < initial");
  }

  @Test
  void crossFieldRulesAreReportedWithTheKeyPath() {
    fails("  max_disk_bytes: 1MiB\n  segment_bytes: 1MiB\n", "analytics.max_disk_bytes (line 9)", "at least two segments");
    fails("  segment_bytes: 128KiB\n  max_record_bytes: 1MiB\n", "analytics.max_record_bytes (line 10)", "must be at most half of segmentBytes (0.125 MiB)");
    // Without max_record_bytes, the default is capped at half a segment, as the builder does.
    assertThat(settings("  segment_bytes: 128KiB\n").segmentBytes()).hasValue(128 << 10);
    fails("  max_disk_bytes: 256KiB\n  max_record_bytes: 64KiB\n", "analytics.max_record_bytes (line 10)", "at most half");
  }

  @Test
  void sizeMessagesSpeakTheUnitsTheFileWasWrittenIn() {
    fails("  segment_bytes: 1500MiB\n", "analytics.segment_bytes (line 9)",
        "out of range [0.063 MiB, 1024 MiB]: 1500 MiB");
    fails("  segment_bytes: 32KiB\n", "analytics.segment_bytes (line 9)", "out of range [64 KiB, 1048576 KiB]: 32 KiB");
    fails("  max_disk_bytes: 64KiB\n", "analytics.max_disk_bytes (line 9)", "maxDiskBytes < 128 KiB: 64 KiB");
    fails("  segment_bytes: 128KiB\n  max_record_bytes: 100KiB\n", "analytics.max_record_bytes (line 10)",
        "at most half of segmentBytes (128 KiB): 100 KiB");
    // A plain count stays a plain count.
    fails("  max_disk_bytes: 65536\n", "analytics.max_disk_bytes (line 9)", "maxDiskBytes < 131072: 65536");
  }

  @Test
  void smallDiskCapWithSmallRecordsIsAccepted() {
    LibrarySettings s = settings("  max_disk_bytes: 256KiB\n  max_record_bytes: 16KiB\n");
    assertThat(s.maxDiskBytes()).hasValue(256 << 10);
    // also accepted by the builder itself
    Fixtures.loader(HEAD + "analytics:\n  max_disk_bytes: 256KiB\n  max_record_bytes: 16KiB\n", warnings).configure();
  }
}
