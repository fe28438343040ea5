package dev.analytics.internal.log;

import java.io.Closeable;
import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

/**
 * Follows the log in seq order for one sink. Single-threaded. Skips corrupt frames (reporting them
 * once through the log) and moves across segments, including past segments dropped by
 * {@link dev.analytics.WhenFull#DROP_OLDEST}.
 */
public final class LogReader implements Closeable {
  /** One record read from the log. */
  public static final class Entry {
    public final long seq;
    public final byte[] payload;

    Entry(long seq, byte[] payload) {
      this.seq = seq;
      this.payload = payload;
    }
  }

  private final EventLog log;
  private long nextSeq;
  private Segment segment;
  private MappedByteBuffer map;
  private int offset;
  /** The seq the next frame in this segment should carry; lower seqs are stale. */
  private long scanSeq;

  LogReader(EventLog log, long seq) {
    this.log = log;
    this.nextSeq = seq;
  }

  /** The seq of the next record this reader returns. */
  public long nextSeq() {
    return nextSeq;
  }

  /** Adds up to {@code max} published records to {@code out}; returns how many. */
  public int read(int max, List<Entry> out) throws IOException {
    int count = 0;
    while (count < max && nextSeq < log.nextSeq()) {
      if (segment != null && segment.deleted) {
        closeSegment(); // dropped under our feet (DROP_OLDEST): those records count as dropped, not sent
      }
      if (map == null) {
        boolean opened;
        try {
          opened = openSegmentFor(nextSeq);
        } catch (IOException e) {
          if (count > 0) return count; // hand over what was read; the open is retried next time
          throw e;
        }
        if (!opened) break;
      }
      SegmentFormat.FrameKind kind = SegmentFormat.classify(map, offset, scanSeq);
      switch (kind) {
        case RECORD: {
          int length = map.getInt(offset);
          long seq = map.getLong(offset + 8);
          if (seq > scanSeq && seq > nextSeq) {
            log.report(segment.path, offset, seq - Math.max(scanSeq, nextSeq),
                "records " + Math.max(scanSeq, nextSeq) + ".." + (seq - 1) + " are missing");
          }
          scanSeq = seq + 1;
          if (seq >= nextSeq) {
            byte[] payload = new byte[length];
            map.get(offset + SegmentFormat.FRAME_HEADER_BYTES, payload);
            out.add(new Entry(seq, payload));
            count++;
            nextSeq = seq + 1;
          }
          offset += SegmentFormat.FRAME_HEADER_BYTES + length;
          break;
        }
        case SEAL: {
          long next = map.getLong(offset + 8);
          if (next > nextSeq) {
            log.report(segment.path, offset, next - nextSeq, "records " + nextSeq + ".." + (next - 1) + " are missing");
          }
          nextSeq = Math.max(nextSeq, next);
          closeSegment();
          break;
        }
        default: {
          int resumeAt = SegmentFormat.resync(map, offset, scanSeq);
          if (resumeAt >= 0) {
            log.report(segment.path, offset, 0, "skipped " + (resumeAt - offset) + " corrupt bytes");
            offset = resumeAt;
          } else if (!moveToNextSegment()) {
            return count; // the active segment: the frame is being written; the caller retries later
          }
        }
      }
    }
    return count;
  }

  /** The segment has no valid frame past {@code offset}: continue at the next segment, if any. */
  private boolean moveToNextSegment() {
    Map.Entry<Long, Segment> next = log.segmentAfter(segment.baseSeq);
    if (next == null) return false;
    if (next.getKey() > nextSeq) {
      log.report(segment.path, offset, next.getKey() - nextSeq,
          "segment ends early; records " + nextSeq + ".." + (next.getKey() - 1) + " are missing");
      nextSeq = next.getKey();
    }
    closeSegment();
    return true;
  }

  private boolean openSegmentFor(long seq) throws IOException {
    Map.Entry<Long, Segment> entry = log.segmentFor(seq);
    while (entry != null) {
      Segment candidate = entry.getValue();
      if (candidate.baseSeq > nextSeq) {
        // Older segments are gone: dropped by DROP_OLDEST (already counted there) or lost.
        long lost = candidate.baseSeq - Math.max(nextSeq, log.droppedBelow());
        if (lost > 0) {
          log.report(candidate.path, 0, lost, "records " + (candidate.baseSeq - lost) + ".."
              + (candidate.baseSeq - 1) + " are missing: their segment is gone");
        }
        nextSeq = candidate.baseSeq;
      }
      try (FileChannel channel = FileChannel.open(candidate.path, StandardOpenOption.READ)) {
        int size = (int) Math.min(candidate.size, channel.size());
        map = Mapping.map(channel, FileChannel.MapMode.READ_ONLY, size);
      } catch (NoSuchFileException e) {
        entry = log.segmentAfter(candidate.baseSeq); // deleted meanwhile, or from outside: move on
        continue;
      }
      segment = candidate;
      offset = SegmentFormat.HEADER_BYTES;
      scanSeq = candidate.baseSeq;
      return true;
    }
    return false;
  }

  private void closeSegment() {
    Mapping.unmap(map);
    map = null;
    segment = null;
  }

  @Override
  public void close() {
    if (map != null) closeSegment();
  }
}
