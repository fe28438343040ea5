package dev.analytics.testsupport;

import dev.analytics.internal.log.Storage;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real file operations, with switches that make fsync or preallocation fail the way a dying or
 * full disk does. Thread-safe: the switches are flipped by the test while the engine runs.
 */
public final class FaultyStorage implements Storage {
  /** When set, every fsync of a file fails with an I/O error. */
  public final AtomicBoolean failSync = new AtomicBoolean();
  /** When set, creating a segment file (preallocation) fails with "No space left on device". */
  public final AtomicBoolean diskFull = new AtomicBoolean();
  public final AtomicInteger syncFailures = new AtomicInteger();
  public final AtomicInteger preallocationFailures = new AtomicInteger();

  @Override
  public void preallocate(FileChannel channel, long size) throws IOException {
    if (diskFull.get()) {
      preallocationFailures.incrementAndGet();
      throw new IOException("No space left on device");
    }
    Storage.super.preallocate(channel, size);
  }

  @Override
  public void sync(FileChannel channel) throws IOException {
    if (failSync.get()) {
      syncFailures.incrementAndGet();
      throw new IOException("Input/output error (injected fsync failure)");
    }
    Storage.super.sync(channel);
  }

  @Override
  public void syncDirectory(Path directory) throws IOException {
    Storage.super.syncDirectory(directory);
  }
}
