package dev.analytics.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.analytics.internal.json.StoredObjectNode;
import dev.analytics.internal.log.EventLog;
import dev.analytics.internal.log.LogReader;
import dev.analytics.spi.Record;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvelopeReaderTest {
  static final ObjectMapper MAPPER = new ObjectMapper();
  static final String ID = "0190b0c6-8a6e-7c3f-9f5e-1a2b3c4d5e6f";
  static final String TIMESTAMP = "2026-12-01T23:04:05.678Z";
  static final List<String> EVENTS = List.of(
      "{}",
      "{\"event_type\":\"Signed Up\",\"n\":1}",
      "{\"name\":\"Zoë \\\"quoted\\\" \\n ✓\",\"nested\":{\"event\":{\"id\":\"x\"}},\"list\":[1,2.5,null,true]}",
      "{\"text\":\"},\\\"event\\\":{\"}");

  static byte[] envelope(String id, String timestamp, String event) {
    return ("{\"id\":\"" + id + "\",\"timestamp\":\"" + timestamp + "\",\"event\":" + event + "}")
        .getBytes(StandardCharsets.UTF_8);
  }

  /** What reading used to give: the whole payload parsed into a tree. */
  static void assertSameAsParsingWhole(Record record, byte[] payload) throws Exception {
    JsonNode whole = MAPPER.readTree(payload);
    assertThat(record.id()).isEqualTo(whole.get("id").asText());
    assertThat(record.timestamp()).isEqualTo(Instant.parse(whole.get("timestamp").asText()));
    assertThat(record.value()).isEqualTo(whole);
    assertThat(MAPPER.readTree(MAPPER.writeValueAsBytes(record.value()))).isEqualTo(whole);
  }

  @Test
  void theLogsLayoutKeepsTheEventAsItsStoredBytesAndReadsTheSameAsAWholeParse() throws Exception {
    for (String event : EVENTS) {
      byte[] payload = envelope(ID, TIMESTAMP, event);
      Record record = EnvelopeReader.read(payload);
      JsonNode stored = record.value().get("event");
      assertThat(stored).isInstanceOf(StoredObjectNode.class);
      assertThat(((StoredObjectNode) stored).isParsed()).isFalse();
      assertThat(MAPPER.writeValueAsString(record.value().get("event"))).isEqualTo(event); // unparsed still
      assertThat(((StoredObjectNode) stored).isParsed()).isFalse();
      assertSameAsParsingWhole(record, payload);
    }
  }

  @Test
  void recordsWrittenByTheLogItselfTakeTheFastPath(@TempDir Path dir) throws Exception {
    try (EventLog log = EventLog.open(new EventLog.Options(dir), 1)) {
      for (String event : EVENTS) log.append(event.getBytes(StandardCharsets.UTF_8));
      LogReader reader = log.reader(1);
      List<LogReader.Entry> entries = new ArrayList<>();
      reader.read(100, entries);
      assertThat(entries).hasSize(EVENTS.size());
      for (int i = 0; i < entries.size(); i++) {
        Record record = EnvelopeReader.read(entries.get(i).payload);
        assertThat(record.value().get("event")).isInstanceOf(StoredObjectNode.class);
        assertThat(MAPPER.writeValueAsString(record.value().get("event"))).isEqualTo(EVENTS.get(i));
        assertSameAsParsingWhole(record, entries.get(i).payload);
      }
    }
  }

  @Test
  void anyOtherLayoutIsParsedWholeWithTheSameResult() throws Exception {
    List<byte[]> payloads = List.of(
        "{ \"id\":\"a\",\"timestamp\":\"2026-12-01T23:04:05.678Z\",\"event\":{\"n\":1}}".getBytes(StandardCharsets.UTF_8),
        "{\"timestamp\":\"2026-12-01T23:04:05.678Z\",\"id\":\"a\",\"event\":{\"n\":1}}".getBytes(StandardCharsets.UTF_8),
        envelope("a\\\"b", TIMESTAMP, "{\"n\":1}"),
        envelope(ID, "2026-12-01T23:04:05Z", "{\"n\":1}"),
        envelope(ID, TIMESTAMP, "{\"n\":1} "),
        envelope(ID, TIMESTAMP, "{\"n\":1},\"more\":{}"), // ends like one object, is two fields
        envelope(ID, TIMESTAMP, "{\"s\":\"}\"},\"more\":{\"t\":\"{\"}"),
        "{\"id\":\"a\",\"timestamp\":\"2026-12-01T23:04:05.678Z\",\"event\":{\"n\":1},\"more\":2}".getBytes(StandardCharsets.UTF_8));
    for (byte[] payload : payloads) {
      Record record = EnvelopeReader.read(payload);
      assertSameAsParsingWhole(record, payload);
    }
  }

  @Test
  void aPayloadThatIsNotAnEnvelopeFails() {
    assertThatThrownBy(() -> EnvelopeReader.read("not json".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(java.io.IOException.class);
    assertThatThrownBy(() -> EnvelopeReader.read("{\"event\":{}}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(RuntimeException.class);
  }
}
