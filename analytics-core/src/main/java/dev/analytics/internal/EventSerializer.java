package dev.analytics.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Turns what a caller passes to {@code emit()} into the compact JSON of one object, once. Anything
 * that is not a JSON object is misuse and fails here, in the caller's thread, with a message that
 * says what to fix.
 *
 * <p>Serializing through a fresh generator per event ({@code writeValueAsBytes}) allocated more than the
 * event's own bytes (a buffer, an I/O context, the generator): each emitting thread now borrows a
 * {@link Writer} from a small lock-free pool and gives it back, so {@code emit()} allocates little more
 * than the bytes it appends and the id it returns (fewer young collections under a steady load).
 */
final class EventSerializer {
  /** Slots in the pool: enough for the threads that emit at the same moment on most machines. */
  private static final int SLOTS = 16;
  /** A writer whose buffer grew past this (a large event) is dropped instead of pooled. */
  private static final int MAX_POOLED_BUFFER = 64 * 1024;

  private final ObjectMapper mapper;
  private final ObjectReader strictReader;
  private final AtomicReferenceArray<Writer> pool = new AtomicReferenceArray<>(SLOTS);

  EventSerializer(ObjectMapper mapper) {
    this.mapper = mapper;
    this.strictReader = mapper.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  }

  byte[] toJson(Object event) {
    try {
      if (event instanceof CharSequence) {
        JsonNode node;
        try {
          node = strictReader.readTree(event.toString());
        } catch (JsonProcessingException e) {
          throw new IllegalArgumentException("event string is not valid JSON: " + e.getOriginalMessage());
        }
        requireObject(node);
        return write(node);
      }
      if (event instanceof JsonNode) {
        requireObject((JsonNode) event);
        return write(event);
      }
      byte[] bytes = write(event);
      if (bytes.length == 0 || bytes[0] != '{') {
        throw new IllegalArgumentException("event of type " + event.getClass().getName()
            + " must serialize to a JSON object, got " + new String(bytes, 0, Math.min(bytes.length, 40),
                java.nio.charset.StandardCharsets.UTF_8));
      }
      return bytes;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("event of type " + event.getClass().getName()
          + " cannot be serialized to JSON (is it cyclic, or missing getters?): " + e.getOriginalMessage(), e);
    } catch (StackOverflowError e) {
      throw new IllegalArgumentException("event of type " + event.getClass().getName()
          + " cannot be serialized to JSON: it refers to itself (a cycle)");
    } catch (IOException e) {
      throw new UncheckedIOException(e); // writing to memory: not expected
    }
  }

  private static void requireObject(JsonNode node) {
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException(
          "event must be a JSON object, got " + (node == null ? "nothing" : node.getNodeType()));
    }
  }

  /** {@code value}'s JSON through a pooled writer; a writer that failed half-way is not reused. */
  private byte[] write(Object value) throws IOException {
    int slot = (int) Thread.currentThread().getId() & (SLOTS - 1);
    Writer writer = pool.getAndSet(slot, null);
    if (writer == null) writer = new Writer(mapper);
    byte[] bytes = writer.write(mapper, value); // throws before the writer goes back: it is dropped
    if (writer.buffer.capacity() <= MAX_POOLED_BUFFER) pool.set(slot, writer);
    return bytes;
  }

  /** A growable buffer and a generator over it, reused for one value after another. */
  private static final class Writer {
    final Buffer buffer = new Buffer();
    final JsonGenerator generator;

    Writer(ObjectMapper mapper) {
      try {
        generator = mapper.getFactory().createGenerator(buffer);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      generator.setRootValueSeparator(null); // values are written one after another, each on its own
    }

    byte[] write(ObjectMapper mapper, Object value) throws IOException {
      buffer.reset();
      mapper.writeValue(generator, value); // does not close the generator
      generator.flush();
      return buffer.toByteArray();
    }
  }

  /** {@link java.io.ByteArrayOutputStream} without its locks, and with its capacity visible. */
  private static final class Buffer extends OutputStream {
    private byte[] bytes = new byte[512];
    private int size;

    void reset() {
      size = 0;
    }

    int capacity() {
      return bytes.length;
    }

    byte[] toByteArray() {
      return Arrays.copyOf(bytes, size);
    }

    @Override
    public void write(int b) {
      ensure(1);
      bytes[size++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      ensure(len);
      System.arraycopy(b, off, bytes, size, len);
      size += len;
    }

    private void ensure(int more) {
      if (size + more > bytes.length) bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
    }
  }
}
