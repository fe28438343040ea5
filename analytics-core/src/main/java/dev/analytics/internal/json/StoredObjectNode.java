package dev.analytics.internal.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.json.JsonGeneratorImpl;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A JSON object still held as the compact UTF-8 bytes the log stored, parsed into its fields only when
 * something reads or changes them. Until then, writing it to a JSON generator copies those bytes: an
 * event that the transforms pass through whole (as the seed connector's chain does) is never parsed
 * into a tree nor serialized again on its way from the log to the request body, which was half the
 * dispatcher's work per event (docs/BENCHMARKS.md 8c).
 *
 * <p>Everything else behaves as an {@link ObjectNode}: every read or change goes through the field map,
 * which parses on first use; from then on the node is an ordinary object node (and is written from its
 * fields, so changes show). Writing falls back to the fields too whenever the generator or the
 * serializer's settings could write the same fields differently (pretty printing, escaping, sorting,
 * filtering, a generator that is not JSON).
 *
 * <p>The bytes must be one JSON object written by Jackson (the log's own envelope guarantees it, under its
 * checksum). Safe to read from one thread at a time, as records are; parsing is guarded anyway.
 */
public final class StoredObjectNode extends ObjectNode {
  private static final long serialVersionUID = 1L;

  private final transient Fields fields;

  private StoredObjectNode(JsonNodeFactory factory, Fields fields) {
    super(factory, fields);
    this.fields = fields;
  }

  /**
   * @param json the object's compact JSON; kept, not copied (the caller hands it over)
   * @param reader parses it on first use, with the limits the bytes were accepted under
   */
  public static StoredObjectNode of(byte[] json, int offset, int length, ObjectReader reader) {
    if (length < 2 || json[offset] != '{' || json[offset + length - 1] != '}') {
      throw new IllegalArgumentException("not a JSON object: " + length + " bytes");
    }
    return new StoredObjectNode(reader.getConfig().getNodeFactory(), new Fields(json, offset, length, reader));
  }

  /** True once anything read or changed the fields: from then on its JSON is written from them. */
  public boolean isParsed() {
    return fields.parsed != null;
  }

  /** True if {@code needle} occurs anywhere in the stored bytes (a quick test before parsing). */
  public boolean storedBytesContain(byte[] needle) {
    byte[] json = fields.json;
    byte first = needle[0];
    int last = fields.offset + fields.length - needle.length;
    outer:
    for (int i = fields.offset; i <= last; i++) {
      if (json[i] != first) continue;
      for (int j = 1; j < needle.length; j++) if (json[i + j] != needle[j]) continue outer;
      return true;
    }
    return false;
  }

  /** True if the stored object has no fields. */
  public boolean storedEmpty() {
    for (int i = fields.offset + 1; i < fields.offset + fields.length - 1; i++) {
      byte b = fields.json[i];
      if (b != ' ' && b != '\t' && b != '\n' && b != '\r') return false;
    }
    return true;
  }

  /** Writes the stored bytes as they are (whatever {@link #isParsed()} says). */
  public void writeStoredTo(OutputStream out) throws IOException {
    out.write(fields.json, fields.offset, fields.length);
  }

  @Override
  public void serialize(JsonGenerator g, SerializerProvider provider) throws IOException {
    if (!isParsed() && writesAsStored(g, provider)) {
      g.writeRawValue(new RawBytes(fields.json, fields.offset, fields.length));
      return;
    }
    super.serialize(g, provider);
  }

  /** Its JSON; the stored text while unparsed (Jackson's own toString walks the fields). */
  @Override
  public String toString() {
    return isParsed() ? super.toString() : new String(fields.json, fields.offset, fields.length, StandardCharsets.UTF_8);
  }

  /** The generator and settings under which writing the fields would give back the stored bytes' meaning. */
  private static boolean writesAsStored(JsonGenerator g, SerializerProvider provider) {
    if (!(g instanceof JsonGeneratorImpl) || g.getPrettyPrinter() != null || g.getCharacterEscapes() != null
        || ((JsonGeneratorImpl) g).getHighestEscapedChar() != 0) {
      return false;
    }
    @SuppressWarnings("deprecation")
    boolean plainJson = g.isEnabled(JsonGenerator.Feature.QUOTE_FIELD_NAMES)
        && !g.isEnabled(JsonGenerator.Feature.ESCAPE_NON_ASCII)
        && !g.isEnabled(JsonGenerator.Feature.WRITE_NUMBERS_AS_STRINGS)
        // The stored bytes may repeat a name (a mapper's @JsonAnyGetter beside a property): the fields
        // keep the last, as parsing did, for a caller that asks for no duplicates.
        && !g.isEnabled(JsonGenerator.Feature.STRICT_DUPLICATE_DETECTION);
    return plainJson && (provider == null
        || (provider.isEnabled(SerializationFeature.WRITE_EMPTY_JSON_ARRAYS)
            && provider.isEnabled(JsonNodeFeature.WRITE_NULL_PROPERTIES)
            && !provider.isEnabled(JsonNodeFeature.WRITE_PROPERTIES_SORTED)));
  }

  /** The field map: parses the bytes the first time any method is called, then delegates. */
  private static final class Fields extends AbstractMap<String, JsonNode> {
    final byte[] json;
    final int offset;
    final int length;
    private final ObjectReader reader;
    volatile LinkedHashMap<String, JsonNode> parsed;

