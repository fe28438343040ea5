package dev.analytics.internal.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The few file operations whose failure the log must survive and report: preallocation (where a full
 * disk shows) and fsync. Tests replace it to inject faults; everything else uses the real file system.
 */
public interface Storage {
  Storage DEFAULT = new Storage() {};

  /** Writes {@code size} zero bytes to a new file so later writes through a mapping never need new blocks. */
  default void preallocate(FileChannel channel, long size) throws IOException {
    ByteBuffer zeros = ByteBuffer.allocateDirect(1 << 20);
    long position = 0;
    while (position < size) {
      zeros.clear();
      zeros.limit((int) Math.min(zeros.capacity(), size - position));
      while (zeros.hasRemaining()) position += channel.write(zeros, position);
    }
  }

  /** fdatasync: on Linux this also writes back pages dirtied through a shared mapping. */
  default void sync(FileChannel channel) throws IOException {
    channel.force(false);
  }

  /** Makes a created, renamed or deleted directory entry durable. */
  default void syncDirectory(Path directory) throws IOException {
    try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
      dir.force(true);
    }
  }
}
