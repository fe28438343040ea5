package dev.analytics.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.analytics.internal.json.StoredObjectNode;
import dev.analytics.spi.Record;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Reads a stored envelope {@code {"id":"…","timestamp":"…","event":{…}}} back into a {@link Record}.
 *
 * <p>The log writes the envelope in that exact layout (EventLog.append), so the id and timestamp are
 * found by position and the event is kept as its stored bytes ({@link StoredObjectNode}), parsed only if a
 * transform or sink reads into it. Parsing every event into a tree here was a quarter of the end-to-end
 * CPU per event (docs/BENCHMARKS.md 8c). Anything in another layout (an escape in the id, whitespace, a
 * future format) or any event bytes that are not valid JSON ({@link JsonObjectScan}) are parsed whole,
 * as before, so the result is the same either way.
 */
final class EnvelopeReader {
  private static final byte[] ID = "{\"id\":\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] TIMESTAMP = "\"timestamp\":\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] EVENT = "\"event\":".getBytes(StandardCharsets.US_ASCII);

  /**
   * The envelope adds a level of nesting to an event that Jackson's default limits accepted, and a
   * record may hold strings up to maxRecordBytes, so those limits must not refuse here what emit()
   * accepted.
   */
  static final ObjectReader READER = new ObjectMapper(JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder()
          .maxNestingDepth(Integer.MAX_VALUE)
          .maxStringLength(Integer.MAX_VALUE)
          .maxNumberLength(Integer.MAX_VALUE)
          .maxDocumentLength(-1)
          .build())
      .build()).reader();

  private EnvelopeReader() {}

  /**
   * @throws IOException or a RuntimeException if the payload is not an envelope (the bytes are what was
   *     written, as their checksum matched, so such a record cannot be delivered)
   */
  static Record read(byte[] payload) throws IOException {
    Record fast = byLayout(payload);
    if (fast != null) return fast;
    JsonNode envelope = READER.readTree(payload);
    return Record.of(envelope.get("id").asText(), Timestamps.parse(envelope.get("timestamp").asText()), envelope);
  }

  /** The record, or null if the payload is not in the layout the log writes. */
  private static Record byLayout(byte[] p) {
    int at = expect(p, 0, ID);
    int idEnd = JsonObjectScan.plainStringEnd(p, at);
    if (idEnd < 0) return null;
    at = expect(p, idEnd + 1, (byte) ',');
    at = expect(p, at, TIMESTAMP);
    int timestampEnd = JsonObjectScan.plainStringEnd(p, at);
    if (timestampEnd < 0) return null;
    int timestampStart = at;
    at = expect(p, timestampEnd + 1, (byte) ',');
    at = expect(p, at, EVENT);
    int eventEnd = p.length - 1; // the envelope's own closing brace
    if (at < 0 || p[eventEnd] != '}' || JsonObjectScan.objectEnd(p, at) != eventEnd - 1) return null;
    String id = new String(p, ID.length, idEnd - ID.length, StandardCharsets.UTF_8);
    String timestamp = new String(p, timestampStart, timestampEnd - timestampStart, StandardCharsets.UTF_8);
    ObjectNode envelope = READER.getConfig().getNodeFactory().objectNode();
    envelope.put("id", id);
    envelope.put("timestamp", timestamp);
    envelope.set("event", StoredObjectNode.of(p, at, eventEnd - at, READER));
    return Record.of(id, Timestamps.parse(timestamp), envelope);
  }

  /** The index after {@code token} at {@code at}, or -1 (also for a -1 {@code at}). */
  private static int expect(byte[] p, int at, byte[] token) {
    if (at < 0 || at + token.length > p.length) return -1;
    for (int i = 0; i < token.length; i++) if (p[at + i] != token[i]) return -1;
    return at + token.length;
  }

  private static int expect(byte[] p, int at, byte b) {
    return at >= 0 && at < p.length && p[at] == b ? at + 1 : -1;
  }
}
