package dev.analytics.testsupport;

import dev.analytics.Analytics;
import dev.analytics.spi.Outcome;
import dev.analytics.spi.Record;
import dev.analytics.spi.Sink;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;

/**
 * The process a dead-letter crash test kills, stopped exactly between the two writes of a rejection:
 * the dead letter is written and fsynced, the cursor not yet. Its sink rejects the first batch (printing
 * {@code R <id>} for each record), and blocks the dispatcher thread inside the next {@code send} (after
 * printing {@code BLOCKED}): the dispatcher writes dead letters before it sends the next batch and saves
 * its cursor only after, so the parent kills it with the dead letters on disk and no cursor.
 *
 * <p>Arguments: {@code <directory> <records to emit>}. Prints {@code E <id>} for every id emitted.
 */
public final class DeadLetterCrashChild {
  private DeadLetterCrashChild() {}

  public static void main(String[] args) throws InterruptedException {
    Path directory = Path.of(args[0]);
    int records = Integer.parseInt(args[1]);
    PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.US_ASCII);
    CountDownLatch emitted = new CountDownLatch(1);
    Sink sink = new Sink() {
      private int calls;

      @Override
      public CompletionStage<List<Outcome>> send(List<Record> batch) {
        if (calls++ > 0) {
          print(out, "BLOCKED");
          while (true) {
            try {
              Thread.sleep(60_000);
            } catch (InterruptedException e) {
              // Held here until the parent kills the process.
            }
          }
        }
        try {
          emitted.await(); // so that a second batch is waiting when this one completes
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        List<Outcome> outcomes = new ArrayList<>();
        for (Record record : batch) {
          print(out, "R " + record.id());
          outcomes.add(Outcome.rejected("400 invalid event"));
        }
        return CompletableFuture.completedFuture(outcomes);
      }

      @Override
      public int maxBatchRecords() {
        return 5;
      }

      @Override
      public int maxInFlight() {
        return 1;
      }
    };
    Analytics analytics = Analytics.builder().directory(directory).sink("test", sink).build();
    for (int i = 0; i < records; i++) print(out, "E " + analytics.emit(Map.of("i", i)));
    emitted.countDown();
    Thread.sleep(Long.MAX_VALUE);
  }

  private static void print(PrintStream out, String line) {
    synchronized (out) {
      out.print(line + "\n");
      out.flush();
    }
  }
}
