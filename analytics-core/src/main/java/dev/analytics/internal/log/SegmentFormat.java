package dev.analytics.internal.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * The on-disk format of a log segment, version 1. All integers are big-endian.
 *
 * <pre>
 * file name   &lt;base seq, 20 decimal digits&gt;.seg    (the seq of its first record)
 * file size   fixed when created and zero-filled (preallocated), never shrinks
 *
 * header      offset 0, 32 bytes
 *   0  int    magic 0x414E4C47 ("ANLG")
 *   4  short  format version (1)
 *   6  short  reserved (0)
 *   8  long   base seq
 *  16  int    CRC32C of bytes 0..15
 *  20  int    file size when created       } 0 0 0 in files written before these
 *  24  int    end of data: offset of the   } were recorded (unknown)
 *              seal frame, 0 until sealed  }
 *  28  int    CRC32C of bytes 20..27       }
 *
 * record frame, from offset 32, back to back
 *   0  int    payload length L, 1 .. file size - 32 - 16
 *   4  int    CRC32C of bytes 0..3 and 8..(16+L-1): length, seq and payload
 *   8  long   seq, one more than the previous record's (the first is the base seq)
 *  16  L bytes payload: the UTF-8 JSON envelope {"id":"…","timestamp":"…","event":…}
 *
 * seal frame, written when the writer moves to the next segment
 *   0  int    -1
 *   4  int    CRC32C of bytes 8..15
 *   8  long   seq of the next record (the next segment's base seq)
 *
 * end of data   a length of 0 (the zero-filled rest of the file)
 * </pre>
 *
 * A segment is created under a temporary name, zero-filled to its full size, given its header and
 * only then renamed to its segment name, so a segment file that is empty, shorter than its recorded
 * size or without a valid header is damage, or (when it is the last one and holds only zeros) a roll
 * that a crash interrupted before the file's data reached the disk.
 *
 * <p>A frame that fails its checks is either a torn tail (nothing valid follows it: the tail is cut) or
 * corruption (a valid frame with a higher seq follows: the bytes between are skipped and the records
 * missing from the seq sequence are counted). A kill -9 can leave a torn tail only past the records
 * whose {@code emit()} returned, since a record is published after its frame is complete.
 */
final class SegmentFormat {
  static final int MAGIC = 0x414E4C47;
  static final short VERSION = 1;
  static final int HEADER_BYTES = 32;
  static final int FRAME_HEADER_BYTES = 16;
  static final int SEAL_LENGTH = -1;
  static final int SEAL_BYTES = 16;
  static final String SUFFIX = ".seg";

  private SegmentFormat() {}

  static String fileName(long baseSeq) {
    return String.format("%020d%s", baseSeq, SUFFIX);
  }

  /** Returns the base seq named by {@code fileName}, or -1 if it is not a segment file name. */
  static long baseSeqOf(String fileName) {
    if (!fileName.endsWith(SUFFIX) || fileName.length() != 20 + SUFFIX.length()) return -1;
    try {
      return Long.parseLong(fileName.substring(0, 20));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  static void writeHeader(ByteBuffer buffer, long baseSeq, int fileSize) {
    buffer.putInt(0, MAGIC);
    buffer.putShort(4, VERSION);
    buffer.putShort(6, (short) 0);
    buffer.putLong(8, baseSeq);
    buffer.putInt(16, crc(buffer, 0, 16));
    buffer.putInt(20, fileSize);
    buffer.putInt(24, 0);
    buffer.putInt(28, crc(buffer, 20, 8));
  }

  /** Records in the header where the sealed segment's data ends (where its seal frame is). */
  static void writeEnd(ByteBuffer buffer, int sealOffset) {
    buffer.putInt(24, sealOffset);
    buffer.putInt(28, crc(buffer, 20, 8));
  }

  /** The size the file was created with, as its header records it, or -1 if unknown. */
  static int createdSize(ByteBuffer buffer) {
    return buffer.capacity() >= HEADER_BYTES && buffer.getInt(20) > 0 && buffer.getInt(28) == crc(buffer, 20, 8)
        ? buffer.getInt(20) : -1;
  }

  /** Where a sealed segment's data ends, as its header records it, or -1 if unknown. */
  static int endOffset(ByteBuffer buffer) {
    return createdSize(buffer) > 0 && buffer.getInt(24) >= HEADER_BYTES ? buffer.getInt(24) : -1;
  }

  /** Null if the header is valid for {@code baseSeq}, else what is wrong with it. */
  static String checkHeader(ByteBuffer buffer, long baseSeq) {
    if (buffer.capacity() < HEADER_BYTES) return "file shorter than its header";
    if (buffer.getInt(0) != MAGIC) return "bad magic";
    if (buffer.getShort(4) != VERSION) return "unsupported format version " + buffer.getShort(4);
    if (buffer.getInt(16) != crc(buffer, 0, 16)) return "header checksum mismatch";
    if (buffer.getLong(8) != baseSeq) return "header base seq " + buffer.getLong(8) + " != file name " + baseSeq;
    return null;
  }

  static int crc(ByteBuffer buffer, int offset, int length) {
    CRC32C crc = new CRC32C();
    crc.update(buffer.duplicate().limit(offset + length).position(offset));
    return (int) crc.getValue();
  }

  static int frameCrc(ByteBuffer buffer, int frameOffset, int payloadLength) {
    CRC32C crc = new CRC32C();
    ByteBuffer view = buffer.duplicate();
    crc.update(view.limit(frameOffset + 4).position(frameOffset));
    crc.update(view.limit(frameOffset + FRAME_HEADER_BYTES + payloadLength).position(frameOffset + 8));
    return (int) crc.getValue();
  }

  static void writeSeal(ByteBuffer buffer, int offset, long nextSeq) {
    buffer.putLong(offset + 8, nextSeq);
    buffer.putInt(offset + 4, crc(buffer, offset + 8, 8));
    buffer.putInt(offset, SEAL_LENGTH);
    if (createdSize(buffer) > 0) writeEnd(buffer, offset);
  }

  /** What is at one offset of a segment. */
  enum FrameKind {
    RECORD,
    SEAL,
    END,
    INVALID
  }

  /**
   * Classifies the frame at {@code offset}, requiring a record's seq to be at least {@code minSeq}
   * (its expected seq when reading in order). Never allocates from an unchecked length.
   */
  static FrameKind classify(ByteBuffer buffer, int offset, long minSeq) {
    int limit = buffer.capacity();
    if (offset + FRAME_HEADER_BYTES > limit) {
      return allZero(buffer, offset, limit) ? FrameKind.END : FrameKind.INVALID;
    }
    int length = buffer.getInt(offset);
    if (length == 0) return FrameKind.END;
    if (length == SEAL_LENGTH) {
      return buffer.getInt(offset + 4) == crc(buffer, offset + 8, 8) && buffer.getLong(offset + 8) >= minSeq
          ? FrameKind.SEAL
          : FrameKind.INVALID;
    }
    if (length < 0 || length > limit - offset - FRAME_HEADER_BYTES) return FrameKind.INVALID;
    long seq = buffer.getLong(offset + 8);
    if (seq < minSeq) return FrameKind.INVALID;
    return buffer.getInt(offset + 4) == frameCrc(buffer, offset, length) ? FrameKind.RECORD : FrameKind.INVALID;
  }

  /**
   * After a bad frame at {@code badOffset}, finds the next valid record or seal frame (with seq at
   * least {@code minSeq}), or -1 if none follows: then the bad frame starts a torn tail.
   */
  static int resync(ByteBuffer buffer, int badOffset, long minSeq) {
    int limit = buffer.capacity() - FRAME_HEADER_BYTES;
    int offset = badOffset + 1;
    while (offset <= limit) {
      if (buffer.getInt(offset) == 0) {
        // Zero fill is the common case (a preallocated tail): jump over it in bulk. A frame's first
        // non-zero byte is at most 3 bytes into its big-endian length.
        int nonZero = nextNonZero(buffer, offset);
        if (nonZero < 0) return -1;
        offset = Math.max(offset + 1, nonZero - 3);
        continue;
      }
      FrameKind kind = classify(buffer, offset, minSeq);
      if (kind == FrameKind.RECORD || kind == FrameKind.SEAL) return offset;
      offset++;
    }
    return -1;
  }

  private static final byte[] ZEROS = new byte[64 * 1024];

  /** The index of the first non-zero byte at or after {@code from}, or -1. */
  static int nextNonZero(ByteBuffer buffer, int from) {
    byte[] chunk = new byte[ZEROS.length];
    int capacity = buffer.capacity();
    for (int at = from; at < capacity; at += chunk.length) {
      int length = Math.min(chunk.length, capacity - at);
      buffer.get(at, chunk, 0, length);
      int mismatch = java.util.Arrays.mismatch(chunk, 0, length, ZEROS, 0, length);
      if (mismatch >= 0) return at + mismatch;
    }
    return -1;
  }

  /** Whether the file at {@code path} starts with a valid header for {@code baseSeq}. */
  static boolean hasValidHeader(Storage storage, Path path, long baseSeq) throws IOException {
    ByteBuffer header = readHeader(storage, path);
    return header != null && checkHeader(header, baseSeq) == null;
  }

  /** The first {@link #HEADER_BYTES} bytes of the file, or null if it is shorter. */
  static ByteBuffer readHeader(Storage storage, Path path) throws IOException {
    ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
    try (StorageFile channel = storage.open(path, Storage.Access.READ)) {
      while (header.hasRemaining() && channel.read(header, header.position()) > 0) {
        // reads until full or the end of the file
      }
    }
    return header.hasRemaining() ? null : header.clear();
  }

  /** Whether the file at {@code path} holds nothing but zero bytes (or nothing at all). */
  static boolean onlyZeros(Storage storage, Path path) throws IOException {
    ByteBuffer chunk = ByteBuffer.allocate(ZEROS.length);
    try (StorageFile channel = storage.open(path, Storage.Access.READ)) {
      long position = 0;
      int read;
      while ((read = channel.read(chunk.clear(), position)) > 0) {
        if (java.util.Arrays.mismatch(chunk.array(), 0, read, ZEROS, 0, read) >= 0) return false;
        position += read;
      }
    }
    return true;
  }

  static boolean allZero(ByteBuffer buffer, int from, int to) {
    int nonZero = nextNonZero(buffer, from);
    return nonZero < 0 || nonZero >= to;
  }
}