    Fields(byte[] json, int offset, int length, ObjectReader reader) {
      this.json = json;
      this.offset = offset;
      this.length = length;
      this.reader = reader;
    }

    private Map<String, JsonNode> map() {
      LinkedHashMap<String, JsonNode> map = parsed;
      return map != null ? map : parse();
    }

    private synchronized Map<String, JsonNode> parse() {
      if (parsed != null) return parsed;
      JsonNode tree;
      try {
        tree = reader.readTree(json, offset, length);
      } catch (IOException e) {
        // Checked by the log's checksum and written by Jackson: a failure here is a defect, not input.
        throw new UncheckedIOException("stored JSON object does not parse: " + e.getMessage(), e);
      }
      LinkedHashMap<String, JsonNode> map = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = tree.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        map.put(e.getKey(), e.getValue());
      }
      parsed = map;
      return map;
    }

    @Override public int size() { return map().size(); }
    @Override public boolean isEmpty() { return map().isEmpty(); }
    @Override public boolean containsKey(Object key) { return map().containsKey(key); }
    @Override public boolean containsValue(Object value) { return map().containsValue(value); }
    @Override public JsonNode get(Object key) { return map().get(key); }
    @Override public JsonNode getOrDefault(Object key, JsonNode fallback) { return map().getOrDefault(key, fallback); }
    @Override public JsonNode put(String key, JsonNode value) { return map().put(key, value); }
    @Override public JsonNode remove(Object key) { return map().remove(key); }
    @Override public void putAll(Map<? extends String, ? extends JsonNode> m) { map().putAll(m); }
    @Override public void clear() { map().clear(); }
    @Override public Set<String> keySet() { return map().keySet(); }
    @Override public Collection<JsonNode> values() { return map().values(); }
    @Override public Set<Map.Entry<String, JsonNode>> entrySet() { return map().entrySet(); }
    @Override public void forEach(BiConsumer<? super String, ? super JsonNode> action) { map().forEach(action); }
    @Override public void replaceAll(BiFunction<? super String, ? super JsonNode, ? extends JsonNode> f) { map().replaceAll(f); }
    @Override public JsonNode putIfAbsent(String key, JsonNode value) { return map().putIfAbsent(key, value); }
    @Override public boolean remove(Object key, Object value) { return map().remove(key, value); }
    @Override public boolean replace(String key, JsonNode old, JsonNode value) { return map().replace(key, old, value); }
    @Override public JsonNode replace(String key, JsonNode value) { return map().replace(key, value); }
    @Override public JsonNode computeIfAbsent(String key, Function<? super String, ? extends JsonNode> f) { return map().computeIfAbsent(key, f); }
    @Override public JsonNode computeIfPresent(String key, BiFunction<? super String, ? super JsonNode, ? extends JsonNode> f) { return map().computeIfPresent(key, f); }
    @Override public JsonNode compute(String key, BiFunction<? super String, ? super JsonNode, ? extends JsonNode> f) { return map().compute(key, f); }
    @Override public JsonNode merge(String key, JsonNode value, BiFunction<? super JsonNode, ? super JsonNode, ? extends JsonNode> f) { return map().merge(key, value, f); }
    @Override public boolean equals(Object o) { return o == this || map().equals(o); }
    @Override public int hashCode() { return map().hashCode(); }
    @Override public String toString() { return map().toString(); }
  }

  /**
   * Stored UTF-8 bytes handed to a generator as its raw value. Only the unquoted forms are asked for by
   * {@code writeRawValue}; the quoted ones (a field name's) are not meaningful for an object.
   */
  private static final class RawBytes implements SerializableString {
    private final byte[] json;
    private final int offset;
    private final int length;

    RawBytes(byte[] json, int offset, int length) {
      this.json = json;
      this.offset = offset;
      this.length = length;
    }

    @Override public String getValue() { return new String(json, offset, length, StandardCharsets.UTF_8); }
    @Override public int charLength() { return getValue().length(); }
    @Override public byte[] asUnquotedUTF8() { return Arrays.copyOfRange(json, offset, offset + length); }

    @Override
    public int appendUnquotedUTF8(byte[] buffer, int at) {
      if (at + length > buffer.length) return -1;
      System.arraycopy(json, offset, buffer, at, length);
      return length;
    }

    @Override
    public int appendUnquoted(char[] buffer, int at) {
      String value = getValue();
      if (at + value.length() > buffer.length) return -1;
      value.getChars(0, value.length(), buffer, at);
      return value.length();
    }

    @Override
    public int writeUnquotedUTF8(OutputStream out) throws IOException {
      out.write(json, offset, length);
      return length;
    }

    @Override
    public int putUnquotedUTF8(ByteBuffer out) {
      if (out.remaining() < length) return -1;
      out.put(json, offset, length);
      return length;
    }

    @Override public char[] asQuotedChars() { throw quoted(); }
    @Override public byte[] asQuotedUTF8() { throw quoted(); }
    @Override public int appendQuotedUTF8(byte[] buffer, int at) { throw quoted(); }
    @Override public int appendQuoted(char[] buffer, int at) { throw quoted(); }
    @Override public int writeQuotedUTF8(OutputStream out) { throw quoted(); }
    @Override public int putQuotedUTF8(ByteBuffer out) { throw quoted(); }

    private static UnsupportedOperationException quoted() {
      return new UnsupportedOperationException("a stored JSON object is written raw, never quoted");
    }
  }
}
