package dev.analytics.cli;

import dev.analytics.Analytics;
import dev.analytics.spi.DeadLetter;
import dev.analytics.spi.Listener;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** {@code drain --config FILE DIR}: delivers a directory's backlog with a connector's sink, then exits. */
@Command(name = "drain", mixinStandardHelpOptions = true,
    description = {
      "Opens DIR with the connector's sink and transforms, delivers everything queued (or dead-letters",
      "it), and exits when the queue is empty: for the data a decommissioned instance left behind.",
      "Needs DIR's lock: fails with exit code 4, naming the holder, while a service has it.",
      "Ctrl-C stops cleanly; what is left stays queued in DIR."
    })
final class DrainCommand implements Callable<Integer> {
  @Parameters(paramLabel = "DIR", description = "The log directory (holding .lock, log/, cursors/).")
  Path dir;

  @Mixin ConnectorOptions connector;

  @Option(names = "--timeout", paramLabel = "DURATION",
      description = "Give up after DURATION (30s, 10m, 2h) with exit code 3; default: no limit.")
  String timeout;

  @Option(names = "--progress", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Show a progress line with rate and ETA (only on a terminal; default on).")
  boolean progress;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private final Terminal terminal;

  DrainCommand(Terminal terminal) {
    this.terminal = terminal;
  }

  @Override
  public Integer call() {
    Path directory = LogDirectory.require(dir);
    Duration limit = timeout == null ? null : Durations.parse("--timeout", timeout);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (Analytics analytics = connector.open(directory, err,
        builder -> builder.listener(new FaultReporter(err)).shutdownHook(true))) {
      out.println("draining " + Format.count(analytics.stats().queuedRecords()) + " queued record(s) of " + directory);
      out.flush();
      Delivery.Result result = Delivery.untilEmpty(analytics,
          limit, new Progress(out, progress && terminal.interactive(), "records", System::nanoTime));
      Delivery.printSummary(result, out);
      return result.empty() ? AnalyticsCli.OK : AnalyticsCli.NOT_EMPTY;
    }
  }

  /** Tells the operator at once when the sink refuses everything (a bad API key), instead of a stalled bar. */
  static final class FaultReporter implements Listener {
    private final PrintWriter err;

    FaultReporter(PrintWriter err) {
      this.err = err;
    }

    @Override
    public void onSinkFault(String sink, String message) {
      err.println("sink " + sink + " reports a fault, records are held: " + message);
      err.flush();
    }

    @Override
    public void onSinkFaultCleared(String sink) {
      err.println("sink " + sink + ": fault cleared");
      err.flush();
    }

    @Override
    public void onDeadLetter(DeadLetter letter) {
      // Counted in the summary; one line per record would flood a terminal on a large pile.
    }
  }
}
