package dev.analytics.internal.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StoredObjectNodeTest {
  static final ObjectMapper MAPPER = new ObjectMapper();
  static final ObjectReader READER = MAPPER.reader();
  static final String EVENT = "{\"user_id\":\"u-1\",\"n\":42,\"x\":1.5,\"ok\":true,\"none\":null,\"empty\":[],"
      + "\"props\":{\"plan\":\"pro\",\"tags\":[\"a\",\"b\"]},\"name\":\"Zoë \\\"quoted\\\" \\n ✓\"}";

  /** The event inside other bytes, as the log stores it: the node must use only its own slice. */
  static StoredObjectNode stored(String json) {
    byte[] inner = json.getBytes(StandardCharsets.UTF_8);
    byte[] around = new byte[inner.length + 20];
    java.util.Arrays.fill(around, (byte) 'x');
    System.arraycopy(inner, 0, around, 7, inner.length);
    return StoredObjectNode.of(around, 7, inner.length, READER);
  }

  @Test
  void writesItsStoredBytesWithoutParsingThem() throws Exception {
    StoredObjectNode node = stored(EVENT);
    assertThat(new String(MAPPER.writeValueAsBytes(node), StandardCharsets.UTF_8)).isEqualTo(EVENT);
    assertThat(MAPPER.writeValueAsString(node)).isEqualTo(EVENT); // a char-based generator too
    assertThat(node.toString()).isEqualTo(EVENT);
    assertThat(node.isParsed()).isFalse();
  }

  @Test
  void inAnotherTreeItIsWrittenInItsPlaceWithTheRightSeparators() throws Exception {
    ObjectNode body = MAPPER.createObjectNode().put("api_key", "k");
    body.putArray("events").add(stored(EVENT)).add(stored("{}")).add(1);
    body.put("after", "z");
    String expected = "{\"api_key\":\"k\",\"events\":[" + EVENT + ",{},1],\"after\":\"z\"}";
    assertThat(MAPPER.writeValueAsString(body)).isEqualTo(expected);
    assertThat(MAPPER.readTree(MAPPER.writeValueAsBytes(body))).isEqualTo(MAPPER.readTree(expected));
  }

  @Test
  void aLargeObjectLongerThanTheGeneratorsBufferIsWrittenWhole() throws Exception {
    StringBuilder big = new StringBuilder("{");
    for (int i = 0; i < 3000; i++) big.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":\"").append("v".repeat(10)).append('"');
    String json = big.append('}').toString();
    ObjectNode body = MAPPER.createObjectNode().put("before", "b");
    body.set("event", stored(json));
    assertThat(MAPPER.writeValueAsString(body)).isEqualTo("{\"before\":\"b\",\"event\":" + json + "}");
    assertThat(new String(MAPPER.writeValueAsBytes(body), StandardCharsets.UTF_8))
        .isEqualTo("{\"before\":\"b\",\"event\":" + json + "}");
  }

  @Test
  void readingItGivesTheSameFieldsAsParsingAndThenItIsAnOrdinaryObjectNode() throws Exception {
    JsonNode parsed = MAPPER.readTree(EVENT);
    StoredObjectNode node = stored(EVENT);
    assertThat(node.get("n").asInt()).isEqualTo(42);
    assertThat(node.isParsed()).isTrue();
    assertThat(node.size()).isEqualTo(parsed.size());
    assertThat(node.get("props")).isEqualTo(parsed.get("props"));
    assertThat(node.path("name").asText()).isEqualTo(parsed.get("name").asText());
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    assertThat(names).containsExactly("user_id", "n", "x", "ok", "none", "empty", "props", "name");
    assertThat(node).isEqualTo(parsed);
    assertThat(parsed).isEqualTo(node);
    assertThat(node.hashCode()).isEqualTo(parsed.hashCode());
    assertThat(node.deepCopy()).isEqualTo(parsed);
  }

  @Test
  void equalityParsesAnUnreadNode() throws Exception {
    assertThat(stored(EVENT)).isEqualTo(MAPPER.readTree(EVENT));
    assertThat(MAPPER.readTree(EVENT)).isEqualTo(stored(EVENT));
    assertThat(stored(EVENT)).isNotEqualTo(MAPPER.readTree("{\"user_id\":\"u-1\"}"));
  }

  @Test
  void aChangeShowsWhenItIsWritten() throws Exception {
    StoredObjectNode node = stored(EVENT);
    node.put("added", "yes");
    node.remove("props");
    JsonNode written = MAPPER.readTree(MAPPER.writeValueAsString(node));
    assertThat(written.get("added").asText()).isEqualTo("yes");
    assertThat(written.has("props")).isFalse();
    assertThat(written.get("user_id").asText()).isEqualTo("u-1");
  }

  @Test
  void settingsThatWriteFieldsDifferentlyAreHonoured() throws Exception {
    JsonNode parsed = MAPPER.readTree(EVENT);
    // Each: the same settings on the parsed tree give the expected text; the stored node must match it.
    List<ObjectMapper> mappers = List.of(
        JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build(),
        JsonMapper.builder().enable(JsonNodeFeature.WRITE_PROPERTIES_SORTED).build(),
        JsonMapper.builder().disable(JsonNodeFeature.WRITE_NULL_PROPERTIES).build(),
        JsonMapper.builder().disable(SerializationFeature.WRITE_EMPTY_JSON_ARRAYS).build(),
        JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build(),
        JsonMapper.builder().enable(JsonWriteFeature.WRITE_NUMBERS_AS_STRINGS).build());
    for (ObjectMapper mapper : mappers) {
      String expected = mapper.writeValueAsString(parsed);
      assertThat(expected).isNotEqualTo(EVENT); // the setting does change the text
      assertThat(mapper.writeValueAsString(stored(EVENT))).isEqualTo(expected);
      assertThat(new String(mapper.writeValueAsBytes(stored(EVENT)), StandardCharsets.UTF_8)).isEqualTo(expected);
    }
  }

  @Test
  void aGeneratorThatRefusesDuplicateNamesGetsTheFieldsWhichHaveNone() throws Exception {
    ObjectMapper strict = JsonMapper.builder().enable(StreamWriteFeature.STRICT_DUPLICATE_DETECTION).build();
    String repeated = "{\"a\":1,\"b\":{\"c\":1,\"c\":2},\"a\":3}";
    String expected = strict.writeValueAsString(MAPPER.readTree(repeated));
    assertThat(expected).isEqualTo("{\"a\":3,\"b\":{\"c\":2}}");
    assertThat(strict.writeValueAsString(stored(repeated))).isEqualTo(expected);
  }

  @Test
  void conversionsThroughOtherGeneratorsSeeTheFields() {
    @SuppressWarnings("unchecked")
    Map<String, Object> map = MAPPER.convertValue(stored(EVENT), Map.class); // through a TokenBuffer
    assertThat(map).containsEntry("n", 42).containsKey("props");
    assertThat(MAPPER.valueToTree(stored(EVENT)).equals(MAPPER.valueToTree(map))).isTrue();
  }

  @Test
  void quickTestsOnTheStoredBytes() {
    StoredObjectNode node = stored(EVENT);
    assertThat(node.storedBytesContain("\"props\"".getBytes(StandardCharsets.UTF_8))).isTrue();
    assertThat(node.storedBytesContain("\"insert_id\"".getBytes(StandardCharsets.UTF_8))).isFalse();
    assertThat(node.storedBytesContain("xx".getBytes(StandardCharsets.UTF_8))).isFalse(); // not in the bytes around it
    assertThat(node.storedEmpty()).isFalse();
    assertThat(stored("{}").storedEmpty()).isTrue();
    assertThat(stored("{ }").storedEmpty()).isTrue();
    assertThat(node.isParsed()).isFalse();
  }

  @Test
  void onlyAnObjectsBytesAreAccepted() {
    assertThatThrownBy(() -> stored("[1]")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> stored("1")).isInstanceOf(IllegalArgumentException.class);
  }
}
