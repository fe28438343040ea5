package dev.analytics.testsupport;

import dev.analytics.Analytics;
import dev.analytics.Durability;
import dev.analytics.spi.Outcome;
import dev.analytics.spi.Record;
import dev.analytics.spi.Sink;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;

/**
 * The process a crash test kills: emits events continuously into an {@link Analytics} instance and
 * prints {@code E <id>} for every id {@code emit()} returned, flushed line by line, so that whatever the
 * parent has read was accepted before the kill. With the sink up it also prints {@code D <id>} for every
 * record its sink delivered (before the dispatcher may move its cursor past it). With {@code async}
 * each thread pipelines {@code emitAsync()} instead (at most {@value #ASYNC_WINDOW} futures
 * outstanding) and prints {@code E <id>} when a future completes: in SYNC, once an fsync covered it.
 *
 * <p>Arguments: {@code <directory> <PERIODIC|SYNC> <segmentBytes> <up|down> [emitting threads, default 1]
 * [blocking|async, default blocking]}.
 */
public final class CrashChild {
  private static final int ASYNC_WINDOW = 1024;

  private CrashChild() {}

  public static void main(String[] args) {
    Path directory = Path.of(args[0]);
    Durability durability = Durability.valueOf(args[1]);
    int segmentBytes = Integer.parseInt(args[2]);
    boolean sinkUp = args[3].equals("up");
    PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.US_ASCII);
    Sink sink = new Sink() {
      @Override
      public CompletionStage<List<Outcome>> send(List<Record> batch) {
        List<Outcome> outcomes = new ArrayList<>(batch.size());
        for (Record record : batch) {
          if (sinkUp) {
            synchronized (out) {
              out.print("D " + record.id() + "\n");
              out.flush();
            }
            outcomes.add(Outcome.delivered());
          } else {
            outcomes.add(Outcome.retryLater());
          }
        }
        return CompletableFuture.completedFuture(outcomes);
      }
    };
    Analytics analytics = Analytics.builder().directory(directory).durability(durability)
        .segmentBytes(segmentBytes).retryBackoff(Duration.ofMillis(50), Duration.ofMillis(200))
        .sink("test", sink).build();
    int threads = args.length > 4 ? Integer.parseInt(args[4]) : 1;
    boolean async = args.length > 5 && args[5].equals("async");
    for (int t = 1; t < threads; t++) {
      int thread = t;
      Thread emitter = new Thread(() -> emitForever(analytics, out, thread, async), "emitter-" + t);
      emitter.start();
    }
    emitForever(analytics, out, 0, async);
  }

  private static void emitForever(Analytics analytics, PrintStream out, int thread, boolean async) {
    if (async) pipelineForever(analytics, out, thread);
    else emitForever(analytics, out, thread);
  }

  private static void pipelineForever(Analytics analytics, PrintStream out, int thread) {
    Semaphore window = new Semaphore(ASYNC_WINDOW);
    for (long i = 0; ; i++) {
      window.acquireUninterruptibly();
      analytics.emitAsync(Map.of("i", i, "thread", thread, "payload", "crash-test event"))
          .whenComplete((id, failure) -> {
            window.release();
            if (id == null) return; // a failure: not acknowledged, never printed
            synchronized (out) {
              out.print("E " + id + "\n");
              out.flush();
            }
          });
    }
  }

  private static void emitForever(Analytics analytics, PrintStream out, int thread) {
    for (long i = 0; ; i++) {
      String id = analytics.emit(Map.of("i", i, "thread", thread, "payload", "crash-test event"));
      synchronized (out) {
        out.print("E " + id + "\n");
        out.flush();
      }
    }
  }
}
