package dev.analytics.testsupport;

import dev.analytics.internal.log.Storage;
import dev.analytics.internal.log.StorageFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A file system in memory that can lose power. Per file it keeps what was written (the page cache:
 * what every reader sees) and what was fsynced (the disk); per directory, the entries as they are and
 * as they were at the last directory fsync, with the creates, renames and deletes since then in order.
 *
 * <p>{@link #powerLoss()} keeps every fsynced byte and an arbitrary part of the rest, chosen by the seeded
 * random: per 4 KiB page of a file, the written page, the synced one, or a torn mix (a prefix of 512-byte
 * sectors of the new one), so unsynced writes survive in any subset and order; a file's length is its
 * synced or its written one; a directory keeps its synced entries plus any prefix of the operations
 * since (a rename or create may or may not have reached the disk before its directory fsync). Handles and
 * mappings opened before the power loss fail or write into nothing afterwards, like a dead process's;
 * so does every operation through a {@link #process()} view taken before it.
 *
 * <p>{@link #failNext} makes the next operation of one kind fail with an {@link IOException}, once: a
 * write (also a preallocation, which writes zeros), an fsync of a file or a directory, a rename, or the
 * creation of a file. Stores through a mapping cannot fail, as with a real one.
 *
 * <p>Directories are created durable at once. Thread-safe: operations take the storage's monitor;
 * stores through a mapping go straight to the page cache, as with a real mapping.
 */
public final class SimulatedStorage implements Storage {
  public static final int PAGE = 4096;
  private static final int SECTOR = 512;

  /** What {@link #failNext} can break. */
  public enum Fault {
    WRITE,
    SYNC,
    RENAME,
    CREATE
  }

  private final Random random;
  private final Map<Path, Directory> directories = new HashMap<>();
  private final EnumMap<Fault, Integer> armed = new EnumMap<>(Fault.class);
  private int generation;
  private int faultsFired;
  private int powerLosses;

  public SimulatedStorage(long seed) {
    this.random = new Random(seed);
  }

  /** Makes the {@code skip}+1-th next operation of {@code kind} fail, once. */
  public synchronized void failNext(Fault kind, int skip) {
    armed.put(kind, skip);
  }

  public synchronized void disarm() {
    armed.clear();
  }

  /** How many injected faults have fired so far. */
  public synchronized int faultsFired() {
    return faultsFired;
  }

  public synchronized int powerLosses() {
    return powerLosses;
  }

  /** The machine loses power: see the class comment for what survives. */
  public synchronized void powerLoss() {
    powerLosses++;
    generation++;
    for (Directory directory : directories.values()) directory.loseUnsynced();
    java.util.Set<Inode> survivors = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    for (Directory directory : directories.values()) survivors.addAll(directory.entries.values());
    for (Inode inode : survivors) inode.loseUnsynced();
  }

  private void maybeFail(Fault kind, String what) throws IOException {
    Integer skip = armed.get(kind);
    if (skip == null) return;
    if (skip > 0) {
      armed.put(kind, skip - 1);
      return;
    }
    armed.remove(kind);
    faultsFired++;
    throw new IOException("injected " + kind + " failure: " + what);
  }

  private Directory directory(Path directory) throws IOException {
    Directory found = directories.get(directory.toAbsolutePath().normalize());
    if (found == null) throw new NoSuchFileException(directory.toString());
    return found;
  }

  private Directory parentOf(Path file) throws IOException {
    return directory(file.toAbsolutePath().normalize().getParent());
  }

  private static String name(Path file) {
    return file.getFileName().toString();
  }

  @Override
  public synchronized void createDirectories(Path directory) {
    Path path = directory.toAbsolutePath().normalize();
    while (path != null && !directories.containsKey(path)) {
      directories.put(path, new Directory());
      path = path.getParent();
    }
  }

  @Override
  public synchronized List<Path> list(Path directory) throws IOException {
    List<Path> entries = new ArrayList<>();
    for (String name : directory(directory).entries.keySet()) entries.add(directory.resolve(name));
    for (Path sub : directories.keySet()) {
      if (directory.toAbsolutePath().normalize().equals(sub.getParent())) entries.add(directory.resolve(sub.getFileName()));
    }
    return entries;
  }

  @Override
  public synchronized long size(Path file) throws IOException {
    Inode inode = parentOf(file).entries.get(name(file));
    if (inode == null) throw new NoSuchFileException(file.toString());
    return inode.size;
  }

  @Override
  public synchronized StorageFile open(Path file, Access access) throws IOException {
    Directory parent = parentOf(file);
    Inode inode = parent.entries.get(name(file));
    if (inode == null) {
      if (access != Access.CREATE) throw new NoSuchFileException(file.toString());
      maybeFail(Fault.CREATE, file.toString());
      inode = new Inode();
      parent.apply(new Op(name(file), null, inode));
    }
    return new Handle(inode, access == Access.READ, generation, file);
  }

  @Override
  public synchronized void delete(Path file) throws IOException {
    Directory parent = parentOf(file);
    if (parent.entries.containsKey(name(file))) parent.apply(new Op(name(file), null, null));
  }

  @Override
  public synchronized void move(Path source, Path target) throws IOException {
    Directory from = parentOf(source);
    Directory to = parentOf(target);
    if (from != to) throw new IOException("simulated storage renames within a directory only");
    Inode inode = from.entries.get(name(source));
    if (inode == null) throw new NoSuchFileException(source.toString());
    maybeFail(Fault.RENAME, source + " -> " + target);
    from.apply(new Op(name(target), name(source), inode));
  }

  @Override
  public synchronized void syncDirectory(Path directory) throws IOException {
    Directory found = directory(directory);
    maybeFail(Fault.SYNC, directory.toString());
    found.sync();
  }

  /** A create (source null, inode set), delete (inode null) or rename (source set) in a directory. */
  private static final class Op {
    final String name;
    final String source;
    final Inode inode;

    Op(String name, String source, Inode inode) {
      this.name = name;
      this.source = source;
      this.inode = inode;
    }

    void applyTo(Map<String, Inode> entries) {
      if (source != null) entries.remove(source);
      if (inode == null) entries.remove(name);
      else entries.put(name, inode);
    }
  }

  private final class Directory {
    final Map<String, Inode> entries = new HashMap<>();
    Map<String, Inode> durable = new HashMap<>();
    final List<Op> pending = new ArrayList<>();

    void apply(Op op) {
      op.applyTo(entries);
      pending.add(op);
    }

    void sync() {
      durable = new HashMap<>(entries);
      pending.clear();
    }

    void loseUnsynced() {
      Map<String, Inode> survived = new HashMap<>(durable);
      int kept = random.nextInt(pending.size() + 1);
      for (Op op : pending.subList(0, kept)) op.applyTo(survived);
      entries.clear();
      entries.putAll(survived);
      sync();
    }
  }

  /** A file's bytes: {@code data} up to {@code size} is the page cache, {@code synced} the disk. */
  private final class Inode {
    byte[] data = new byte[0];
    int size;
    byte[] synced = new byte[0];
    int syncedSize;
    /** Mappings alias {@code data}: it must not be replaced while one is handed out. */
    int mapped;

    void ensureCapacity(long needed) throws IOException {
      if (needed > Integer.MAX_VALUE - 8) throw new IOException("file too large for the simulation: " + needed);
      if (needed <= data.length) return;
      if (mapped > 0) throw new IllegalStateException("simulated file grown while mapped");
      data = Arrays.copyOf(data, (int) Math.max(needed, Math.min(Integer.MAX_VALUE - 8, data.length * 2L)));
    }

    void sync() {
      synced = Arrays.copyOf(data, size);
      syncedSize = size;
    }

    void loseUnsynced() {
      int length = random.nextBoolean() ? size : syncedSize;
      byte[] after = new byte[Math.max(length, 0)];
      for (int page = 0; page < length; page += PAGE) {
        int end = Math.min(length, page + PAGE);
        int choice = random.nextInt(3); // 0: the synced page, 1: the written page, 2: torn between them
        int tear = choice == 0 ? page : choice == 1 ? end : Math.min(end, page + SECTOR * random.nextInt(PAGE / SECTOR + 1));
        for (int i = page; i < end; i++) {
          byte written = i < size ? data[i] : 0;
          byte durable = i < syncedSize ? synced[i] : 0;
          after[i] = i < tear ? written : durable;
        }
      }
      data = after;
      size = length;
      mapped = 0; // mappings of the dead process alias the old array, not this one
      sync();
    }
  }

  private final class Handle implements StorageFile {
    final Inode inode;
    final boolean readOnly;
    final int openedIn;
    final Path path;
    boolean open = true;

    Handle(Inode inode, boolean readOnly, int openedIn, Path path) {
      this.inode = inode;
      this.readOnly = readOnly;
      this.openedIn = openedIn;
      this.path = path;
    }

    private void check() throws IOException {
      if (!open) throw new java.nio.channels.ClosedChannelException();
      if (openedIn != generation) throw new IOException("power was lost: " + path + " is no longer open");
    }

    @Override
    public int read(ByteBuffer into, long position) throws IOException {
      synchronized (SimulatedStorage.this) {
        check();
        if (position >= inode.size) return -1;
        int count = (int) Math.min(into.remaining(), inode.size - position);
        into.put(inode.data, (int) position, count);
        return count;
      }
    }

    @Override
    public int write(ByteBuffer from, long position) throws IOException {
      synchronized (SimulatedStorage.this) {
        check();
        if (readOnly) throw new java.nio.channels.NonWritableChannelException();
        maybeFail(Fault.WRITE, path.toString());
        int count = from.remaining();
        inode.ensureCapacity(position + count);
        from.get(inode.data, (int) position, count);
        inode.size = (int) Math.max(inode.size, position + count);
        return count;
      }
    }

    @Override
    public void preallocate(long size) throws IOException {
      synchronized (SimulatedStorage.this) { // a write of zeros, without building them first
        check();
        if (readOnly) throw new java.nio.channels.NonWritableChannelException();
        maybeFail(Fault.WRITE, path.toString());
        inode.ensureCapacity(size);
        if (size > inode.size) {
          Arrays.fill(inode.data, inode.size, (int) size, (byte) 0);
          inode.size = (int) size;
        }
      }
    }

    @Override
    public long size() throws IOException {
      synchronized (SimulatedStorage.this) {
        check();
        return inode.size;
      }
    }

    @Override
    public void truncate(long size) throws IOException {
      synchronized (SimulatedStorage.this) {
        check();
        if (size < inode.size) {
          Arrays.fill(inode.data, (int) size, inode.size, (byte) 0);
          inode.size = (int) size;
        }
      }
    }

    @Override
    public void sync() throws IOException {
      synchronized (SimulatedStorage.this) {
        check();
        maybeFail(Fault.SYNC, path.toString());
        inode.sync();
      }
    }

    @Override
    public ByteBuffer map(long size, boolean writable) throws IOException {
      synchronized (SimulatedStorage.this) {
        check();
        if (size > inode.size) throw new IOException("mapping past the end of " + path);
        inode.mapped++;
        ByteBuffer region = ByteBuffer.wrap(inode.data, 0, (int) size).slice();
        return writable ? region : region.asReadOnlyBuffer();
      }
    }

    @Override
    public void unmap(ByteBuffer region) {
      synchronized (SimulatedStorage.this) {
        if (openedIn == generation && inode.mapped > 0) inode.mapped--;
      }
    }

    @Override
    public boolean isOpen() {
      return open;
    }

    @Override
    public void close() {
      open = false;
    }
  }

  /**
   * This storage as the process running now sees it: once power is lost, every operation through it
   * fails, as a dead process's would. Without it, a thread of an abandoned instance that outlived the
   * power loss could, say, fsync a directory of the machine that came back and take that as success.
   */
  public synchronized Storage process() {
    return new Process(generation);
  }

  private final class Process implements Storage {
    private final int bornIn;

    Process(int bornIn) {
      this.bornIn = bornIn;
    }

    private void alive() throws IOException {
      if (bornIn != generation) throw new IOException("power was lost: this process is gone");
    }

    @Override
    public void createDirectories(Path directory) throws IOException {
      synchronized (SimulatedStorage.this) {
        alive();
        SimulatedStorage.this.createDirectories(directory);
      }
    }

    @Override
    public List<Path> list(Path directory) throws IOException {
      synchronized (SimulatedStorage.this) {
        alive();
        return SimulatedStorage.this.list(directory);
      }
    }

    @Override
    public long size(Path file) throws IOException {
      synchronized (SimulatedStorage.this) {
        alive();
        return SimulatedStorage.this.size(file);
      }
    }

    @Override
    public StorageFile open(Path file, Access access) throws IOException {
      synchronized (SimulatedStorage.this) {
        alive();
        return SimulatedStorage.this.open(file, access);
      }
    }

    @Override
    public void delete(Path file) throws IOException {
      synchronized (SimulatedStorage.this) {
        alive();
        SimulatedStorage.this.delete(file);
      }
    }

    @Override
    public void move(Path source, Path target) throws IOException {
      synchronized (SimulatedStorage.this) {
        alive();
        SimulatedStorage.this.move(source, target);
      }
    }

    @Override
    public void syncDirectory(Path directory) throws IOException {
      synchronized (SimulatedStorage.this) {
        alive();
        SimulatedStorage.this.syncDirectory(directory);
      }
    }
  }

  /** Not used by the log; here so a test can see a file as the engine would after a restart. */
  public synchronized byte[] contentOf(Path file) throws IOException {
    Inode inode = parentOf(file).entries.get(name(file));
    if (inode == null) throw new NoSuchFileException(file.toString());
    return Arrays.copyOf(inode.data, inode.size);
  }
}
