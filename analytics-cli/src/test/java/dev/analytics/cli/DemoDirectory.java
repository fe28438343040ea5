package dev.analytics.cli;

import dev.analytics.testing.AmplitudeReceiver;
import java.nio.file.Path;

/**
 * Makes what the README's CLI transcript runs against: {@code write DIR} leaves a directory written by
 * the library (delivered, dead-lettered and queued records); {@code receive PORT} runs an
 * Amplitude-compatible receiver on loopback until killed.
 */
public final class DemoDirectory {
  private DemoDirectory() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length == 2 && args[0].equals("write")) {
      LogFixtures.Written written = LogFixtures.write(Path.of(args[1]), 1_000, 4, 20_000,
          java.time.Instant.now().minus(java.time.Duration.ofMinutes(40)));
      System.out.println("delivered " + written.delivered().size() + ", dead-lettered " + written.deadLettered().size()
          + ", queued " + written.queued().size());
    } else if (args.length == 2 && args[0].equals("receive")) {
      AmplitudeReceiver receiver = AmplitudeReceiver.create(LogFixtures.API_KEY, Integer.parseInt(args[1])).start();
      System.out.println("receiving on " + receiver.endpoint());
      Thread.sleep(Long.MAX_VALUE);
    } else {
      System.err.println("usage: DemoDirectory write DIR | receive PORT");
      System.exit(2);
    }
  }
}
