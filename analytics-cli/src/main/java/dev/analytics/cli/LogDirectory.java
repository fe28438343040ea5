package dev.analytics.cli;

import dev.analytics.internal.log.LogInspector;
import java.nio.file.Files;
import java.nio.file.Path;

/** Checks that DIR is an Analytics log directory before anything reads it or, worse, creates one. */
final class LogDirectory {
  private LogDirectory() {}

  static Path require(Path dir) {
    Path normalized = dir.toAbsolutePath().normalize();
    if (!Files.exists(normalized)) {
      throw new CliException(AnalyticsCli.FAILED, "DIR " + dir + " does not exist");
    }
    if (!Files.isDirectory(normalized)) {
      throw new CliException(AnalyticsCli.FAILED, "DIR " + dir + " is a file, not a directory");
    }
    if (!Files.isDirectory(normalized.resolve(LogInspector.LOG_DIRECTORY))) {
      String hint = Files.isDirectory(normalized) && hasLogBelow(normalized)
          ? " (it holds log directories: name one of them, <base>/<meta.topic>)"
          : "";
      throw new CliException(AnalyticsCli.FAILED,
          "DIR " + dir + " is not an analytics log directory: it has no log/ inside" + hint);
    }
    return normalized;
  }

  private static boolean hasLogBelow(Path dir) {
    try (var children = Files.list(dir)) {
      return children.anyMatch(child -> Files.isDirectory(child.resolve(LogInspector.LOG_DIRECTORY)));
    } catch (java.io.IOException e) {
      return false;
    }
  }
}
