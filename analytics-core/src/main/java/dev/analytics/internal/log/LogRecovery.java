package dev.analytics.internal.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.NavigableMap;

/**
 * Opening a log directory, before any writer exists: finds the segment files, removes those that cannot
 * hold a record, learns where sealed segments end, and scans the last one, whose torn tail is cut and
 * whose damage is reported. It ends either reopened for appends or sealed, in which case appends start a
 * new segment. Never fails because of bad bytes; only the storage's own errors propagate.
 */
final class LogRecovery {
  // Recovery logs under the log's name: operators route one logger for the whole log.
  private static final System.Logger LOG = System.getLogger(EventLog.class.getName());

  /** Where damage goes: the log counts the records of {@code [fromSeq, toSeq)} as missing and reports once. */
  interface Damage {
    void report(Path segment, long offset, long fromSeq, long toSeq, String detail);
  }

  /** The last segment, open for appends at {@code position}. */
  record Reopened(Segment segment, StorageFile channel, ByteBuffer map, int position) {}

  /**
   * What recovery leaves: the seq the next append gets, and the last segment reopened for appends, or
   * null when appends start a new segment at {@code nextSeq}.
   */
  record Found(long nextSeq, Reopened reopened) {}

  private final Storage storage;
  private final Path directory;
  private final int segmentBytes;
  private final Damage damage;

  LogRecovery(Storage storage, Path directory, int segmentBytes, Damage damage) {
    this.storage = storage;
    this.directory = directory;
    this.segmentBytes = segmentBytes;
    this.damage = damage;
  }

  /**
   * Fills {@code segments} with the segment files kept and says where appends continue.
   *
   * @param minimumNextSeq seqs below this were already handed out (cursors know them); new records
   *     never reuse them even if segment files were lost
   */
  Found run(NavigableMap<Long, Segment> segments, long minimumNextSeq) throws IOException {
    storage.createDirectories(directory);
    for (Path file : storage.list(directory)) {
      String name = file.getFileName().toString();
      if (name.endsWith(".tmp")) {
        storage.delete(file); // a spare segment or a write that never completed
      } else {
        long base = SegmentFormat.baseSeqOf(name);
        if (base >= 0) {
          long size = storage.size(file);
          if (size > Integer.MAX_VALUE) {
            damage.report(file, 0, 0, 0, "segment file of " + size + " bytes ignored");
            continue;
          }
          segments.put(base, new Segment(base, file, (int) size, (int) size));
        }
      }
    }
    removeFilesWithoutRecords(segments, minimumNextSeq);
    learnWhereSealedSegmentsEnd(segments);
    return segments.isEmpty() ? new Found(minimumNextSeq, null) : recoverLastSegment(segments, minimumNextSeq);
  }

  /** Sealed segments record in their header where their data ends: what queuedBytes() counts. */
  private void learnWhereSealedSegmentsEnd(NavigableMap<Long, Segment> segments) throws IOException {
    for (Segment segment : segments.values()) {
      if (segment == segments.lastEntry().getValue()) break; // scanned by recoverLastSegment
      ByteBuffer header = SegmentFormat.readHeader(storage, segment.path);
      int end = header == null || SegmentFormat.checkHeader(header, segment.baseSeq) != null
          ? -1 : SegmentFormat.endOffset(header);
      if (end > 0 && end <= segment.size) segment.usedBytes = end;
    }
  }

  /**
   * Removes segment files that cannot hold a record: too short for a header and a frame, or, at the
   * end of the log, a file of zeros without a header (a roll interrupted before its data reached the
   * disk). A gap they leave in the middle of the log is counted and reported by the first reader that
   * crosses it, which knows the seqs it expected there.
   */
  private void removeFilesWithoutRecords(NavigableMap<Long, Segment> segments, long minimumNextSeq)
      throws IOException {
    for (Segment segment : List.copyOf(segments.values())) {
      if (segment.size >= SegmentFormat.HEADER_BYTES + SegmentFormat.FRAME_HEADER_BYTES) continue;
      boolean last = segment == segments.lastEntry().getValue();
      if (last && !SegmentFormat.onlyZeros(storage, segment.path)) {
        damage.report(segment.path, 0, segment.baseSeq, minimumNextSeq, "segment file truncated to " + segment.size
            + " bytes, inside its header");
      } else {
        LOG.log(System.Logger.Level.INFO, "removed " + segment.path + " (" + segment.size + " bytes, no record)");
      }
      segments.remove(segment.baseSeq);
      storage.delete(segment.path);
    }
    while (!segments.isEmpty()) {
      Segment last = segments.lastEntry().getValue();
      if (SegmentFormat.hasValidHeader(storage, last.path, last.baseSeq) || !SegmentFormat.onlyZeros(storage, last.path)) return;
      LOG.log(System.Logger.Level.INFO, "removed " + last.path + ": a segment roll interrupted before its data "
          + "reached the disk (no header, no record)");
      segments.remove(last.baseSeq);
      storage.delete(last.path);
    }
  }

