package dev.analytics.internal.log;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The first write to a page of a shared file mapping after the page was clean (new to the mapping, or
 * written back by an fsync) takes a page fault: about 5 µs on ext4, paid inside {@code emit()} by every
 * append that crosses into a new page (one in twenty for 200-byte events), which set {@code emit()}'s
 * p99 (docs/BENCHMARKS.md 7c). The syncer thread takes those faults instead, on the pages the appenders
 * are about to write, with a compare-and-set of 0 to 0: a write access that cannot change a byte, even
 * where an appender has just written.
 */
final class PagePrefaulter {
  static final int PAGE = 4096;
  /** Touched between two looks at the log's lock: a roll waits at most this long for the toucher. */
  static final int CHUNK_BYTES = 64 * PAGE;
  private static final int MIN_AHEAD = 16 * PAGE;
  private static final int MAX_AHEAD = 8 << 20;
  private static final VarHandle INTS = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());

  private ByteBuffer lastMap;
  private int lastPosition;

  /**
   * How many bytes past {@code position} to touch: twice what was appended since the last call (the
   * appenders' pace over one syncer tick, with room to spare), at least 64 KiB, at most 8 MiB; none
   * when nothing was appended since: the pages touched last time are still ahead, and an idle log's
   * pages are not dirtied again every tick for the kernel to write back.
   */
  int ahead(ByteBuffer map, int position) {
    boolean sameSegment = map == lastMap;
    int appended = sameSegment ? Math.max(0, position - lastPosition) : position;
    lastMap = map;
    lastPosition = position;
    if (sameSegment && appended == 0) return 0;
    return (int) Math.min(MAX_AHEAD, Math.max(MIN_AHEAD, 2L * appended));
  }

  /** Touches each page that starts in [{@code from}, {@code to}) of the direct buffer {@code map}. */
  static void touch(ByteBuffer map, int from, int to) {
    for (int page = (from + PAGE - 1) & -PAGE; page < to; page += PAGE) {
      INTS.compareAndSet(map, page, 0, 0);
    }
  }
}
