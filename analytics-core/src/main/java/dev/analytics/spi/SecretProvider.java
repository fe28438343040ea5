package dev.analytics.spi;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the values of {@code ${{ secrets.NAME }}} come from. Values are only ever held in memory.
 *
 * <pre>{@code
 * SecretProvider secrets = SecretProvider.firstOf(
 *     SecretProvider.file(Path.of("/run/secrets/analytics.env")),
 *     SecretProvider.environment());
 * }</pre>
 */
@FunctionalInterface
public interface SecretProvider {
  /** The value of secret {@code name}, or empty if this provider has none. */
  Optional<String> get(String name);

  /** Environment variables of the same name. */
  static SecretProvider environment() {
    return name -> Optional.ofNullable(System.getenv(name));
  }

  /** Java system properties of the same name. */
  static SecretProvider systemProperties() {
    return name -> Optional.ofNullable(System.getProperty(name));
  }

  /** Fixed values, for tests and for values obtained elsewhere in code. */
  static SecretProvider of(Map<String, String> values) {
    Map<String, String> copy = Map.copyOf(values);
    return name -> Optional.ofNullable(copy.get(name));
  }

  /**
   * A file of {@code NAME=VALUE} lines, read now: split at the first {@code =}, both sides trimmed;
   * blank lines and lines starting with {@code #} are skipped.
   *
   * @throws UncheckedIOException if the file cannot be read
   * @throws IllegalArgumentException naming the line (never its value) if a line has no {@code =}
   */
  static SecretProvider file(Path path) {
    Objects.requireNonNull(path, "path == null");
    List<String> lines;
    try {
      lines = Files.readAllLines(path, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read secrets file " + path, e);
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).trim();
      if (line.isEmpty() || line.startsWith("#")) continue;
      int eq = line.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException(
            "secrets file " + path + " line " + (i + 1) + ": expected NAME=VALUE");
      }
      values.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
    }
    return of(values);
  }

  /** Asks each provider in turn; the first that has a value wins. */
  static SecretProvider firstOf(SecretProvider... providers) {
    List<SecretProvider> list = List.of(providers);
    return name -> {
      for (SecretProvider provider : list) {
        Optional<String> value = provider.get(name);
        if (value.isPresent()) return value;
      }
      return Optional.empty();
    };
  }
}
