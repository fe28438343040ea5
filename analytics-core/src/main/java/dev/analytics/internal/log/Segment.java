package dev.analytics.internal.log;

import java.nio.file.Path;

/** One segment file of the log, as the log's index knows it. */
final class Segment {
  final long baseSeq;
  final Path path;
  final int size;
  /**
   * End of the frames written (header included): exact while active and once sealed; for a segment
   * found on disk, what its header records (else its file size, until a reader reaches its seal).
   */
  volatile int usedBytes;
  /** Deleted from disk (released or dropped); a reader still holding its mapping must move on. */
  volatile boolean deleted;

  Segment(long baseSeq, Path path, int size, int usedBytes) {
    this.baseSeq = baseSeq;
    this.path = path;
    this.size = size;
    this.usedBytes = usedBytes;
  }

  @Override
  public String toString() {
    return path.getFileName().toString();
  }
}
