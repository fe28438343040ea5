package dev.analytics.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class HelpAndCompletionTest {
  private static List<List<String>> commandPaths(CommandLine command, List<String> prefix, List<List<String>> out) {
    for (var entry : command.getSubcommands().entrySet()) {
      List<String> path = new ArrayList<>(prefix);
      path.add(entry.getKey());
      out.add(path);
      commandPaths(entry.getValue(), path, out);
    }
    return out;
  }

  @Test
  void everyCommandHasHelp() {
    List<List<String>> paths = commandPaths(AnalyticsCli.commandLine(Clock.systemUTC(), Terminal.NONE), List.of(), new ArrayList<>());
    assertThat(paths).extracting(p -> String.join(" ", p)).contains("status", "verify", "drain", "dead-letters list",
        "dead-letters show", "dead-letters replay", "dead-letters purge", "generate-completion");
    for (List<String> path : paths) {
      List<String> args = new ArrayList<>(path);
      args.add("--help");
      Cli.Result result = Cli.run(Clock.systemUTC(), args.toArray(String[]::new));
      assertThat(result.code()).as(String.join(" ", args) + "\n" + result).isZero();
      assertThat(result.out()).as(String.join(" ", args)).startsWith("Usage: analytics " + String.join(" ", path));
    }
  }

  @Test
  void topLevelHelpListsTheExitCodes() {
    Cli.Result result = Cli.run(Clock.systemUTC(), "--help");
    assertThat(result.out()).contains("Exit codes:").contains("4   a live Analytics instance holds the directory")
        .contains("1   verify found corrupt data");
  }

  @Test
  void generatesABashCompletionScript() {
    Cli.Result result = Cli.run(Clock.systemUTC(), "generate-completion");
    assertThat(result.code()).isZero();
    assertThat(result.out()).contains("complete -F").contains("dead-letters").contains("--config");
  }

  @Test
  void unknownOptionsAreUsageErrors() {
    Cli.Result result = Cli.run(Clock.systemUTC(), "status", "--nope", "/tmp");
    assertThat(result.code()).isEqualTo(AnalyticsCli.USAGE);
    assertThat(result.err()).contains("Unknown option: '--nope'");
    assertThat(Cli.run(Clock.systemUTC()).code()).isEqualTo(AnalyticsCli.USAGE);
  }

  @Test
  void progressLineShowsRateAndEtaOnlyOnATerminal() {
    long[] now = {0};
    StringWriter text = new StringWriter();
    Progress progress = new Progress(new PrintWriter(text), true, "records", () -> now[0]);
    now[0] = Duration.ofSeconds(2).toNanos();
    progress.update(2_000, 10_000);
    progress.finish();
    assertThat(text.toString()).isEqualTo("\r2,000 / 10,000 records  20%  1,000/s  ETA 8s\n");

    StringWriter silent = new StringWriter();
    Progress off = new Progress(new PrintWriter(silent), false, "records", () -> now[0]);
    off.update(1, 2);
    off.finish();
    assertThat(silent.toString()).isEmpty();
  }

  @Test
  void theLockHolderIsNamedByProgramAndMainClassNeverByItsOtherArguments() {
    assertThat(LockHolder.mainOf(new String[] {"-Dtoken=s3cret", "-cp", "a.jar:b.jar", "com.example.Service", "--key=x"}))
        .isEqualTo(" com.example.Service");
    assertThat(LockHolder.mainOf(new String[] {"-Xmx1g", "-jar", "service.jar", "s3cret"})).isEqualTo(" -jar service.jar");
    assertThat(LockHolder.deviceText(0xfe00)).isEqualTo("fe:00");
  }
}
