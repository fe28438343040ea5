package dev.analytics.http.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.analytics.internal.json.StoredObjectNode;
import dev.analytics.spi.Record;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** Turns records into {@link Part}s and parts into request bodies, within the per-request limits. */
final class Planner {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private final BodyShape shape;
  /** The merge field; null unless the shape is MERGE_ON_ARRAY_FIELD. */
  private final String field;
  private final int maxRecords;
  private final int maxBytes;
  private final EventShaper shaper;
  private final byte[] fieldPrefix;

  Planner(DeliveryConfig.Bodies bodies, EventShaper shaper) {
    this.shape = bodies.shape();
    this.field = shape == BodyShape.MERGE_ON_ARRAY_FIELD ? bodies.mergeField() : null;
    this.maxRecords = bodies.maxRequestRecords();
    this.maxBytes = bodies.maxRequestBytes();
    this.shaper = shaper;
    this.fieldPrefix = field == null ? null : concat(json(field), ":[".getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Serializes values one after another through a single generator: creating a Jackson generator per
   * event cost more than writing the event. Nodes serialize themselves with one shared provider
   * ({@code ObjectMapper.writeTree} builds a provider per call). One per batch, on one thread; it also
   * remembers the last merge group, which consecutive records almost always share.
   */
  static final class Writer {
    private static final SerializerProvider PROVIDER = MAPPER.getSerializerProviderInstance();
    private final Buffer buffer = new Buffer();
    private final JsonGenerator generator;
    private ObjectNode lastBefore;
    private ObjectNode lastAfter;
    private Part.Merged lastGroup;

    Writer() {
      try {
        generator = MAPPER.getFactory().createGenerator(buffer);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      generator.setRootValueSeparator(null);
    }

    byte[] write(JsonNode node) throws IOException {
      buffer.reset();
      node.serialize(generator, PROVIDER);
      generator.flush();
      return buffer.toByteArray();
    }

    /** {@code object} with one more string field at its end, written once (no copy of the tree or bytes). */
    byte[] writeWithField(ObjectNode object, String name, String value) throws IOException {
      buffer.reset();
      generator.writeStartObject();
      for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        generator.writeFieldName(f.getKey());
        f.getValue().serialize(generator, PROVIDER);
      }
      generator.writeStringField(name, value);
      generator.writeEndObject();
      generator.flush();
      return buffer.toByteArray();
    }

    /**
     * A stored object's bytes with one more string field before its closing brace: neither parsed nor
     * serialized again. The caller knows the object has no field of that name.
     */
    byte[] writeStoredWithField(StoredObjectNode object, String name, String value) throws IOException {
      buffer.reset();
      object.writeStoredTo(buffer);
      buffer.dropLast(); // its closing brace
      if (!object.storedEmpty()) buffer.write(',');
      generator.writeString(name); // a root value each: no separator is written between them
      generator.flush();
      buffer.write(':');
      generator.writeString(value);
      generator.flush();
      buffer.write('}');
      return buffer.toByteArray();
    }

    /** The merge group of {@code before} and {@code after}: the last one if they are equal to its fields. */
    Part.Merged group(ObjectNode before, ObjectNode after, Consumer<String> onApiKey) throws IOException {
      if (lastGroup != null && before.equals(lastBefore) && after.equals(lastAfter)) return lastGroup;
      learnCredentials(before, onApiKey);
      learnCredentials(after, onApiKey);
      byte[] beforeBytes = write(before);
      byte[] afterBytes = write(after);
      String groupKey = new String(beforeBytes, StandardCharsets.UTF_8) + '\u0000' + new String(afterBytes, StandardCharsets.UTF_8);
      lastBefore = before;
      lastAfter = after;
      lastGroup = new Part.Merged(groupKey, beforeBytes, afterBytes, null);
      return lastGroup;
    }
  }

  /** A byte buffer that can take back its last byte. */
  private static final class Buffer extends ByteArrayOutputStream {
    Buffer() {
      super(512);
    }

    void dropLast() {
      count--;
    }
  }

  /**
   * Serializes one record, its events through the {@link EventShaper} (which never mutates the
   * record's value). Top-level credential fields such as {@code api_key} are passed to {@code onApiKey}
   * so that messages can mask them.
   */
  Part prepare(int index, Record record, Consumer<String> onApiKey, Writer writer) throws IOException {
    JsonNode value = record.value();
    if (field != null && value.isObject() && value.get(field) instanceof ArrayNode) {
      // Shallow: the children are shared, never mutated.
      ObjectNode before = MAPPER.createObjectNode();
      ObjectNode after = MAPPER.createObjectNode();
      ArrayNode array = null;
      for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        if (f.getKey().equals(field)) {
          array = (ArrayNode) f.getValue();
        } else {
          (array == null ? before : after).set(f.getKey(), f.getValue());
        }
      }
      Part.Merged group = writer.group(before, after, onApiKey);
      List<byte[]> elements = new ArrayList<>(array.size());
      List<JsonNode> events = new ArrayList<>(array.size());
      for (int i = 0; i < array.size(); i++) {
        JsonNode e = array.get(i);
        elements.add(shaper.writeElement(e, record.id(), i, array.size(), writer));
        events.add(e);
      }
      return new Part(index, record.id(), new Part.Merged(group.groupKey(), group.before(), group.after(), elements),
          null, events);
    }
    learnCredentials(value, onApiKey);
    value = shaper.shapeWhole(value, record.id());
    List<JsonNode> events = new ArrayList<>();
    JsonNode array = value.isObject() ? value.get(field == null ? "events" : field) : null;
    if (array instanceof ArrayNode) array.forEach(events::add);
    return new Part(index, record.id(), null, writer.write(value), events);
  }

  /**
   * Top-level credentials in bodies (Amplitude's api_key, a "token"...) must never be echoed back into a
   * log line or a reason by a server's error message: they are learned as values to mask.
   */
  private static void learnCredentials(JsonNode value, Consumer<String> onApiKey) {
    if (!value.isObject()) return;
    for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      if (f.getValue().isTextual() && isCredentialName(f.getKey())) onApiKey.accept(f.getValue().asText());
    }
  }

