package dev.analytics.internal.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * Each sink's checkpoint: the seq of the first record it has not finished. One small file per sink,
 * replaced atomically (write a temporary file, fsync it, rename it over the old one, fsync the
 * directory), so a crash leaves either the old or the new cursor, never a mix.
 *
 * <pre>
 * &lt;sink&gt;.cursor, 16 bytes, big-endian
 *   0  int   magic 0x41435552 ("ACUR")
 *   4  long  seq
 *  12  int   CRC32C of bytes 0..11
 * </pre>
 */
public final class CursorStore {
  private static final System.Logger LOG = System.getLogger(CursorStore.class.getName());
  private static final int MAGIC = 0x41435552;
  private static final String SUFFIX = ".cursor";

  private final Path directory;
  private final Storage storage;
  private boolean closed; // guarded by this

  public CursorStore(Path directory, Storage storage) throws IOException {
    this.directory = directory;
    this.storage = storage;
    storage.createDirectories(directory);
  }

  /** The sink's saved seq, or -1 when it has none or the file is damaged (then it starts over). */
  public long read(String sink) {
    Path path = directory.resolve(sink + SUFFIX);
    try {
      byte[] bytes = storage.readAll(path);
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      if (bytes.length == 16 && buffer.getInt(0) == MAGIC && buffer.getInt(12) == crc(bytes)) {
        return buffer.getLong(4);
      }
      LOG.log(System.Logger.Level.WARNING, "damaged cursor " + path + " ignored; the sink starts from the oldest record kept");
    } catch (NoSuchFileException e) {
      // A new sink.
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "cannot read cursor " + path + "; the sink starts from the oldest record kept", e);
    }
    return -1;
  }

  /** The highest seq any cursor file records, or 0. */
  public long maxSeq() throws IOException {
    long max = 0;
    for (Path file : storage.list(directory)) {
      String name = file.getFileName().toString();
      if (name.endsWith(SUFFIX)) max = Math.max(max, read(name.substring(0, name.length() - SUFFIX.length())));
    }
    return max;
  }

  /**
   * Saves {@code sink}'s seq; ignored once {@link #close closed}: a dispatcher that did not stop in
   * time must not write its older cursor after the directory was handed to the next instance.
   */
  public synchronized void write(String sink, long seq) throws IOException {
    if (closed) {
      LOG.log(System.Logger.Level.DEBUG, "cursor of " + sink + " not saved: the instance is closed");
      return;
    }
    ByteBuffer buffer = ByteBuffer.allocate(16);
    buffer.putInt(0, MAGIC).putLong(4, seq);
    buffer.putInt(12, crc(buffer.array()));
    Path target = directory.resolve(sink + SUFFIX);
    Path temp = directory.resolve(sink + SUFFIX + ".tmp");
    storage.delete(temp);
    try (StorageFile file = storage.open(temp, Storage.Access.CREATE)) {
      while (buffer.hasRemaining()) file.write(buffer, buffer.position());
      file.sync();
    }
    storage.move(temp, target);
    storage.syncDirectory(directory);
  }

  /** No cursor is written after this returns. */
  public synchronized void close() {
    closed = true;
  }

  /** Removes leftover temporary files of interrupted writes. */
  public void deleteTemporaryFiles() throws IOException {
    for (Path file : storage.list(directory)) {
      if (file.getFileName().toString().endsWith(".tmp")) storage.delete(file);
    }
  }

  private static int crc(byte[] bytes) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, 12);
    return (int) crc.getValue();
  }
}
