package dev.analytics.connector.internal;

import dev.analytics.spi.ConfigSection;
import dev.analytics.spi.Secrets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The origin of every section of one connector file: formats the loader's and the providers' errors
 * and warnings uniformly ({@code connector <file>: <key path> (line N): <problem>}), knows the line of
 * each key path, and masks every resolved secret value, so no code path can leak one by quoting a bad
 * value.
 */
public final class Problems implements ConfigSection.Origin {
  private final String source;
  private final Consumer<String> sink;
  private final List<String> warnings = new ArrayList<>();
  private Secrets secrets = Secrets.none();
  private YamlDocument document;

  public Problems(String source, Consumer<String> sink) {
    this.source = source;
    this.sink = sink;
  }

  /** From now on, masks these values in every message. */
  public void secrets(Secrets secrets) {
    this.secrets = secrets;
  }

  /** From now on, names the lines of key paths in this document. */
  public void document(YamlDocument document) {
    this.document = document;
  }

  @Override
  public Secrets secrets() {
    return secrets;
  }

  @Override
  public String source() {
    return "connector " + source;
  }

  @Override
  public int line(String path) {
    return document == null ? -1 : document.line(path);
  }

  /** Every key path of the document with its line. */
  public java.util.Map<String, Integer> lines() {
    return document == null ? java.util.Map.of() : document.lines();
  }

  @Override
  public void warn(String message) {
    warnings.add(message);
    sink.accept(message);
  }

  public IllegalArgumentException error(String path, int line, String problem) {
    return new IllegalArgumentException(format(path, line, problem));
  }

  public List<String> warnings() {
    return List.copyOf(warnings);
  }

  public String format(String path, int line, String problem) {
    return ConfigSection.empty("", this).format(path, line, problem);
  }

  /** True if {@code message} is already one of ours (a provider reported through a section). */
  public boolean isFormatted(String message) {
    return message != null && message.startsWith(source() + ":");
  }
}
