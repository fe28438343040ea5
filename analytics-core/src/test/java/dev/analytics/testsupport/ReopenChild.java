package dev.analytics.testsupport;

import dev.analytics.Analytics;
import dev.analytics.Stats;
import dev.analytics.testing.RecordingSink;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Reopens a log directory in a JVM of its own (so a test can bound its heap), delivers everything to a
 * recording sink and prints {@code flushed=<bool> delivered=<n> corruptSkipped=<n>}.
 *
 * <p>Arguments: {@code <directory>}.
 */
public final class ReopenChild {
  private ReopenChild() {}

  public static void main(String[] args) {
    RecordingSink sink = new RecordingSink();
    boolean flushed;
    Stats stats;
    try (Analytics analytics = Analytics.builder().directory(Path.of(args[0]))
        .segmentBytes(LogImages.SEGMENT_BYTES).sink(LogImages.SINK, sink).build()) {
      flushed = analytics.flush(Duration.ofSeconds(30));
      stats = analytics.stats();
    }
    System.out.println("flushed=" + flushed + " delivered=" + sink.deliveredIds().size()
        + " corruptSkipped=" + stats.corruptSkipped());
    System.out.flush();
    System.exit(0);
  }
}
