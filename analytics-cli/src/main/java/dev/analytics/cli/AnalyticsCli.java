package dev.analytics.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.Objects;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code analytics} command-line tool, for operators: inspects a log directory while a service holds
 * it ({@code status}, {@code verify}, {@code dead-letters list|show}), and repairs or empties one that
 * no service holds ({@code dead-letters replay|purge}, {@code drain}).
 *
 * <pre>{@code
 * java -jar analytics-cli-<version>-all.jar status /var/lib/my-service/analytics/service-events
 * }</pre>
 *
 * <p>Exit codes: {@value #OK} success; {@value #CORRUPT} {@code verify} found damage; {@value #USAGE} bad
 * arguments; {@value #NOT_EMPTY} {@code drain} or {@code replay} stopped at its timeout with records
 * still queued; {@value #LOCKED} a live instance holds the directory; {@value #FAILED} anything else
 * (not a log directory, unreadable files, a bad connector file).
 */
@Command(
    name = "analytics",
    mixinStandardHelpOptions = true,
    versionProvider = AnalyticsCli.Version.class,
    description = "Inspect, verify, repair and drain an analytics log directory.",
    subcommands = {
      StatusCommand.class,
      VerifyCommand.class,
      DeadLettersCommand.class,
      DrainCommand.class,
      AutoComplete.GenerateCompletion.class
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success",
      "1:verify found corrupt data",
      "2:bad arguments",
      "3:drain or replay stopped at --timeout with records still queued",
      "4:a live Analytics instance holds the directory",
      "5:other failure (not a log directory, unreadable files, a bad connector file)"
    },
    footer = {
      "",
      "DIR is an Analytics log directory: the one holding .lock, log/, cursors/ and dead-letters/",
      "(for a connector file: <analytics.directory>/<meta.topic>, by default analytics-data/<meta.topic>)."
    })
public final class AnalyticsCli implements Runnable {
  public static final int OK = 0;
  public static final int CORRUPT = 1;
  public static final int USAGE = 2;
  public static final int NOT_EMPTY = 3;
  public static final int LOCKED = 4;
  public static final int FAILED = 5;

  final Clock clock;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  AnalyticsCli(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock == null");
  }

  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    System.exit(run(Clock.systemUTC(), Terminal.detect(), out, err, args));
  }

  /** Runs one command line; returns its exit code. */
  static int run(Clock clock, Terminal terminal, PrintWriter out, PrintWriter err, String... args) {
    CommandLine commandLine = commandLine(clock, terminal);
    commandLine.setOut(out);
    commandLine.setErr(err);
    commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
      int code = e instanceof CliException cli ? cli.exitCode() : FAILED;
      String message = e.getMessage() != null ? e.getMessage() : e.toString();
      cmd.getErr().println("error: " + message);
      cmd.getErr().flush();
      return code;
    });
    int code = commandLine.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  /** The command tree, its commands made with this run's clock and terminal. */
  static CommandLine commandLine(Clock clock, Terminal terminal) {
    return new CommandLine(new AnalyticsCli(clock), new Factory(clock, terminal));
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
  }

  /** Gives commands the clock and terminal of this run. */
  private static final class Factory implements CommandLine.IFactory {
    private final Clock clock;
    private final Terminal terminal;

    Factory(Clock clock, Terminal terminal) {
      this.clock = clock;
      this.terminal = terminal;
    }

    @Override
    public <K> K create(Class<K> type) throws Exception {
      Object created;
      if (type == StatusCommand.class) created = new StatusCommand(clock);
      else if (type == DeadLettersCommand.ListCommand.class) created = new DeadLettersCommand.ListCommand(clock);
      else if (type == DeadLettersCommand.ShowCommand.class) created = new DeadLettersCommand.ShowCommand(clock);
      else if (type == DeadLettersCommand.ReplayCommand.class) created = new DeadLettersCommand.ReplayCommand(clock, terminal);
      else if (type == DeadLettersCommand.PurgeCommand.class) created = new DeadLettersCommand.PurgeCommand(clock);
      else if (type == DrainCommand.class) created = new DrainCommand(terminal);
      else return CommandLine.defaultFactory().create(type);
      return type.cast(created);
    }
  }

  /** The version from the jar's manifest, when there is one. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = AnalyticsCli.class.getPackage().getImplementationVersion();
      return new String[] {"analytics-cli " + (version != null ? version : "(development build)")};
    }
  }
}
