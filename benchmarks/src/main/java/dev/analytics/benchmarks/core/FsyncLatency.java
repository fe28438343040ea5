package dev.analytics.benchmarks.core;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * The disk's fsync latency as the log in {@code SYNC} pays it: a 200-byte {@code write()} at the end of
 * a preallocated file, then {@code force(false)} (fdatasync), repeated. The yardstick for blocking
 * {@code SYNC} emits: N threads can do at most about N / this latency events per second.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.analytics.benchmarks.core.FsyncLatency [count=2000] [directory=target/fsync-bench]
 * </pre>
 */
public final class FsyncLatency {
  public static void main(String[] args) throws Exception {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    Path directory = Path.of(args.length > 1 ? args[1] : "target/fsync-bench");
    Files.createDirectories(directory);
    Path file = directory.resolve("fsync.bin");
    long[] nanos = new long[count];
    ByteBuffer record = ByteBuffer.allocate(200);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE)) {
      channel.write(ByteBuffer.allocate(1), (long) count * 200 + 4096); // preallocated, as segments are
      channel.force(true);
      for (int i = 0; i < count; i++) {
        long start = System.nanoTime();
        channel.write(record.clear(), (long) i * 200);
        channel.force(false);
        nanos[i] = System.nanoTime() - start;
      }
    } finally {
      Files.deleteIfExists(file);
    }
    Arrays.sort(nanos);
    double mean = Arrays.stream(nanos).average().orElse(0);
    System.out.printf(java.util.Locale.ROOT, "fsyncs=%d mean=%.1f p50=%.1f p99=%.1f (us) -> %.0f fsyncs/s%n", count,
        mean / 1000, nanos[count / 2] / 1000.0, nanos[(int) (count * 0.99)] / 1000.0, 1e9 / mean);
  }
}
