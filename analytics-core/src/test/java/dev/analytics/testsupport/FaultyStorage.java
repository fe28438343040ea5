package dev.analytics.testsupport;

import dev.analytics.internal.log.Storage;
import dev.analytics.internal.log.StorageFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real file operations (or another storage's), with switches that make fsync or preallocation
 * fail the way a dying or full disk does, and a hook that can hold an fsync. Thread-safe: the
 * switches are flipped by the test while the engine runs.
 */
public final class FaultyStorage implements Storage {
  /** When set, every fsync of a file fails with an I/O error. */
  public final AtomicBoolean failSync = new AtomicBoolean();
  /** When set, creating a segment file (preallocation) fails with "No space left on device". */
  public final AtomicBoolean diskFull = new AtomicBoolean();
  public final AtomicInteger syncFailures = new AtomicInteger();
  public final AtomicInteger preallocationFailures = new AtomicInteger();
  /** Runs before every fsync of a file; what it throws is what the fsync throws. */
  public volatile IoAction beforeSync = () -> {};

  /** An action that may fail like a file operation. */
  @FunctionalInterface
  public interface IoAction {
    void run() throws IOException;
  }

  private final Storage real;

  /** Faults over the real file system. */
  public FaultyStorage() {
    this(Storage.DEFAULT);
  }

  /** Faults over {@code real}: a {@link SimulatedStorage}, for one that can also lose power. */
  public FaultyStorage(Storage real) {
    this.real = real;
  }

  @Override
  public StorageFile open(Path file, Access access) throws IOException {
    StorageFile delegate = real.open(file, access);
    return new StorageFile() {
      @Override
      public void preallocate(long size) throws IOException {
        if (diskFull.get()) {
          preallocationFailures.incrementAndGet();
          throw new IOException("No space left on device");
        }
        StorageFile.super.preallocate(size);
      }

      @Override
      public void sync() throws IOException {
        beforeSync.run();
        if (failSync.get()) {
          syncFailures.incrementAndGet();
          throw new IOException("Input/output error (injected fsync failure)");
        }
        delegate.sync();
      }

      @Override
      public int read(ByteBuffer into, long position) throws IOException {
        return delegate.read(into, position);
      }

      @Override
      public int write(ByteBuffer from, long position) throws IOException {
        return delegate.write(from, position);
      }

      @Override
      public long size() throws IOException {
        return delegate.size();
      }

      @Override
      public void truncate(long size) throws IOException {
        delegate.truncate(size);
      }

      @Override
      public ByteBuffer map(long size, boolean writable) throws IOException {
        return delegate.map(size, writable);
      }

      @Override
      public void unmap(ByteBuffer region) {
        delegate.unmap(region);
      }

      @Override
      public boolean isOpen() {
        return delegate.isOpen();
      }

      @Override
      public void close() throws IOException {
        delegate.close();
      }
    };
  }

  @Override
  public void createDirectories(Path directory) throws IOException {
    real.createDirectories(directory);
  }

  @Override
  public List<Path> list(Path directory) throws IOException {
    return real.list(directory);
  }

  @Override
  public long size(Path file) throws IOException {
    return real.size(file);
  }

  @Override
  public void delete(Path file) throws IOException {
    real.delete(file);
  }

  @Override
  public void move(Path source, Path target) throws IOException {
    real.move(source, target);
  }

  @Override
  public void syncDirectory(Path directory) throws IOException {
    real.syncDirectory(directory);
  }
}
