package dev.analytics.config;

import dev.analytics.Secrets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Formats the loader's errors and warnings uniformly ({@code connector <file>: <key path> (line N):
 * <problem>}) and masks every resolved secret value in them, so no code path can leak one by quoting a
 * bad value.
 */
final class Problems {
  private final String source;
  private final Consumer<String> sink;
  private final List<String> warnings = new ArrayList<>();
  private Secrets secrets = Secrets.none();

  Problems(String source, Consumer<String> sink) {
    this.source = source;
    this.sink = sink;
  }

  /** From now on, masks these values in every message. */
  void secrets(Secrets secrets) {
    this.secrets = secrets;
  }

  Secrets secrets() {
    return secrets;
  }

  String source() {
    return source;
  }

  IllegalArgumentException error(String path, int line, String problem) {
    return new IllegalArgumentException(format(path, line, problem));
  }

  void warn(String path, int line, String problem) {
    String message = format(path, line, problem);
    warnings.add(message);
    sink.accept(message);
  }

  List<String> warnings() {
    return List.copyOf(warnings);
  }

  String format(String path, int line, String problem) {
    StringBuilder b = new StringBuilder("connector ").append(source);
    if (path != null && !path.isEmpty()) b.append(": ").append(path);
    if (line > 0) b.append(" (line ").append(line).append(')');
    // Only the problem can hold a value; the file name and key path come from outside the values.
    return b.append(": ").append(secrets.redact(problem)).toString();
  }
}
