package dev.analytics.internal.log;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/** An open file of a {@link Storage}. Positional reads and writes; safe for concurrent use. */
public interface StorageFile extends Closeable {
  int read(ByteBuffer into, long position) throws IOException;

  int write(ByteBuffer from, long position) throws IOException;

  long size() throws IOException;

  void truncate(long size) throws IOException;

  /**
   * Writes {@code size} zero bytes so that later writes through a mapping never need new blocks (where
   * a full disk shows).
   */
  default void preallocate(long size) throws IOException {
    ByteBuffer zeros = ByteBuffer.allocateDirect(1 << 20);
    long position = 0;
    while (position < size) {
      zeros.clear();
      zeros.limit((int) Math.min(zeros.capacity(), size - position));
      while (zeros.hasRemaining()) position += write(zeros, position);
    }
  }

  /** fdatasync: writes, and stores through a mapping of this file, become durable. */
  void sync() throws IOException;

  /**
   * The first {@code size} bytes of the file as a buffer (a memory mapping, for real): what is stored
   * into a writable one is written to the file, durable after {@link #sync}. Release it with
   * {@link #unmap} once no thread touches it any more.
   */
  ByteBuffer map(long size, boolean writable) throws IOException;

  void unmap(ByteBuffer region);

  boolean isOpen();
}
