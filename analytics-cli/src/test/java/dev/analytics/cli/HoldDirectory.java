package dev.analytics.cli;

import dev.analytics.Analytics;
import dev.analytics.spi.Outcome;
import dev.analytics.testing.RecordingSink;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A child JVM standing in for a live service: opens DIR (taking its lock), prints "ready", and holds it
 * until its standard input closes or it is killed.
 */
public final class HoldDirectory {
  private HoldDirectory() {}

  public static void main(String[] args) throws IOException {
    RecordingSink held = new RecordingSink().respondWith(r -> Outcome.retryLater());
    Analytics analytics = Analytics.builder().directory(Path.of(args[0])).sink(LogFixtures.SINK, held).build();
    try {
      System.out.println("ready " + ProcessHandle.current().pid());
      System.out.flush();
      while (System.in.read() >= 0) {
        // Holds the directory until the parent closes our stdin.
      }
    } finally {
      analytics.close();
    }
  }
}