  private static final Map<String, Boolean> CREDENTIAL_NAMES = new java.util.concurrent.ConcurrentHashMap<>();

  private static boolean isCredentialName(String name) {
    Boolean known = CREDENTIAL_NAMES.get(name);
    if (known != null) return known;
    boolean result = Redactor.isCredentialName(name);
    // Field names repeat across records; bound the cache against bodies with ever-new keys.
    if (CREDENTIAL_NAMES.size() < 4096) CREDENTIAL_NAMES.put(name, result);
    return result;
  }

  /** Groups and packs parts into requests, keeping the batch order within each group. */
  List<Request> plan(List<Part> parts) {
    List<Request> requests = new ArrayList<>();
    switch (shape) {
      case PER_RECORD:
        for (Part p : parts) requests.add(single(p));
        return requests;
      case JSON_ARRAY:
        pack(parts, requests, 2);
        return requests;
      default:
        Map<String, List<Part>> groups = new LinkedHashMap<>();
        for (Part p : parts) {
          if (p.groupKey == null) {
            requests.add(single(p));
          } else {
            groups.computeIfAbsent(p.groupKey, k -> new ArrayList<>()).add(p);
          }
        }
        for (List<Part> group : groups.values()) {
          Part first = group.get(0);
          int overhead = first.before.length + first.after.length + fieldPrefix.length + 2;
          pack(group, requests, overhead);
        }
        return requests;
    }
  }

  private void pack(List<Part> parts, List<Request> out, int overhead) {
    List<Part> current = new ArrayList<>();
    int bytes = overhead;
    int count = 0;
    for (Part p : parts) {
      if (!current.isEmpty() && (count + p.count() > maxRecords || bytes + p.size - 1 > maxBytes)) {
        out.add(build(current));
        current = new ArrayList<>();
        bytes = overhead;
        count = 0;
      }
      current.add(p);
      bytes += p.size;
      count += p.count();
    }
    if (!current.isEmpty()) out.add(build(current));
  }

  private Request single(Part p) {
    if (p.groupKey != null) return build(List.of(p));
    return new Request(List.of(p), p.whole, owners(List.of(p)));
  }

  /** Builds the body of parts that share a group (merge mode) or form one array. */
  Request build(List<Part> parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (parts.get(0).groupKey != null) {
      // {before fields,"field":[elements],after fields}: the field stays where the record had it.
      byte[] before = parts.get(0).before;
      byte[] after = parts.get(0).after;
      out.write(before, 0, before.length - 1);
      if (before.length > 2) out.write(',');
      out.writeBytes(fieldPrefix);
      boolean first = true;
      for (Part p : parts) {
        for (byte[] e : p.elements) {
          if (!first) out.write(',');
          out.writeBytes(e);
          first = false;
        }
      }
      out.write(']');
      if (after.length > 2) {
        out.write(',');
        out.write(after, 1, after.length - 1);
      } else {
        out.write('}');
      }
      return new Request(parts, out.toByteArray(), owners(parts));
    }
    if (shape == BodyShape.JSON_ARRAY) {
      out.write('[');
      for (int i = 0; i < parts.size(); i++) {
        if (i > 0) out.write(',');
        out.writeBytes(parts.get(i).whole);
      }
      out.write(']');
      // Event indexes of a JSON array body have no defined meaning: no owner map.
      return new Request(parts, out.toByteArray(), null);
    }
    return new Request(parts, parts.get(0).whole, owners(parts));
  }

  /** For each index of the body's {@code events} array, the position of its part in {@code parts}. */
  private static int[] owners(List<Part> parts) {
    int n = 0;
    for (Part p : parts) n += p.events.size();
    int[] owners = new int[n];
    int i = 0;
    for (int k = 0; k < parts.size(); k++) {
      for (int j = 0; j < parts.get(k).events.size(); j++) owners[i++] = k;
    }
    return owners;
  }

  private static byte[] json(String s) {
    try {
      return MAPPER.writeValueAsBytes(s);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] r = new byte[a.length + b.length];
    System.arraycopy(a, 0, r, 0, a.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }
}