  private Found recoverLastSegment(NavigableMap<Long, Segment> segments, long minimumNextSeq) throws IOException {
    Segment last = segments.lastEntry().getValue();
    StorageFile channel = storage.open(last.path, Storage.Access.WRITE);
    ByteBuffer map;
    try {
      map = channel.map(last.size, true);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
    String headerProblem = SegmentFormat.checkHeader(map, last.baseSeq);
    if (headerProblem != null) {
      damage.report(last.path, 0, 0, 0, headerProblem + "; records are still read by their own checksums");
    }
    int createdSize = SegmentFormat.createdSize(map);
    int offset = SegmentFormat.HEADER_BYTES;
    long scanSeq = last.baseSeq;
    long sealedNext = -1;
    while (true) {
      SegmentFormat.FrameKind kind = SegmentFormat.classify(map, offset, scanSeq);
      if (kind == SegmentFormat.FrameKind.RECORD) {
        long seq = map.getLong(offset + 8);
        if (seq > scanSeq) damage.report(last.path, offset, scanSeq, seq, "records " + scanSeq + ".." + (seq - 1) + " are missing");
        scanSeq = seq + 1;
        offset += SegmentFormat.FRAME_HEADER_BYTES + map.getInt(offset);
      } else if (kind == SegmentFormat.FrameKind.SEAL) {
        sealedNext = map.getLong(offset + 8);
        break;
      } else {
        int next = SegmentFormat.resync(map, offset, scanSeq);
        if (next < 0) {
          // Torn tail (or clean end): nothing valid follows. Zero it so later appends leave no stale bytes.
          if (!SegmentFormat.allZero(map, offset, last.size)) {
            LOG.log(System.Logger.Level.INFO, "cut torn tail of " + last.path + " at offset " + offset);
            for (int i = offset; i < last.size; i++) map.put(i, (byte) 0);
          }
          break;
        }
        damage.report(last.path, offset, 0, 0, "skipped " + (next - offset) + " corrupt bytes");
        offset = next;
      }
    }
    if (createdSize > last.size) {
      // Files never shrink: this one lost its tail. Cursors past its last record prove records lost.
      long lostTo = Math.max(scanSeq, minimumNextSeq);
      damage.report(last.path, offset, scanSeq, lostTo, "segment file truncated to " + last.size + " of " + createdSize
          + " bytes" + (lostTo > scanSeq ? "; records " + scanSeq + ".." + (lostTo - 1) + " are lost"
          : "; records after seq " + (scanSeq - 1) + ", if any, are lost"));
    }
    // A file shorter than a segment lost its tail (or was made with a smaller segmentBytes); appends
    // to it could end too close to its end for the seal frame a roll writes. Finish it instead.
    boolean roomForSeal = offset + SegmentFormat.SEAL_BYTES <= last.size;
    last.usedBytes = offset;
    if (sealedNext >= 0 || scanSeq < minimumNextSeq || last.size < segmentBytes || !roomForSeal) {
      // The last segment is complete (or cursors are ahead of it): new records start a new segment.
      long base = Math.max(Math.max(sealedNext, scanSeq), minimumNextSeq);
      if (sealedNext < 0 && roomForSeal) {
        SegmentFormat.writeSeal(map, offset, base);
      }
      channel.unmap(map);
      channel.close();
      return new Found(base, null);
    }
    return new Found(scanSeq, new Reopened(last, channel, map, offset));
  }
}
