package dev.analytics.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads log segments the way the format documentation in {@code SegmentFormat} describes them,
 * independently of the engine's own reader, so tests can aim damage at exact frames and fields.
 */
public final class SegmentFiles {
  public static final int HEADER_BYTES = 32;
  public static final int FRAME_HEADER_BYTES = 16;
  private static final Pattern ID = Pattern.compile("^\\{\"id\":\"([0-9a-f-]{36})\"");

  private SegmentFiles() {}

  /** One record frame as found on disk. */
  public static final class Frame {
    public final int offset;
    public final int payloadLength;
    public final long seq;
    public final String id;

    Frame(int offset, int payloadLength, long seq, String id) {
      this.offset = offset;
      this.payloadLength = payloadLength;
      this.seq = seq;
      this.id = id;
    }

    /** First byte after the frame. */
    public int end() {
      return offset + FRAME_HEADER_BYTES + payloadLength;
    }

    public int lengthFieldOffset() {
      return offset;
    }

    public int crcFieldOffset() {
      return offset + 4;
    }

    public int seqFieldOffset() {
      return offset + 8;
    }

    public int payloadOffset() {
      return offset + FRAME_HEADER_BYTES;
    }

    @Override
    public String toString() {
      return "Frame{offset=" + offset + ", seq=" + seq + ", id=" + id + "}";
    }
  }

  /** The segment files of {@code <dir>/log}, oldest first. */
  public static List<Path> segments(Path analyticsDirectory) {
    try (Stream<Path> files = Files.list(analyticsDirectory.resolve("log"))) {
      return files.filter(p -> p.getFileName().toString().matches("\\d{20}\\.seg")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The record frames of one segment, in order, up to the end of data or the seal frame. Fails if it
   * meets a frame that is not plausible: tests parse only segments they have not damaged yet.
   */
  public static List<Frame> frames(Path segment) {
    ByteBuffer buffer;
    try {
      buffer = ByteBuffer.wrap(Files.readAllBytes(segment));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Frame> frames = new ArrayList<>();
    int offset = HEADER_BYTES;
    while (offset + FRAME_HEADER_BYTES <= buffer.capacity()) {
      int length = buffer.getInt(offset);
      if (length == 0 || length == -1) break; // end of data, or the seal
      if (length < 0 || offset + FRAME_HEADER_BYTES + length > buffer.capacity()) {
        throw new IllegalStateException("implausible frame length " + length + " at " + offset + " in " + segment);
      }
      long seq = buffer.getLong(offset + 8);
      String payload = new String(buffer.array(), offset + FRAME_HEADER_BYTES, Math.min(length, 64),
          StandardCharsets.UTF_8);
      Matcher m = ID.matcher(payload);
      if (!m.find()) throw new IllegalStateException("no envelope id at " + offset + " in " + segment + ": " + payload);
      frames.add(new Frame(offset, length, seq, m.group(1)));
      offset += FRAME_HEADER_BYTES + length;
    }
    return frames;
  }

  /** Whether the segment ends with a seal frame (the writer moved on to the next segment). */
  public static boolean isSealed(Path segment) {
    List<Frame> frames = frames(segment);
    int end = frames.isEmpty() ? HEADER_BYTES : frames.get(frames.size() - 1).end();
    try {
      ByteBuffer buffer = ByteBuffer.wrap(Files.readAllBytes(segment));
      return end + 4 <= buffer.capacity() && buffer.getInt(end) == -1;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** XORs one byte of a file in place with {@code mask}. */
  public static void flip(Path file, long offset, int mask) {
    try (var channel = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.READ,
        java.nio.file.StandardOpenOption.WRITE)) {
      ByteBuffer one = ByteBuffer.allocate(1);
      channel.read(one, offset);
      one.flip();
      byte b = (byte) (one.get(0) ^ mask);
      channel.write(ByteBuffer.wrap(new byte[] {b}), offset);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes a big-endian int over 4 bytes of a file. */
  public static void putInt(Path file, long offset, int value) {
    try (var channel = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
      channel.write(ByteBuffer.allocate(4).putInt(0, value), offset);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
