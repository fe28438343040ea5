package dev.analytics.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.analytics.Analytics;
import dev.analytics.spi.DeadLetter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** {@code dead-letters list|show|replay|purge}. */
@Command(name = "dead-letters", mixinStandardHelpOptions = true,
    description = "Lists, shows, replays or purges dead letters (records a sink rejected for good).",
    subcommands = {
      DeadLettersCommand.ListCommand.class,
      DeadLettersCommand.ShowCommand.class,
      DeadLettersCommand.ReplayCommand.class,
      DeadLettersCommand.PurgeCommand.class
    })
final class DeadLettersCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: list, show, replay or purge");
  }

  private static List<StoredDeadLetters.Letter> matching(Path dir, DeadLetterFilter filter, Clock clock,
      ObjectMapper mapper) {
    Predicate<StoredDeadLetters.Letter> test = filter.forStored(clock);
    return StoredDeadLetters.read(LogDirectory.require(dir), mapper).letters().stream().filter(test).toList();
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = {"Lists dead letters, oldest first: id, sink, time, reason. Read-only: works while a service holds DIR."})
  static final class ListCommand implements Callable<Integer> {
    @Parameters(paramLabel = "DIR", description = "The log directory.")
    Path dir;

    @Mixin DeadLetterFilter filter;

    @Option(names = "--json", description = "One JSON object per line, as stored.")
    boolean json;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0", description = "Show at most N (default: all).")
    int limit;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    private final Clock clock;

    ListCommand(Clock clock) {
      this.clock = clock;
    }

    @Override
    public Integer call() {
      ObjectMapper mapper = new ObjectMapper();
      List<StoredDeadLetters.Letter> letters = matching(dir, filter, clock, mapper);
      List<StoredDeadLetters.Letter> shown = limit > 0 && letters.size() > limit ? letters.subList(0, limit) : letters;
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        for (StoredDeadLetters.Letter letter : shown) out.println(letter.json().toString());
        return AnalyticsCli.OK;
      }
      out.printf("%-36s  %-20s  %-30s  %s%n", "id", "sink", "dead-lettered at", "reason");
      for (StoredDeadLetters.Letter letter : shown) {
        out.printf("%-36s  %-20s  %-30s  %s%n", letter.id(), letter.sink(), letter.time(),
            Format.excerpt(letter.reason(), 100));
      }
      out.println(Format.count(shown.size()) + " of " + Format.count(letters.size()) + " matching dead letter(s)");
      return AnalyticsCli.OK;
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true,
      description = {"Prints matching dead letters in full (envelope, transformed body, reason). Read-only."})
  static final class ShowCommand implements Callable<Integer> {
    @Parameters(paramLabel = "DIR", description = "The log directory.")
    Path dir;

    @Mixin DeadLetterFilter filter;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    private final Clock clock;

    ShowCommand(Clock clock) {
      this.clock = clock;
    }

    @Override
    public Integer call() throws Exception {
      ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
      List<StoredDeadLetters.Letter> letters = matching(dir, filter, clock, mapper);
      PrintWriter out = spec.commandLine().getOut();
      for (StoredDeadLetters.Letter letter : letters) out.println(mapper.writeValueAsString(letter.json()));
      if (letters.isEmpty()) spec.commandLine().getErr().println("no matching dead letter");
      return AnalyticsCli.OK;
    }
  }

  @Command(name = "replay", mixinStandardHelpOptions = true,
      description = {
        "Appends matching dead letters to the log again (same id and timestamp) and removes them from the",
        "dead-letter file, then delivers the queue until it is empty. Without --sink, only the dead letters",
        "of the connector's own sink (meta.name) are replayed. Needs a filter or --all.",
        "Needs DIR's lock: fails with exit code 4, naming the holder, while a service has it."
      })
  static final class ReplayCommand implements Callable<Integer> {
    @Parameters(paramLabel = "DIR", description = "The log directory.")
    Path dir;

    @Mixin ConnectorOptions connector;

    @Mixin DeadLetterFilter filter;

    @Option(names = "--all", description = "Replay every dead letter of the sink (no other filter needed).")
    boolean all;

    @Option(names = "--no-deliver",
        description = "Only put them back in the log; the next start of the service delivers them.")
    boolean noDeliver;

    @Option(names = "--timeout", paramLabel = "DURATION",
        description = "Stop delivering after DURATION with exit code 3 (the rest stays queued); default: no limit.")
    String timeout;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    private final Clock clock;
    private final Terminal terminal;

    ReplayCommand(Clock clock, Terminal terminal) {
      this.clock = clock;
      this.terminal = terminal;
    }

    @Override
    public Integer call() {
      requireFilterOrAll(spec, filter, all);
      Path directory = LogDirectory.require(dir);
      Duration limit = timeout == null ? null : Durations.parse("--timeout", timeout);
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      if (filter.sinks.isEmpty()) filter.sinks.add(connector.sinkName(err));
      Predicate<DeadLetter> which = filter.forApi(clock);
      try (Analytics analytics = connector.open(directory, err, builder -> {
        builder.listener(new DrainCommand.FaultReporter(err)).shutdownHook(true);
        if (noDeliver) builder.closeTimeout(Duration.ZERO);
      })) {
        int replayed = analytics.deadLetters().replay(which);
        out.println("replayed " + Format.count(replayed) + " dead letter(s) of sink(s) " + String.join(", ", filter.sinks));
        out.flush();
        if (noDeliver) return AnalyticsCli.OK;
        Delivery.Result result = Delivery.untilEmpty(analytics, limit,
            new Progress(out, terminal.interactive(), "records", System::nanoTime));
        Delivery.printSummary(result, out);
        return result.empty() ? AnalyticsCli.OK : AnalyticsCli.NOT_EMPTY;
      }
    }
  }

  @Command(name = "purge", mixinStandardHelpOptions = true,
      description = {
        "Deletes matching dead letters for good. Needs a filter or --all; try the same filters with list first.",
        "Needs DIR's lock: fails with exit code 4, naming the holder, while a service has it."
      })
  static final class PurgeCommand implements Callable<Integer> {
    @Parameters(paramLabel = "DIR", description = "The log directory.")
    Path dir;

    @Mixin ConnectorOptions connector;

    @Mixin DeadLetterFilter filter;

    @Option(names = "--all", description = "Purge every dead letter.")
    boolean all;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    private final Clock clock;

    PurgeCommand(Clock clock) {
      this.clock = clock;
    }

    @Override
    public Integer call() {
      requireFilterOrAll(spec, filter, all);
      Path directory = LogDirectory.require(dir);
      Predicate<DeadLetter> which = filter.forApi(clock);
      PrintWriter err = spec.commandLine().getErr();
      // Opening starts delivery of the backlog; a purge should not wait for it on close.
      try (Analytics analytics = connector.open(directory, err, builder -> builder.closeTimeout(Duration.ZERO))) {
        int purged = analytics.deadLetters().purge(which);
        spec.commandLine().getOut().println("purged " + Format.count(purged) + " dead letter(s)");
        return AnalyticsCli.OK;
      }
    }
  }

  private static void requireFilterOrAll(CommandLine.Model.CommandSpec spec, DeadLetterFilter filter, boolean all) {
    if (filter.isEmpty() && !all) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "give a filter (--sink, --reason, --id, --since, --until) or --all");
    }
    if (!filter.isEmpty() && all) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--all and a filter exclude each other");
    }
  }
}
