package dev.analytics.kafka.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.analytics.spi.Record;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

class EnvelopesTest {
  private static final long KAFKA_TIME = Instant.parse("2026-12-01T09:00:00Z").toEpochMilli();

  @Test
  void anEnvelopeFromKafkaSinkIsTheRecordAsStored() throws Exception {
    String envelope = "{\"id\":\"01a2\",\"timestamp\":\"2026-12-01T10:00:00Z\",\"event\":{\"event_type\":\"click\"}}";
    Record record = Envelopes.toRecord(record(envelope.getBytes(StandardCharsets.UTF_8), "01a2"));
    assertThat(record.id()).isEqualTo("01a2");
    assertThat(record.timestamp()).isEqualTo(Instant.parse("2026-12-01T10:00:00Z"));
    assertThat(record.value().toString()).isEqualTo(envelope);
  }

  @Test
  void otherJsonIsWrappedWithAStableIdFromTheHeaderOrTheOffset() throws Exception {
    Record withHeader = Envelopes.toRecord(record("{\"event_type\":\"click\"}", "id-from-header"));
    assertThat(withHeader.id()).isEqualTo("id-from-header");
    assertThat(withHeader.value().path("event").path("event_type").asText()).isEqualTo("click");
    assertThat(withHeader.value().path("id").asText()).isEqualTo("id-from-header");

    Record fromMap = Envelopes.toRecord(record(Map.of("event_type", "view"), null));
    assertThat(fromMap.id()).isEqualTo("service-events-2-41");
    assertThat(fromMap.timestamp()).isEqualTo(Instant.ofEpochMilli(KAFKA_TIME));
    assertThat(fromMap.value().path("timestamp").asText()).isEqualTo("2026-12-01T09:00:00Z");
    assertThat(Envelopes.toRecord(record(Map.of("event_type", "view"), null)).id()).as("stable across redeliveries")
        .isEqualTo(fromMap.id());
  }

  @Test
  void unreadableValuesSayWhyAndWhatToConfigure() {
    assertThatThrownBy(() -> Envelopes.toRecord(record("{not json", null)))
        .isInstanceOf(Envelopes.Unreadable.class).hasMessageStartingWith("the value is not JSON");
    assertThatThrownBy(() -> Envelopes.toRecord(record(42, null)))
        .hasMessageContaining("java.lang.Integer").hasMessageContaining("ByteArrayConverter");
    assertThatThrownBy(() -> Envelopes.toRecord(record(null, null))).hasMessageContaining("tombstone");
  }

  private static SinkRecord record(Object value, String idHeader) {
    ConnectHeaders headers = new ConnectHeaders();
    if (idHeader != null) headers.addString(AnalyticsSinkTask.ID_HEADER, idHeader);
    return new SinkRecord("service-events", 2, null, null, null, value, 41, KAFKA_TIME, TimestampType.CREATE_TIME, headers);
  }
}
