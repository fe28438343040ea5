package dev.analytics.internal.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * Reads an Analytics directory without taking its lock and without writing a byte, for tools that
 * inspect a directory a live service may hold (the {@code analytics-cli} module). It follows the same
 * formats as the writers ({@link SegmentFormat}, {@link CursorStore}) but never repairs anything: a torn
 * tail is reported, not cut.
 *
 * <p>A live service appends, saves cursors and deletes released segments while this reads: a segment
 * deleted meanwhile is reported as {@linkplain SegmentScan#vanished() vanished}, and damage found in the
 * last (active) segment is confirmed by a second scan, since a frame being written looks torn for a moment.
 */
public final class LogInspector {
  /** Directory layout, as {@code Engine} creates it. */
  public static final String LOCK_FILE = ".lock";
  public static final String LOG_DIRECTORY = "log";
  public static final String CURSOR_DIRECTORY = "cursors";
  public static final String DEAD_LETTER_FILE = "dead-letters/dead-letters.jsonl";

  private static final int CURSOR_MAGIC = 0x41435552;
  private static final String CURSOR_SUFFIX = ".cursor";
  private static final byte[] TIMESTAMP_KEY = "\"timestamp\":\"".getBytes(StandardCharsets.US_ASCII);
  /** The envelope's timestamp comes right after its id: it is always within this prefix. */
  private static final int TIMESTAMP_SEARCH_BYTES = 160;

  private final Path directory;

  /** An inspector of the Analytics directory {@code directory} (the one holding {@code .lock} and {@code log/}). */
  public LogInspector(Path directory) {
    this.directory = Objects.requireNonNull(directory, "directory == null");
  }

  public Path directory() {
    return directory;
  }

  /** Sees each intact record of a scan, in seq order. */
  @FunctionalInterface
  public interface RecordVisitor {
    /**
     * @param frameBytes the record's bytes on disk, frame header included
     * @param timestampMillis the envelope's timestamp, or -1 if it cannot be read
     */
    void record(long seq, int frameBytes, long timestampMillis);
  }

  /** What a scan found at one place in a segment. */
  public record Damage(long offset, String detail) {}

  /**
   * One segment file as scanned.
   *
   * @param contents what its frames hold (nothing, for a file too short, of zeros, or vanished)
   * @param damage corrupt frames skipped, missing seqs and a bad header: corruption
   * @param vanished the file was deleted (released by a live service) before it could be read
   */
  public record SegmentScan(Path file, long baseSeq, long fileBytes, Contents contents, List<Damage> damage,
      boolean vanished) {
    public boolean corrupt() {
      return !damage.isEmpty();
    }

    SegmentScan withDamage(List<Damage> damage) {
      return new SegmentScan(file, baseSeq, fileBytes, contents, List.copyOf(damage), vanished);
    }

    /** Where its frames end (header included): the bytes in use of its preallocated size. */
    public long dataBytes() {
      return contents.dataBytes();
    }

    public long records() {
      return contents.seqs().records();
    }

    /** The first intact record's seq, or -1 when it has none. */
    public long firstSeq() {
      return contents.seqs().first();
    }

    /** The last intact record's seq, or -1 when it has none. */
    public long lastSeq() {
      return contents.seqs().last();
    }

    /** The seq a record after this segment carries (from the seal, else lastSeq + 1, else the base seq). */
    public long nextSeq() {
      return contents.seqs().next();
    }

    public boolean sealed() {
      return contents.sealed();
    }

    /**
     * Where nothing valid follows a non-zero frame, or -1: a record being written (live) or a write cut
     * by a crash (cut at the next open); not corruption.
     */
    public long tornTailOffset() {
      return contents.tornTailOffset();
    }
  }

  /** What a segment's frames hold: see the accessors of {@link SegmentScan}. */
  public record Contents(long dataBytes, Seqs seqs, boolean sealed, long tornTailOffset) {
    static Contents none(long baseSeq) {
      return new Contents(0, new Seqs(0, -1, -1, baseSeq), false, -1);
    }
  }

  /** The intact records of a segment: how many, the first and last seq (-1 if none), the next seq. */
  public record Seqs(long records, long first, long last, long next) {}

  /**
   * Each sink's saved cursor, by sink name: the seq of the first record it has not finished, as last
   * saved (a live service saves it as it goes); -1 for a damaged cursor file (the sink would start over).
   */
  public Map<String, Long> cursors() throws IOException {
    Map<String, Long> cursors = new TreeMap<>();
    Path cursorDirectory = directory.resolve(CURSOR_DIRECTORY);
    if (!Files.isDirectory(cursorDirectory)) return cursors;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(cursorDirectory, "*" + CURSOR_SUFFIX)) {
      for (Path file : files) {
        String name = file.getFileName().toString();
        cursors.put(name.substring(0, name.length() - CURSOR_SUFFIX.length()), readCursor(file));
      }
    } catch (NoSuchFileException e) {
      // Removed meanwhile: no cursors.
    }
    return cursors;
  }

  private static long readCursor(Path file) {
    try {
      byte[] bytes = Files.readAllBytes(file);
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      if (bytes.length != 16 || buffer.getInt(0) != CURSOR_MAGIC) return -1;
      CRC32C crc = new CRC32C();
      crc.update(bytes, 0, 12);
      return buffer.getInt(12) == (int) crc.getValue() ? buffer.getLong(4) : -1;
    } catch (IOException e) {
      return -1;
    }
  }

  /** The segment files, in seq order (temporary files such as the spare segment are left out). */
  public List<Path> segmentFiles() throws IOException {
    TreeMap<Long, Path> files = new TreeMap<>();
    Path logDirectory = directory.resolve(LOG_DIRECTORY);
    if (!Files.isDirectory(logDirectory)) return List.of();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(logDirectory, "*" + SegmentFormat.SUFFIX)) {
      for (Path file : entries) {
        long base = SegmentFormat.baseSeqOf(file.getFileName().toString());
        if (base >= 0) files.put(base, file);
      }
    }
    return List.copyOf(files.values());
  }

  /**
   * Reads every segment, checking every frame's checksum, and hands each intact record to
   * {@code visitor}. Records missing between segments are reported as damage of the later segment.
   */
  public List<SegmentScan> scan(RecordVisitor visitor) throws IOException {
    Objects.requireNonNull(visitor, "visitor == null");
    List<Path> files = segmentFiles();
    List<SegmentScan> scans = new ArrayList<>(files.size());
    SegmentScan previous = null;
    for (int i = 0; i < files.size(); i++) {
      Path file = files.get(i);
      boolean last = i == files.size() - 1;
      SegmentScan scan = last ? scanActive(file, visitor) : scanSegment(file, visitor, false);
      if (previous != null && !previous.vanished() && !scan.vanished() && scan.baseSeq() > previous.nextSeq()) {
        List<Damage> damage = new ArrayList<>(scan.damage());
        damage.add(0, new Damage(0, missing(previous.nextSeq(), scan.baseSeq() - 1) + ": "
            + previous.file().getFileName() + " ends early"));
        scan = scan.withDamage(damage);
      }
      scans.add(scan);
      previous = scan;
    }
    return scans;
  }

  /** The active segment is written while we read: damage must show in two scans to count. */
  private SegmentScan scanActive(Path file, RecordVisitor visitor) throws IOException {
    List<long[]> seen = new ArrayList<>();
    SegmentScan first = scanSegment(file, (seq, bytes, time) -> seen.add(new long[] {seq, bytes, time}), true);
    if (first.corrupt()) {
      seen.clear();
      SegmentScan second = scanSegment(file, (seq, bytes, time) -> seen.add(new long[] {seq, bytes, time}), true);
      List<Damage> confirmed = new ArrayList<>();
      for (Damage damage : second.damage()) if (first.damage().contains(damage)) confirmed.add(damage);
      first = second.withDamage(confirmed);
    }
    for (long[] record : seen) visitor.record(record[0], (int) record[1], record[2]);
    return first;
  }

  /**
   * @param last the log's last segment: there a file of zeros without a header is a roll that a crash
   *     interrupted before its data reached the disk (the next open removes it), not damage
   */
  private static SegmentScan scanSegment(Path file, RecordVisitor visitor, boolean last) throws IOException {
    long baseSeq = SegmentFormat.baseSeqOf(file.getFileName().toString());
    MappedByteBuffer map;
    long fileBytes;
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      fileBytes = channel.size();
      boolean tooShort = fileBytes < SegmentFormat.HEADER_BYTES + SegmentFormat.FRAME_HEADER_BYTES;
      if (tooShort || fileBytes > Integer.MAX_VALUE) {
        List<Damage> damage = tooShort && last && SegmentFormat.onlyZeros(Storage.DEFAULT, file)
            ? List.of()
            : List.of(new Damage(0, "segment file of " + fileBytes + " bytes, too short for a record"));
        return new SegmentScan(file, baseSeq, fileBytes, Contents.none(baseSeq), damage, false);
      }
      map = Mapping.map(channel, FileChannel.MapMode.READ_ONLY, fileBytes);
    } catch (NoSuchFileException e) {
      return new SegmentScan(file, baseSeq, 0, Contents.none(baseSeq), List.of(), true);
    }
    try {
      if (last && SegmentFormat.checkHeader(map, baseSeq) != null && SegmentFormat.allZero(map, 0, map.capacity())) {
        return new SegmentScan(file, baseSeq, fileBytes, Contents.none(baseSeq), List.of(), false);
      }
      return scanFrames(file, baseSeq, fileBytes, map, visitor);
    } finally {
      Mapping.unmap(map);
    }
  }

  private static SegmentScan scanFrames(Path file, long baseSeq, long fileBytes, ByteBuffer map,
      RecordVisitor visitor) {
    List<Damage> damage = new ArrayList<>();
    String headerProblem = SegmentFormat.checkHeader(map, baseSeq);
    if (headerProblem != null) damage.add(new Damage(0, headerProblem));
    int offset = SegmentFormat.HEADER_BYTES;
    long scanSeq = baseSeq;
    long records = 0;
    long firstSeq = -1;
    long lastSeq = -1;
    long nextSeq = baseSeq;
    boolean sealed = false;
    long tornTail = -1;
    while (true) {
      SegmentFormat.FrameKind kind = SegmentFormat.classify(map, offset, scanSeq);
      if (kind == SegmentFormat.FrameKind.RECORD) {
        int length = map.getInt(offset);
        long seq = map.getLong(offset + 8);
        if (seq > scanSeq) {
          damage.add(new Damage(offset, missing(scanSeq, seq - 1)));
        }
        visitor.record(seq, SegmentFormat.FRAME_HEADER_BYTES + length,
            timestampMillis(map, offset + SegmentFormat.FRAME_HEADER_BYTES, length));
        records++;
        if (firstSeq < 0) firstSeq = seq;
        lastSeq = seq;
        scanSeq = seq + 1;
        nextSeq = scanSeq;
        offset += SegmentFormat.FRAME_HEADER_BYTES + length;
      } else if (kind == SegmentFormat.FrameKind.SEAL) {
        sealed = true;
        nextSeq = Math.max(nextSeq, map.getLong(offset + 8));
        offset += SegmentFormat.SEAL_BYTES;
        break;
      } else if (kind == SegmentFormat.FrameKind.END) {
        break;
      } else {
        int resumeAt = SegmentFormat.resync(map, offset, scanSeq);
        if (resumeAt < 0) {
          tornTail = offset;
          break;
        }
        damage.add(new Damage(offset, "skipped " + (resumeAt - offset) + " corrupt bytes"));
        offset = resumeAt;
      }
    }
    int createdSize = SegmentFormat.createdSize(map);
    if (createdSize > fileBytes) {
      // Segment files never shrink: this one lost its tail, and any records that were in it.
      damage.add(new Damage(fileBytes, "segment file truncated to " + fileBytes + " of " + createdSize + " bytes"));
    }
    Contents contents = new Contents(offset, new Seqs(records, firstSeq, lastSeq, nextSeq), sealed, tornTail);
    return new SegmentScan(file, baseSeq, fileBytes, contents, List.copyOf(damage), false);
  }

  private static String missing(long first, long last) {
    return first == last ? "record " + first + " is missing" : "records " + first + ".." + last + " are missing";
  }

  /** The envelope's {@code "timestamp"} in epoch millis, read from the payload's first bytes; -1 if absent. */
  static long timestampMillis(ByteBuffer map, int payloadOffset, int length) {
    int limit = Math.min(length, TIMESTAMP_SEARCH_BYTES);
    byte[] prefix = new byte[limit];
    map.get(payloadOffset, prefix);
    int at = indexOf(prefix, TIMESTAMP_KEY);
    if (at < 0) return -1;
    int start = at + TIMESTAMP_KEY.length;
    int end = start;
    while (end < limit && prefix[end] != '"') end++;
    if (end >= limit) return -1;
    try {
      return Instant.parse(new String(prefix, start, end - start, StandardCharsets.US_ASCII)).toEpochMilli();
    } catch (DateTimeParseException e) {
      return -1;
    }
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) if (haystack[i + j] != needle[j]) continue outer;
      return i;
    }
    return -1;
  }
}
