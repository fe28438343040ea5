package dev.analytics.benchmarks.core;

import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * The disk's fsync latency as the log in {@code SYNC} pays it: 200 bytes stored at the end of a
 * preallocated file, then {@code force(false)} (fdatasync), repeated. The yardstick for blocking
 * {@code SYNC} emits: N threads can do at most about N / this latency events per second. With
 * {@code write} (the default) the bytes go in by a {@code write()} system call; with {@code mapped},
 * through a shared memory mapping of the file, as the log appends.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.analytics.benchmarks.core.FsyncLatency [count=2000] [directory=target/fsync-bench] [write|mapped]
 * </pre>
 */
public final class FsyncLatency {
  public static void main(String[] args) throws Exception {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    Path directory = Path.of(args.length > 1 ? args[1] : "target/fsync-bench");
    Files.createDirectories(directory);
    boolean mapped = args.length > 2 && args[2].equals("mapped");
    Path file = directory.resolve("fsync.bin");
    long[] nanos = new long[count];
    ByteBuffer record = ByteBuffer.allocate(200);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE)) {
      long size = (long) count * 200 + 4096;
      ByteBuffer zeros = ByteBuffer.allocate(1 << 16);
      for (long at = 0; at < size; at += zeros.capacity()) channel.write(zeros.clear(), at); // preallocated, as segments are
      channel.force(true);
      MappedByteBuffer map = mapped ? channel.map(FileChannel.MapMode.READ_WRITE, 0, size) : null;
      for (int i = 0; i < count; i++) {
        long start = System.nanoTime();
        if (mapped) map.put(i * 200, record.array(), 0, 200);
        else channel.write(record.clear(), (long) i * 200);
        channel.force(false);
        nanos[i] = System.nanoTime() - start;
      }
    } finally {
      Files.deleteIfExists(file);
    }
    Arrays.sort(nanos);
    double mean = Arrays.stream(nanos).average().orElse(0);
    System.out.printf(java.util.Locale.ROOT, "%s fsyncs=%d mean=%.1f p50=%.1f p99=%.1f (us) -> %.0f fsyncs/s%n", mapped ? "mapped" : "write", count,
        mean / 1000, nanos[count / 2] / 1000.0, nanos[(int) (count * 0.99)] / 1000.0, 1e9 / mean);
  }
}
