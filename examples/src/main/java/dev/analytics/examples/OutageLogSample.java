package dev.analytics.examples;

import dev.analytics.Analytics;
import dev.analytics.http.HttpSink;
import dev.analytics.spi.SecretProvider;
import dev.analytics.spi.Secrets;
import dev.analytics.testing.AmplitudeReceiver;
import dev.analytics.transform.JoltPipeline;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * What the library logs through an outage of the endpoint, for the README: a service emits 10 events a
 * second; the receiver is up, then down for 30 s (or the seconds given as the argument), then back. The
 * library's {@code System.Logger} output is routed to java.util.logging, one line per record, on stdout.
 * The sample in {@code docs/outage-logs.txt} is this program's output.
 *
 * <pre>
 * mvn -B -q install -DskipTests
 * mvn -B -q -pl examples exec:java -Dexec.mainClass=dev.analytics.examples.OutageLogSample
 * </pre>
 */
public final class OutageLogSample {
  private static final String KEY = "outage-sample-key";

  private OutageLogSample() {}

  public static void main(String[] args) throws Exception {
    run(Duration.ofSeconds(args.length > 0 ? Long.parseLong(args[0]) : 30), System.out);
  }

  /** Runs the timeline with an outage of {@code outage}; the library's log lines go to {@code out}. */
  public static void run(Duration outage, java.io.PrintStream out) throws Exception {
    Handler handler = lines(out);
    List<Logger> loggers = List.of(Logger.getLogger("dev.analytics"), Logger.getLogger("sample"));
    for (Logger logger : loggers) {
      logger.addHandler(handler);
      logger.setUseParentHandlers(false);
      logger.setLevel(Level.INFO);
    }
    try {
      timeline(outage);
    } finally {
      for (Logger logger : loggers) {
        logger.removeHandler(handler);
        logger.setUseParentHandlers(true);
      }
    }
  }

  private static void timeline(Duration outage) throws Exception {
    Path directory = Files.createTempDirectory("analytics-outage-");
    try {
      timeline(outage, directory);
    } finally {
      Demo.deleteRecursively(directory);
    }
  }

  private static void timeline(Duration outage, Path directory) throws Exception {
    Secrets secrets = Secrets.resolve(List.of("AMPLITUDE_API_TOKEN"), SecretProvider.of(Map.of("AMPLITUDE_API_TOKEN", KEY)));
    try (AmplitudeReceiver receiver = AmplitudeReceiver.create(KEY).start()) {
      HttpSink amplitude = HttpSink.builder().name("amplitude").endpoint(receiver.endpoint()).secrets(secrets)
          .backoff(Duration.ofMillis(200), Duration.ofSeconds(1)).build();
      JoltPipeline toAmplitudeBody = JoltPipeline.builder().secrets(secrets)
          .step("infinyon/jolt@0.3.0", "[{\"operation\":\"shift\",\"spec\":{\"event\":\"events[0]\"}},"
              + "{\"operation\":\"default\",\"spec\":{\"api_key\":\"${{ secrets.AMPLITUDE_API_TOKEN }}\"}}]")
          .build();
      try (Analytics analytics = Analytics.builder().directory(directory).sink("amplitude", amplitude, toAmplitudeBody)
          .retryBackoff(Duration.ofMillis(500), Duration.ofSeconds(5)).build()) {
        say("receiver up; emitting 10 events a second");
        emitFor(analytics, Duration.ofSeconds(5));
        receiver.stop();
        say("receiver DOWN for " + outage.toSeconds() + " s; still emitting");
        emitFor(analytics, outage);
        receiver.start();
        say("receiver back on the same port");
        emitFor(analytics, Duration.ofSeconds(10));
        say("flush: " + (analytics.flush(Duration.ofSeconds(30)) ? "everything delivered" : "not finished")
            + "; " + analytics.stats());
      }
      say("the receiver holds " + receiver.events().size() + " events");
    }
  }

  private static void emitFor(Analytics analytics, Duration duration) throws InterruptedException {
    long end = System.nanoTime() + duration.toNanos();
    int n = 0;
    while (System.nanoTime() < end) {
      analytics.emit(Map.of("event_type", "Page Viewed", "user_id", "user-" + (n++ % 50)));
      Thread.sleep(100);
    }
  }

  private static void say(String what) {
    Logger.getLogger("sample").info("---- " + what);
  }

  /** One line per record on {@code out}: time, level, logger, message (and a stack trace, if any). */
  private static Handler lines(java.io.PrintStream out) {
    Handler handler = new Handler() {
      @Override
      public void publish(LogRecord record) {
        String thrown = "";
        if (record.getThrown() != null) {
          java.io.StringWriter trace = new java.io.StringWriter();
          record.getThrown().printStackTrace(new java.io.PrintWriter(trace));
          thrown = System.lineSeparator() + trace;
        }
        out.printf("%1$tT.%1$tL %2$-7s %3$s: %4$s%5$s%n", record.getMillis(), record.getLevel(),
            record.getLoggerName(), new SimpleFormatter().formatMessage(record), thrown);
        out.flush();
      }

      @Override
      public void flush() {
        out.flush();
      }

      @Override
      public void close() {}
    };
    handler.setLevel(Level.INFO);
    return handler;
  }
}
