package dev.analytics.cli;

import dev.analytics.Analytics;
import dev.analytics.connector.ConnectorConfig;
import dev.analytics.connector.ConnectorLoader;
import dev.analytics.internal.log.LogInspector;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import picocli.CommandLine.Option;

/**
 * How a command that changes a directory opens it: through the public API, with a connector file.
 *
 * <p>DIR is the log directory itself. The connector file says which sink and transforms deliver its
 * records; where the log is comes from DIR, not from the file ({@code analytics.directory} and
 * {@code meta.topic} are ignored for that), so the data of a decommissioned instance can be drained from
 * wherever it was copied. The file's {@code meta.name} is the sink's name, which is also the name of its
 * cursor in DIR: a name DIR has no cursor for would deliver everything still kept from the start,
 * including records other sinks delivered, so that needs {@code --new-sink}.
 */
final class ConnectorOptions {
  @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE",
      description = "The connector file (Fluvio format) whose sink and transforms deliver DIR's records.")
  Path config;

  @Option(names = "--secrets-file", paramLabel = "FILE",
      description = "A NAME=VALUE file with the connector's secrets (else environment variables, or the file named by ANALYTICS_SECRETS_FILE).")
  Path secretsFile;

  @Option(names = "--endpoint", paramLabel = "URL", description = "Send to URL instead of the file's endpoint.")
  String endpoint;

  @Option(names = "--new-sink",
      description = "Accept a connector whose meta.name has no cursor in DIR (its sink starts from the oldest record kept).")
  boolean newSink;

  /** The connector's sink name, read from the file without opening anything. */
  String sinkName(PrintWriter err) {
    return loader(err).load().name();
  }

  /**
   * Opens DIR with the connector's sink: takes DIR's lock (a clear error naming the holder if a live
   * instance has it) and starts delivering its backlog.
   */
  Analytics open(Path dir, PrintWriter err, Consumer<Analytics.Builder> settings) {
    LockHolder.State lock = LockHolder.of(dir);
    if (lock.held()) throw locked(dir, lock);
    ConnectorLoader loader = loader(err);
    ConnectorConfig connector = loader.load();
    requireKnownSink(dir, connector.name());
    loader.customize(builder -> {
      builder.directory(dir);
      settings.accept(builder);
    });
    try {
      return loader.build();
    } catch (IllegalStateException e) {
      if (String.valueOf(e.getMessage()).contains("in use")) throw locked(dir, LockHolder.of(dir));
      throw e;
    }
  }

  private ConnectorLoader loader(PrintWriter err) {
    Set<String> warned = new LinkedHashSet<>(); // the file is read twice (check, then build): warn once
    ConnectorLoader loader = ConnectorLoader.fromFile(config).warnings(warning -> {
      if (warned.add(warning)) err.println("warning: " + warning);
    });
    if (secretsFile != null) loader.secretsFile(secretsFile);
    if (endpoint != null) loader.endpoint(endpoint);
    return loader;
  }

  private void requireKnownSink(Path dir, String sink) {
    Map<String, Long> cursors;
    try {
      cursors = new LogInspector(dir).cursors();
    } catch (IOException e) {
      throw new CliException(AnalyticsCli.FAILED, "cannot read the cursors of " + dir + ": " + e.getMessage());
    }
    if (!cursors.isEmpty() && !cursors.containsKey(sink) && !newSink) {
      throw new CliException(AnalyticsCli.FAILED, "the connector's sink \"" + sink + "\" (meta.name in " + config
          + ") has no cursor in " + dir + " (cursors: " + String.join(", ", cursors.keySet()) + "): it would deliver "
          + "every record still kept, including those already delivered. Use the connector file the directory "
          + "was written with, or --new-sink to accept that.");
    }
  }

  static CliException locked(Path dir, LockHolder.State lock) {
    String holder = lock.held() ? lock.describe() : "held by another live Analytics instance";
    return new CliException(AnalyticsCli.LOCKED, dir + " is in use: its lock " + dir.resolve(".lock") + " is "
        + holder + ". Stop that instance first (read-only commands work meanwhile: status, verify, "
        + "dead-letters list|show).");
  }
}
