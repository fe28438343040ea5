package dev.analytics.internal.log;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The durable local queue: an append-only sequence of records in fixed-size, preallocated segment
 * files (format in {@link SegmentFormat}), written through a memory mapping so that an append is a
 * copy into the page cache, which survives {@code kill -9}.
 *
 * <p>Appends are serialized by one lock; that short critical section stamps the id and timestamp,
 * copies the frame and publishes it. Durability is group commit: whichever thread needs an fsync
 * first syncs everything appended so far, and the others wait for it instead of syncing themselves.
 * Unless every append is synced, only the background syncer does that, every sync interval. The fsync
 * (fdatasync of the segment file) also writes back the pages stored through the mapping; until it
 * has, a power loss may take them, so a record counts as durable only once an fsync that began after
 * its append has finished.
 *
 * <p>Every record has a seq, one more than the previous; readers (one per sink) follow the log by seq
 * and the owner {@linkplain #release releases} the seqs every sink is done with, which deletes whole
 * segments. Disk use never exceeds {@code maxDiskBytes}: when a new segment would not fit, the
 * when-full policy decides.
 */
// Why this class is long (~810 lines): appends (blocking and async), rolls, retention and group
// commit share the writer's state under one lock, and splitting them apart would spread that lock's invariants over several
// classes. Recovery, which runs before any writer exists, is LogRecovery.
public final class EventLog implements Closeable {
  private static final System.Logger LOG = System.getLogger(EventLog.class.getName());
  private static final byte[] ENVELOPE_ID = "{\"id\":\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ENVELOPE_TIMESTAMP = "\",\"timestamp\":\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ENVELOPE_EVENT = "\",\"event\":".getBytes(StandardCharsets.US_ASCII);
  /** Envelope bytes around the event's own JSON. */
  public static final int ENVELOPE_OVERHEAD = ENVELOPE_ID.length + Stamper.ID_LENGTH
      + ENVELOPE_TIMESTAMP.length + Stamper.TIMESTAMP_LENGTH + ENVELOPE_EVENT.length + 1;
  private static final String SPARE_NAME = "next-segment.tmp";

  /** Settings of a log, set by name; every one but the directory has a default. */
  public static final class Options {
    final Path directory;
    int segmentBytes = 16 << 20;
    long maxDiskBytes = 1L << 30;
    WhenLogFull whenFull = WhenLogFull.BLOCK;
    Duration blockTimeout = Duration.ofSeconds(5);
    boolean syncEachAppend;
    Clock clock = Clock.systemUTC();
    Storage storage = Storage.DEFAULT;
    LogEvents events = LogEvents.NONE;

    public Options(Path directory) {
      this.directory = Objects.requireNonNull(directory, "directory == null");
    }

    /** The size of one segment file, and the most disk the log may use (at least two segments). */
    public Options sizes(int segmentBytes, long maxDiskBytes) {
      this.segmentBytes = segmentBytes;
      this.maxDiskBytes = maxDiskBytes;
      return this;
    }

    /** What an append does when the log is full, and how long {@link WhenLogFull#BLOCK} waits. */
    public Options whenFull(WhenLogFull whenFull, Duration blockTimeout) {
      this.whenFull = Objects.requireNonNull(whenFull, "whenFull == null");
      this.blockTimeout = Objects.requireNonNull(blockTimeout, "blockTimeout == null");
      return this;
    }

    /** Whether each append returns only once an fsync covers it (group commit). Default false. */
    public Options syncEachAppend(boolean syncEachAppend) {
      this.syncEachAppend = syncEachAppend;
      return this;
    }

    /** The clock for ids and timestamps. */
    public Options clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock == null");
      return this;
    }

    /** File operations: {@link Storage#DEFAULT}, or one with injected faults in tests. */
    public Options storage(Storage storage) {
      this.storage = Objects.requireNonNull(storage, "storage == null");
      return this;
    }

    /** Where corruption, drops and storage errors are reported. */
    public Options events(LogEvents events) {
      this.events = Objects.requireNonNull(events, "events == null");
      return this;
    }
  }

  private final Options options;
  private final Path directory;
  private final Storage storage;
  private final LogEvents events;
  private final Stamper stamper;
  private final java.util.zip.CRC32C crc = new java.util.zip.CRC32C(); // guarded by lock
  private ByteBuffer frameScratch = ByteBuffer.allocate(4096); // guarded by lock; grows to the largest record

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition spaceChanged = lock.newCondition();
  private final ConcurrentSkipListMap<Long, Segment> segments = new ConcurrentSkipListMap<>();

  // Writer state, guarded by lock.
  private Segment active;
  private StorageFile activeChannel;
  private ByteBuffer activeMap;
  private int position;
  private boolean closed;
  private boolean spareReserved;
  private boolean spareReady;
  private final List<StorageFile> unsyncedSealed = new ArrayList<>();
  private boolean directoryDirty;
  private volatile Runnable onAppend = () -> {};
  private final PagePrefaulter prefaulter = new PagePrefaulter(); // the syncer thread's
  /** The mapping {@link #prefault} is touching, or null: a roll or close waits before unmapping it. */
  private volatile ByteBuffer prefaulting;
  private volatile boolean prefaultBroken;
  private volatile java.util.function.LongSupplier readPosition = () -> 0;

  /** Records with seq below this are published; readers may read them. */
  private volatile long nextSeq;
  /** Every sink is done with the records below this. */
  private volatile long releasedSeq;
  /** DROP_OLDEST deleted the segments below this (and counted their records as dropped). */
  private volatile long droppedBelow;

  // Group commit state, guarded by syncMonitor.
  private final Object syncMonitor = new Object();
  private long syncedSeq;
  private boolean syncing;
  /** Records below this were written before an fsync failed: never reported durable (SYNC). */
  private long suspectBelow;
  private IOException lastSyncFailure;

  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong corruptSkipped = new AtomicLong();
  private final AtomicLong storageErrors = new AtomicLong();
  private final Set<String> reportedCorruption = ConcurrentHashMap.newKeySet();
  private final MissingSeqs missing = new MissingSeqs();
  private final FramePositions backlog = new FramePositions();
  private final DurableAcks acks;
  /** The last answer of {@link #timestampMillisAt}. */
  private volatile SeqTimestamp lastTimestamp;

  private EventLog(Options options) {
    this.options = options;
    this.directory = options.directory;
    this.storage = options.storage;
    this.events = options.events;
    this.stamper = new Stamper(options.clock);
    Path named = directory.getParent() != null ? directory.getParent() : directory;
    this.acks = new DurableAcks(new AcksView(), "analytics-log-acks-" + named.getFileName());
  }

  /**
   * Opens the log in {@code options.directory}, creating it if needed, and recovers it (see
   * {@link LogRecovery}): leftover temporary files are deleted, the last segment's torn tail is cut,
   * corruption is reported. Never fails because of bad bytes.
   *
   * @param minimumNextSeq seqs below this were already handed out (cursors know them); new records
   *     never reuse them even if segment files were lost
   */
  public static EventLog open(Options options, long minimumNextSeq) throws IOException {
    EventLog log = new EventLog(options);
    log.recover(minimumNextSeq);
    return log;
  }

  private void recover(long minimumNextSeq) throws IOException {
    LogRecovery.Found found = new LogRecovery(storage, directory, options.segmentBytes, this::report)
        .run(segments, minimumNextSeq);
    lock.lock();
    try {
      nextSeq = found.nextSeq();
      LogRecovery.Reopened last = found.reopened();
      if (last == null) {
        openNewActive(found.nextSeq());
      } else {
        active = last.segment();
        activeChannel = last.channel();
        activeMap = last.map();
        position = last.position();
      }
    } finally {
      lock.unlock();
    }
    releasedSeq = segments.firstKey();
    syncedSeq = nextSeq;
    // The previous instance may have created or renamed segment files without ever fsyncing the
    // directory (it closed or died before a record needed it): the first fsync here does it, or a
    // power loss could take a segment's name, and every record in it, after its records were synced.
    directoryDirty = true;
  }

  /** The lowest seq not yet read by every sink: what DROP_OLDEST really drops starts there. */
  public void readPosition(java.util.function.LongSupplier position) {
    this.readPosition = Objects.requireNonNull(position);
  }

  /** Called after each append (outside the lock), to wake readers. */
  public void onAppend(Runnable runnable) {
    this.onAppend = Objects.requireNonNull(runnable);
  }

  /**
   * Appends an envelope for {@code eventJson} with a new id and the current time.
   *
   * @return the id, or {@code null} if {@link WhenLogFull#DROP_NEWEST} dropped the event
   */
  public String append(byte[] eventJson) {
    return append(eventJson, null, null, null);
  }

  /**
   * Appends like {@link #append} without waiting for the fsync: the future completes with the id once
   * the record is as durable as {@link #append}'s return means (if every append is synced: fsynced,
   * by the group commit blocking appenders share; else at once, as {@link #append} returns), or
   * exceptionally if the fsync that should cover it fails. With {@code null} if
   * {@link WhenLogFull#DROP_NEWEST} dropped the event.
   *
   * @throws RuntimeException as {@link #append} does, for what happens before the record is written
   */
  public CompletableFuture<String> appendAsync(byte[] eventJson) {
    if (!options.syncEachAppend) return CompletableFuture.completedFuture(append(eventJson));
    CompletableFuture<String> ack = new CompletableFuture<>();
    if (append(eventJson, null, null, ack) == null) ack.complete(null);
    return ack;
  }

  /**
   * Appends an envelope with a given id and timestamp, as a replay does.
   *
   * @return false if {@link WhenLogFull#DROP_NEWEST} dropped it
   */
  public boolean appendExisting(String id, String timestamp, byte[] eventJson) {
    Objects.requireNonNull(id, "id == null");
    Objects.requireNonNull(timestamp, "timestamp == null");
    return append(eventJson, id.getBytes(StandardCharsets.UTF_8), timestamp.getBytes(StandardCharsets.UTF_8), null) != null;
  }

  /** With an {@code ack} (syncEachAppend only), registers it and returns without waiting for the fsync. */
  private String append(byte[] eventJson, byte[] fixedId, byte[] fixedTimestamp, CompletableFuture<String> ack) {
    int payload = ENVELOPE_OVERHEAD + eventJson.length
        + (fixedId == null ? 0 : fixedId.length - Stamper.ID_LENGTH)
        + (fixedTimestamp == null ? 0 : fixedTimestamp.length - Stamper.TIMESTAMP_LENGTH);
    int frame = SegmentFormat.FRAME_HEADER_BYTES + payload;
    long seq;
    String id;
    lock.lock();
    try {
      if (closed) throw new IllegalStateException("closed");
      if (position + frame + SegmentFormat.SEAL_BYTES > active.size) {
        if (!roll(frame)) return null;
      }
      byte[] idBytes = fixedId;
      byte[] timestampBytes = fixedTimestamp;
      if (idBytes == null) {
        stamper.next();
        idBytes = stamper.id;
        timestampBytes = stamper.timestamp;
      }
      seq = nextSeq;
      int at = position;
      ByteBuffer buffer = frameBuffer(frame);
      byte[] bytes = buffer.array();
      buffer.putInt(0, payload);
      buffer.putLong(8, seq);
      int p = 16;
      p = put(bytes, p, ENVELOPE_ID);
      p = put(bytes, p, idBytes);
      p = put(bytes, p, ENVELOPE_TIMESTAMP);
      p = put(bytes, p, timestampBytes);
      p = put(bytes, p, ENVELOPE_EVENT);
      p = put(bytes, p, eventJson);
      bytes[p] = '}';
      crc.reset();
      crc.update(bytes, 0, 4);
      crc.update(bytes, 8, 8 + payload);
      buffer.putInt(4, (int) crc.getValue());
      if (options.syncEachAppend && ack == null) {
        // A caller waits for this record's fsync, which covers only the few records appended
        // meanwhile; then fdatasync after write() costs about half of fdatasync after stores through
        // the mapping (docs/BENCHMARKS.md 7b: through it, 8 blocking threads did half the rate).
        writeFully(buffer.limit(frame).position(0), at);
      } else {
        // A copy into the page cache: survives kill -9. An async SYNC append is one of the thousands
        // a pipelined group commit covers, where the system call per record is what costs; the fsync
        // writes the mapped pages back, and its future completes only after that (DurableAcks).
        activeMap.put(at, bytes, 0, frame);
      }
      position = at + frame;
      active.usedBytes = position;
      id = new String(idBytes, StandardCharsets.ISO_8859_1);
      nextSeq = seq + 1; // publishes the complete frame to readers
      if (ack != null) acks.add(seq, id, ack); // under the lock: registered in seq order
    } finally {
      lock.unlock();
    }
    onAppend.run();
    if (options.syncEachAppend && ack == null) awaitDurable(seq + 1);
    return id;
  }

  private ByteBuffer frameBuffer(int size) {
    if (frameScratch.capacity() < size) {
      frameScratch = ByteBuffer.allocate(Math.max(size, frameScratch.capacity() * 2));
    }
    return frameScratch.clear();
  }

  private static int put(byte[] into, int at, byte[] bytes) {
    System.arraycopy(bytes, 0, into, at, bytes.length);
    return at + bytes.length;
  }

  /** SYNC's write path; on failure nothing is published and the next append overwrites the attempt. */
  private void writeFully(ByteBuffer buffer, int at) {
    // A FileChannel closes itself when a thread is interrupted during I/O: one cancelled caller would
    // close the log for everyone. Caller threads therefore do channel I/O with the flag cleared.
    boolean interrupted = Thread.interrupted();
    try {
      int offset = at;
      while (buffer.hasRemaining()) offset += activeChannel.write(buffer, offset);
    } catch (IOException e) {
      storageErrors.incrementAndGet();
      events.onStorageError(e);
      throw new UncheckedIOException("cannot write to the event log in " + directory
          + "; the event was not accepted", e);
    } finally {
      if (interrupted) Thread.currentThread().interrupt();
    }
  }

  /** Moves to a new segment; false if the when-full policy dropped the record instead. */
  private boolean roll(int frame) {
    if (frame + SegmentFormat.HEADER_BYTES + SegmentFormat.SEAL_BYTES > options.segmentBytes) {
      throw new IllegalArgumentException("record of " + frame + " bytes does not fit a segment of "
          + options.segmentBytes + " bytes");
    }
    if (!spareReady && !spareReserved && !roomForAnotherSegment()) {
      deleteReleasedSegments();
      long deadline = System.nanoTime() + options.blockTimeout.toNanos();
      while (!spareReady && !spareReserved && !roomForAnotherSegment()) {
        switch (options.whenFull) {
          case DROP_NEWEST:
            dropped.incrementAndGet();
            events.onDropped(WhenLogFull.DROP_NEWEST, 1);
            return false;
          case DROP_OLDEST:
            dropOldestSegment();
            break;
          default:
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
              throw new LogFullException("event log in " + directory + " is full (maxDiskBytes "
                  + options.maxDiskBytes + ") and delivery freed no space within " + options.blockTimeout
                  + "; the event was not accepted");
            }
            try {
              spaceChanged.awaitNanos(remaining);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              throw new LogFullException("interrupted while waiting for space in " + directory);
            }
            if (closed) throw new IllegalStateException("closed");
        }
      }
    }
    try {
      while (spareReserved && !spareReady) spaceChanged.awaitUninterruptibly();
      StorageFile oldChannel = activeChannel;
      ByteBuffer oldMap = activeMap;
      int oldEnd = position;
      long base = nextSeq;
      openNewActive(base);
      SegmentFormat.writeSeal(oldMap, oldEnd, base);
      awaitPrefaulter(oldMap);
      oldChannel.unmap(oldMap);
      unsyncedSealed.add(oldChannel);
      return true;
    } catch (IOException e) {
      storageErrors.incrementAndGet();
      events.onStorageError(e);
      throw new UncheckedIOException("cannot create a new segment in " + directory
          + " (is the disk full?); the event was not accepted", e);
    }
  }

  /**
   * Under lock: makes a new segment at {@code base} the active one. The file is the spare (prepared
   * ahead, or made now), given its header before it is renamed to its segment name: a crash never
   * leaves a segment file that recovery could mistake for a damaged one.
   */
  private void openNewActive(long base) throws IOException {
    Path path = directory.resolve(SegmentFormat.fileName(base));
    Path spare = directory.resolve(SPARE_NAME);
    if (spareReady) {
      spareReady = false;
      spareReserved = false;
    } else {
      storage.delete(spare);
      createPreallocated(spare);
    }
    StorageFile channel = storage.open(spare, Storage.Access.WRITE);
    ByteBuffer map = null;
    try {
      map = channel.map(options.segmentBytes, true);
      SegmentFormat.writeHeader(map, base, options.segmentBytes);
      storage.move(spare, path);
    } catch (IOException | RuntimeException e) {
      if (map != null) channel.unmap(map);
      channel.close();
      throw e;
    }
    Segment segment = new Segment(base, path, options.segmentBytes, SegmentFormat.HEADER_BYTES);
    segments.put(base, segment);
    active = segment;
    activeChannel = channel;
    activeMap = map;
    position = SegmentFormat.HEADER_BYTES;
    directoryDirty = true;
  }

  private void createPreallocated(Path path) throws IOException {
    try (StorageFile file = storage.open(path, Storage.Access.CREATE)) {
      file.preallocate(options.segmentBytes);
    } catch (IOException e) {
      storage.delete(path);
      throw e;
    }
  }

  /**
   * Takes the page faults of the next appends off the appending threads (see {@link PagePrefaulter}).
   * Called by the background syncer after each tick, and so after each periodic fsync, which leaves
   * every page clean again. Holds the lock only to look at the active segment, a chunk at a time.
   */
  public void prefault() {
    if (prefaultBroken) return;
    ByteBuffer map;
    int from;
    int to;
    lock.lock();
    try {
      if (closed || activeMap == null || !activeMap.isDirect()) return;
      map = activeMap;
      from = position;
      to = (int) Math.min(map.capacity(), (long) from + prefaulter.ahead(map, from));
    } finally {
      lock.unlock();
    }
    for (int start = from; start < to; start += PagePrefaulter.CHUNK_BYTES) {
      lock.lock();
      try {
        if (activeMap != map) return; // rolled over or closed: the next call starts on the new segment
        prefaulting = map;
      } finally {
        lock.unlock();
      }
      try {
        PagePrefaulter.touch(map, start, Math.min(to, start + PagePrefaulter.CHUNK_BYTES));
      } catch (RuntimeException e) { // a mapping this JVM cannot access atomically: appends fault as before
        prefaultBroken = true;
        return;
      } finally {
        prefaulting = null;
      }
    }
  }

  /** Under lock: waits for {@link #prefault} to finish its chunk of {@code map}, if it is in one. */
  private void awaitPrefaulter(ByteBuffer map) {
    while (prefaulting == map) Thread.onSpinWait();
  }

  /**
   * Prepares the next segment file ahead of time, so that rolling over costs a rename rather than
   * writing a whole zero-filled file inside the append lock. Called by the background syncer.
   */
  public void prepareSpare() {
    lock.lock();
    try {
      if (closed || spareReady || spareReserved || !roomForAnotherSegment()) return;
      spareReserved = true;
    } finally {
      lock.unlock();
    }
    Path spare = directory.resolve(SPARE_NAME);
    boolean ok = false;
    try {
      storage.delete(spare);
      createPreallocated(spare);
      ok = true;
    } catch (IOException e) {
      storageErrors.incrementAndGet();
      events.onStorageError(e);
    } finally {
      lock.lock();
      try {
        spareReady = ok;
        spareReserved = false;
        spaceChanged.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }

  private boolean roomForAnotherSegment() {
    long files = segments.size() + (spareReady || spareReserved ? 1 : 0) + 1;
    return files * options.segmentBytes <= options.maxDiskBytes;
  }

  /** Every sink is done with records below {@code seq}: segments wholly below it are deleted. */
  public void release(long seq) {
    if (seq <= releasedSeq) return;
    lock.lock();
    try {
      if (seq > releasedSeq) releasedSeq = Math.min(seq, nextSeq);
      deleteReleasedSegments();
    } finally {
      lock.unlock();
    }
  }

  private void deleteReleasedSegments() {
    boolean deleted = false;
    while (true) {
      Map.Entry<Long, Segment> first = segments.firstEntry();
      Map.Entry<Long, Segment> second = first == null ? null : segments.higherEntry(first.getKey());
      if (second == null || second.getKey() > releasedSeq) break; // never the active (last) one
      deleteSegment(first.getValue());
      deleted = true;
    }
    if (deleted) spaceChanged.signalAll();
  }

  private void dropOldestSegment() {
    Map.Entry<Long, Segment> first = segments.firstEntry();
    Map.Entry<Long, Segment> second = segments.higherEntry(first.getKey());
    if (second == null) throw new IllegalStateException("cannot drop the active segment");
    long count;
    synchronized (first.getValue()) { // see LogReader.read: no reader takes a frame of it meanwhile
      // Records every sink has already read are in memory and will still be delivered: not dropped.
      count = second.getKey() - Math.max(first.getKey(), Math.max(releasedSeq, readPosition.getAsLong()));
      deleteSegment(first.getValue());
    }
    if (count > 0) {
      dropped.addAndGet(count);
      events.onDropped(WhenLogFull.DROP_OLDEST, count);
    }
    releasedSeq = Math.max(releasedSeq, second.getKey());
    droppedBelow = Math.max(droppedBelow, second.getKey());
  }

  private void deleteSegment(Segment segment) {
    segment.deleted = true;
    segments.remove(segment.baseSeq);
    try {
      storage.delete(segment.path);
      directoryDirty = true;
    } catch (IOException e) {
      storageErrors.incrementAndGet();
      events.onStorageError(e);
    }
  }

  /**
   * Group commit: returns once every record below {@code seqExclusive} is fsynced. One caller syncs
   * for all that wait; the others wait for it.
   *
   * @throws UncheckedIOException if the fsync failed (the records are written, not known durable)
   */
  /**
   * SYNC's wait: like {@link #syncUpTo}, but a record that was written before an fsync failed is never
   * reported durable, even if a later fsync succeeds: Linux may have marked its pages clean without
   * writing them (the "fsyncgate" behaviour), so a later success proves nothing about it.
   */
  private void awaitDurable(long seqExclusive) {
    syncUpTo(seqExclusive, true);
  }

  public void syncUpTo(long seqExclusive) {
    syncUpTo(seqExclusive, false);
  }

  private void syncUpTo(long seqExclusive, boolean failIfSuspect) {
    while (true) {
      synchronized (syncMonitor) {
        while (true) {
          if (failIfSuspect && suspectBelow >= seqExclusive) throw notDurable();
          if (syncedSeq >= seqExclusive) return;
          if (!syncing) {
            syncing = true;
            break;
          }
          try {
            syncMonitor.wait();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new java.io.InterruptedIOException("interrupted waiting for fsync"));
          }
        }
      }
      syncAsLeader();
    }
  }

  /** What a SYNC append gets for a record written before an fsync failed. Under syncMonitor. */
  private UncheckedIOException notDurable() {
    return new UncheckedIOException("fsync of the event log in " + directory + " failed; the event "
        + "is written and will be delivered, but is not known to be durable", lastSyncFailure);
  }

  /** Fsyncs everything appended so far. */
  public void sync() {
    syncUpTo(nextSeq);
  }

  private void syncAsLeader() {
    long target;
    List<StorageFile> sealed;
    StorageFile current;
    boolean syncDirectory;
    lock.lock();
    try {
      target = nextSeq;
      sealed = new ArrayList<>(unsyncedSealed);
      unsyncedSealed.clear();
      current = activeChannel;
      syncDirectory = directoryDirty;
      directoryDirty = false;
    } finally {
      lock.unlock();
    }
    IOException failure = null;
    boolean interrupted = Thread.interrupted(); // see writeFully: an interrupt would close the channel
    try {
      for (StorageFile channel : sealed) channel.sync();
      if (current.isOpen() || !closedByUs(current)) current.sync();
      if (syncDirectory) storage.syncDirectory(directory);
    } catch (IOException e) {
      failure = e;
    } finally {
      if (interrupted) Thread.currentThread().interrupt();
    }
    if (failure == null) {
      for (StorageFile channel : sealed) closeQuietly(channel);
    } else {
      lock.lock();
      try {
        unsyncedSealed.addAll(0, sealed);
        directoryDirty |= syncDirectory;
      } finally {
        lock.unlock();
      }
    }
    synchronized (syncMonitor) {
      syncing = false;
      if (failure == null) {
        syncedSeq = Math.max(syncedSeq, target);
      } else {
        suspectBelow = Math.max(suspectBelow, nextSeq); // everything written before the failure was seen
        lastSyncFailure = failure;
      }
      syncMonitor.notifyAll();
    }
    if (failure != null) {
      storageErrors.incrementAndGet();
      events.onStorageError(failure);
      throw new UncheckedIOException("fsync of the event log in " + directory
          + " failed; records are written but not known to be durable", failure);
    }
  }

  /**
   * The envelope timestamp (epoch millis) of the record at {@code seq}, or of the oldest kept after it;
   * 0 if there is none or it cannot be read. For stats, which metrics may ask for many times a scrape
   * while a cursor stands still: the last answer is kept (a record's timestamp never changes), so the
   * segment is mapped once per cursor position, not once per call.
   */
  public long timestampMillisAt(long seq) {
    SeqTimestamp last = lastTimestamp;
    if (last != null && last.seq() == seq) return last.millis();
    long millis;
    try (LogReader reader = reader(seq)) {
      List<LogReader.Entry> entries = new ArrayList<>(1);
      if (reader.read(1, entries) == 0) return 0;
      byte[] payload = entries.get(0).payload;
      millis = Math.max(0, LogInspector.timestampMillis(ByteBuffer.wrap(payload), 0, payload.length));
    } catch (IOException | RuntimeException e) {
      return 0; // stats must not fail: the dispatcher meets and reports whatever is wrong there
    }
    lastTimestamp = new SeqTimestamp(seq, millis);
    return millis;
  }

  private record SeqTimestamp(long seq, long millis) {}

  /** A reader positioned at {@code seq} (or the oldest record still kept, if later). */
  public LogReader reader(long seq) {
    return new LogReader(this, seq);
  }

  Storage storage() {
    return storage;
  }

  Map.Entry<Long, Segment> segmentFor(long seq) {
    Map.Entry<Long, Segment> entry = segments.floorEntry(seq);
    return entry != null ? entry : segments.firstEntry();
  }

  Map.Entry<Long, Segment> segmentAfter(long baseSeq) {
    return segments.higherEntry(baseSeq);
  }

  /**
   * Reports damage once per place, however many readers meet it, and counts the records of
   * {@code [fromSeq, toSeq)} as missing, each seq once whoever finds it.
   */
  void report(Path segment, long offset, long fromSeq, long toSeq, String detail) {
    long skippedRecords = missing.add(fromSeq, toSeq);
    if (skippedRecords > 0) corruptSkipped.addAndGet(skippedRecords);
    if (!reportedCorruption.add(segment.getFileName() + "@" + offset)) return;
    LOG.log(System.Logger.Level.WARNING, "corrupt data in " + segment + " at offset " + offset + ": " + detail
        + (skippedRecords > 0 ? " (" + skippedRecords + " records skipped)" : ""));
    events.onCorruption(segment, offset, skippedRecords, detail);
  }

  /** A record whose checksum matched but whose envelope cannot be parsed: skipped, counted, reported. */
  public void reportUnreadable(long seq, String detail) {
    Map.Entry<Long, Segment> segment = segmentFor(seq);
    report(segment == null ? directory : segment.getValue().path, -1 - seq, seq, seq + 1,
        "record " + seq + " has an intact checksum but an unreadable envelope: " + detail);
  }

  /** Seq of the next record to be appended; every lower seq is readable. */
  public long nextSeq() {
    return nextSeq;
  }

  long droppedBelow() {
    return droppedBelow;
  }

  /** Seq of the oldest record still on disk. */
  public long firstSeq() {
    return segments.firstKey();
  }

  /** Bytes of the record frames from {@code seq} to the end of the log. */
  public long bytesFrom(long seq) {
    if (seq >= nextSeq) return 0;
    Map.Entry<Long, Segment> from = segments.floorEntry(seq);
    if (from == null) from = segments.firstEntry();
    if (from == null) return 0;
    long total = 0;
    for (Segment segment : segments.tailMap(from.getKey()).values()) {
      int start = segment == from.getValue() && seq > segment.baseSeq ? backlog.offsetOf(storage, segment, seq) : SegmentFormat.HEADER_BYTES;
      total += Math.max(0, segment.usedBytes - start);
    }
    return total;
  }

  public long dropped() {
    return dropped.get();
  }

  public long corruptSkipped() {
    return corruptSkipped.get();
  }

  public long storageErrors() {
    return storageErrors.get();
  }

  public Path directory() {
    return directory;
  }

  /** Stops appends, fsyncs, and releases files. Readers must be closed first. */
  @Override
  public void close() throws IOException {
    lock.lock();
    try {
      if (closed) return;
      closed = true;
      spaceChanged.signalAll();
    } finally {
      lock.unlock();
    }
    IOException failure = null;
    try {
      sync();
    } catch (UncheckedIOException e) {
      failure = e.getCause();
    }
    acks.close(() -> new IllegalStateException("closed"));
    lock.lock();
    try {
      for (StorageFile channel : unsyncedSealed) closeQuietly(channel);
      unsyncedSealed.clear();
      if (activeMap != null) {
        awaitPrefaulter(activeMap);
        activeChannel.unmap(activeMap);
      }
      activeMap = null;
      closeQuietly(activeChannel);
    } finally {
      lock.unlock();
    }
    if (failure != null) throw failure;
  }

  /** True once close() has closed {@code channel}; a channel closed any other way must fail the sync. */
  private boolean closedByUs(StorageFile channel) {
    lock.lock();
    try {
      return closed && channel == activeChannel;
    } finally {
      lock.unlock();
    }
  }

  /** The group commit state {@link DurableAcks} reads. */
  private final class AcksView implements DurableAcks.Log {
    @Override
    public void awaitDurable(long seqExclusive) {
      EventLog.this.awaitDurable(seqExclusive);
    }

    @Override
    public long syncedSeq() {
      synchronized (syncMonitor) {
        return syncedSeq;
      }
    }

    @Override
    public long suspectBelow() {
      synchronized (syncMonitor) {
        return suspectBelow;
      }
    }

    @Override
    public UncheckedIOException notDurable() {
      synchronized (syncMonitor) {
        return EventLog.this.notDurable();
      }
    }
  }

  private static void closeQuietly(StorageFile channel) {
    try {
      channel.close();
    } catch (IOException e) {
      LOG.log(System.Logger.Level.DEBUG, "closing " + channel, e);
    }
  }
}
