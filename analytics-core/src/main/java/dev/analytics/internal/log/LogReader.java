package dev.analytics.internal.log;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.Map;

/**
 * Follows the log in seq order for one sink. Single-threaded. Skips corrupt frames (reporting them
 * once through the log) and moves across segments, including past segments dropped by
 * {@link WhenLogFull#DROP_OLDEST}.
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
  /** Volatile: DROP_OLDEST reads it (under the segment's monitor) to count what no reader took. */
  private volatile long nextSeq;
  private Segment segment;
  private StorageFile file;
  private ByteBuffer map;
  private int offset;
  /** The seq the next frame in this segment should carry; lower seqs are stale. */
  private long scanSeq;
  /** Base seq of the last segment read to its end, or -1: the next segment to open is a later one. */
  private long finishedBase = -1;

  LogReader(EventLog log, long seq) {
    this.log = log;
    this.nextSeq = seq;
  }

  /** The seq of the next record this reader returns. */
  public long nextSeq() {
    return nextSeq;
  }

  /** Where the reader stands, for messages. */
  public String describePosition() {
    return segment == null ? "no segment open" : "segment " + segment + " at offset " + offset;
  }

  /** Adds up to {@code max} published records to {@code out}; returns how many. */
  public int read(int max, List<Entry> out) throws IOException {
    int count = 0;
    while (count < max && nextSeq < log.nextSeq()) {
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
      Segment current = segment;
      int read;
      // DROP_OLDEST deletes a segment under the same monitor and counts as dropped exactly the records
      // no reader has taken yet (by nextSeq): a frame is either read before that or never.
      synchronized (current) {
        if (current.deleted) {
          closeSegment();
          continue;
        }
        read = readFrame(out);
      }
      if (read < 0) return count; // the active segment: the frame is being written; the caller retries later
      count += read;
    }
    return count;
  }

  /** Handles the frame at {@code offset}: 1 if it added a record, 0 if not, -1 if nothing follows yet. */
  private int readFrame(List<Entry> out) {
    switch (SegmentFormat.classify(map, offset, scanSeq)) {
      case RECORD: {
        int length = map.getInt(offset);
        long seq = map.getLong(offset + 8);
        if (seq > scanSeq && seq > nextSeq) {
          long from = Math.max(scanSeq, nextSeq);
          log.report(segment.path, offset, from, seq, "records " + from + ".." + (seq - 1) + " are missing");
        }
        scanSeq = seq + 1;
        offset += SegmentFormat.FRAME_HEADER_BYTES + length;
        if (seq < nextSeq) return 0;
        byte[] payload = new byte[length];
        map.get(offset - length, payload);
        out.add(new Entry(seq, payload));
        nextSeq = seq + 1;
        return 1;
      }
      case SEAL: {
        long next = map.getLong(offset + 8);
        if (next > nextSeq) {
          log.report(segment.path, offset, nextSeq, next, "records " + nextSeq + ".." + (next - 1) + " are missing");
        }
        nextSeq = Math.max(nextSeq, next);
        segment.usedBytes = offset; // exact even where the header does not record it
        finishSegment();
        return 0;
      }
      default: {
        int resumeAt = SegmentFormat.resync(map, offset, scanSeq);
        if (resumeAt >= 0) {
          log.report(segment.path, offset, 0, 0, "skipped " + (resumeAt - offset) + " corrupt bytes");
          offset = resumeAt;
          return 0;
        }
        return moveToNextSegment() ? 0 : -1;
      }
    }
  }

  /** The segment has no valid frame past {@code offset}: continue at the next segment, if any. */
  private boolean moveToNextSegment() {
    Map.Entry<Long, Segment> next = log.segmentAfter(segment.baseSeq);
    if (next == null) return false;
    if (next.getKey() > nextSeq) {
      int created = SegmentFormat.createdSize(map);
      String why = created > map.capacity()
          ? "segment file truncated to " + map.capacity() + " of " + created + " bytes"
          : "segment ends early";
      log.report(segment.path, offset, nextSeq, next.getKey(),
          why + "; records " + nextSeq + ".." + (next.getKey() - 1) + " are missing");
      nextSeq = next.getKey();
    }
    finishSegment();
    return true;
  }

  /**
   * Opens the segment holding {@code seq}: the one at or below it, unless that one was read to its end
   * already (the segment that should follow it is missing), then the next one. Records between are
   * gone: counted and reported, unless DROP_OLDEST dropped them (counted there).
   */
  private boolean openSegmentFor(long seq) throws IOException {
    Map.Entry<Long, Segment> entry = log.segmentFor(seq);
    if (entry != null && entry.getKey() <= finishedBase) entry = log.segmentAfter(finishedBase);
    while (entry != null) {
      Segment candidate = entry.getValue();
      if (candidate.baseSeq > nextSeq) {
        long from = Math.max(nextSeq, log.droppedBelow());
        if (candidate.baseSeq > from) {
          log.report(candidate.path, 0, from, candidate.baseSeq, "records " + from + ".."
              + (candidate.baseSeq - 1) + " are missing: their segment is gone");
        }
        nextSeq = candidate.baseSeq;
      }
      try (StorageFile channel = log.storage().open(candidate.path, Storage.Access.READ)) {
        int size = (int) Math.min(candidate.size, channel.size());
        map = channel.map(size, false);
        file = channel; // closing the file keeps the mapping: only used to unmap it
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

  private void finishSegment() {
    finishedBase = segment.baseSeq;
    closeSegment();
  }

  private void closeSegment() {
    file.unmap(map);
    file = null;
    map = null;
    segment = null;
  }

  @Override
  public void close() {
    if (map != null) closeSegment();
  }
}
