package dev.analytics.internal.log;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;

/** Maps segment files and unmaps them promptly, so deleted segments free their disk space at once. */
final class Mapping {
  private static final Object UNSAFE;
  private static final Method INVOKE_CLEANER;

  static {
    Object unsafe = null;
    Method invokeCleaner = null;
    try {
      Class<?> type = Class.forName("sun.misc.Unsafe");
      Field field = type.getDeclaredField("theUnsafe");
      field.setAccessible(true);
      unsafe = field.get(null);
      invokeCleaner = type.getMethod("invokeCleaner", java.nio.ByteBuffer.class);
    } catch (ReflectiveOperationException | RuntimeException e) {
      // Without it, mappings are released by the garbage collector instead: correct, only slower.
    }
    UNSAFE = unsafe;
    INVOKE_CLEANER = invokeCleaner;
  }

  private Mapping() {}

  static MappedByteBuffer map(FileChannel channel, FileChannel.MapMode mode, long size) throws IOException {
    return channel.map(mode, 0, size);
  }

  /** The caller guarantees that no thread touches {@code buffer} again. */
  static void unmap(MappedByteBuffer buffer) {
    if (buffer == null || INVOKE_CLEANER == null) return;
    try {
      INVOKE_CLEANER.invoke(UNSAFE, buffer);
    } catch (ReflectiveOperationException | RuntimeException e) {
      // Left to the garbage collector.
    }
  }
}
