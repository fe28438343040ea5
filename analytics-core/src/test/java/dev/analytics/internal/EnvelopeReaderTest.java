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

  /**
   * A mapper given to emit() can write bytes that are not JSON (NaN with WRITE_NAN_AS_STRINGS off, a
   * {@code @JsonRawValue}, a custom serializer): they must be refused here as a whole parse refuses
   * them, never kept as stored bytes that would go out raw in a request body with other events.
   */
  @Test
  void eventBytesThatAWholeParseRefusesAreRefusedHereToo() throws Exception {
    List<String> events = List.of(
        "{\"x\":NaN}", "{\"x\":-Infinity}", "{\"raw\":not json}", "{\"n\":01}", "{\"n\":1.}", "{\"n\":-}",
        "{\"n\":.5}", "{\"n\":+1}", "{\"n\":1e}", "{\"a\":1,}", "{\"a\" 1}", "{\"a\":1 \"b\":2}", "{'a':1}",
        "{a:1}", "{\"a\":tru}", "{\"a\":nulls}", "{\"a\":[1 2]}", "{\"a\":[1,]}", "{\"a\":\"\\x\"}",
        "{\"a\":\"\\u12g4\"}", "{\"a\":\"tab\tinside\"}", "{\"a\":1/*c*/}", "{\"a\":[}]}", "{\"a\":{]}", "{,}",
        "{\"a\":}", "{\"a\"}", "{\"a\":1:2}");
    List<byte[]> payloads = new ArrayList<>();
    for (String event : events) payloads.add(envelope(ID, TIMESTAMP, event));
    byte[] badUtf8 = envelope(ID, TIMESTAMP, "{\"s\":\"ab\"}");
    badUtf8[badUtf8.length - 4] = (byte) 0xFF; // in place of the b
    payloads.add(badUtf8);
    byte[] truncatedUtf8 = envelope(ID, TIMESTAMP, "{\"s\":\"ab\"}");
    truncatedUtf8[truncatedUtf8.length - 4] = (byte) 0xC3; // a lead byte followed by a quote
    payloads.add(truncatedUtf8);
    byte[] badId = envelope("ab", TIMESTAMP, "{}");
    badId[8] = (byte) 0xE2; // the id "a" then a three-byte lead byte, then the quote
    payloads.add(badId);
    for (byte[] payload : payloads) {
      String shown = new String(payload, StandardCharsets.UTF_8);
      assertThatThrownBy(() -> MAPPER.readTree(payload)).as("a whole parse of %s", shown).isInstanceOf(java.io.IOException.class);
      assertThatThrownBy(() -> EnvelopeReader.read(payload)).as(shown).isInstanceOf(java.io.IOException.class);
    }
  }

  @Test
  void validJsonInEveryFormTheScanChecksKeepsTheStoredBytes() throws Exception {
    List<String> events = List.of(
        "{\"n\":[0,-0,7,-12,0.5,-0.25e10,1E+5,2e-3,12345678901234567890123]}",
        "{\"s\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\uD83D\\uDE00\",\"raw\":\"é ✓ 😀 \u007f\"}",
        "{\"l\":[true,false,null,[],{},[[{\"a\":[{}]}]]],\"o\":{\"\":\"\"}}",
        "{ \"pretty\" : [ 1 , { \"a\" : null } ] ,\n  \"b\"\t:\r\n\"c\" }",
        "{\"deep\":" + "[".repeat(200) + "1" + "]".repeat(200) + "}");
    for (String event : events) {
      byte[] payload = envelope(ID, TIMESTAMP, event);
      Record record = EnvelopeReader.read(payload);
      assertThat(record.value().get("event")).as(event).isInstanceOf(StoredObjectNode.class);
      assertThat(MAPPER.writeValueAsString(record.value().get("event"))).isEqualTo(event);
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
