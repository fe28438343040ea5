package dev.analytics.internal.log;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Finds the byte offset of a record in its segment, for {@code stats().queuedBytes()}: walks the frames
 * from the last position found, so that repeated questions about a cursor that moves forward cost only
 * the frames it moved past.
 */
final class FramePositions {
  private Segment segment;
  private long seq;
  private int offset;

  /** The offset of the first record with seq at least {@code target} in {@code in}, or its end of data. */
  synchronized int offsetOf(Storage storage, Segment in, long target) {
    if (in != segment || target < seq) {
      segment = in;
      seq = in.baseSeq;
      offset = SegmentFormat.HEADER_BYTES;
    }
    if (target == seq) return offset;
    StorageFile file;
    ByteBuffer map;
    try (StorageFile channel = storage.open(in.path, Storage.Access.READ)) {
      map = channel.map(Math.min(in.size, channel.size()), false);
      file = channel;
    } catch (IOException e) {
      return in.usedBytes; // gone or unreadable: nothing of it is counted
    }
    try {
      while (offset < map.capacity()) {
        SegmentFormat.FrameKind kind = SegmentFormat.classify(map, offset, seq);
        if (kind == SegmentFormat.FrameKind.RECORD) {
          long at = map.getLong(offset + 8);
          if (at >= target) break;
          seq = at + 1;
          offset += SegmentFormat.FRAME_HEADER_BYTES + map.getInt(offset);
        } else if (kind == SegmentFormat.FrameKind.SEAL || kind == SegmentFormat.FrameKind.END) {
          break;
        } else {
          int next = SegmentFormat.resync(map, offset, seq);
          if (next < 0) break;
          offset = next;
        }
      }
      return offset;
    } finally {
      file.unmap(map);
    }
  }
}
