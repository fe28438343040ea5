package dev.analytics.connector;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** Test inputs: the seed connector file and small loader set-ups. */
final class Fixtures {
  static final String TOKEN = "tok-4f1c9a-secret-value";
  /** The original seed, when this checkout sits next to the shared fixtures. */
  static final Path SHARED_SEED = Path.of("../../shared/fixtures/amplitude-connector.yaml"); // from the module directory

  private Fixtures() {}

  /** The copy of the seed in the test resources. */
  static Path seed() {
    try {
      return Path.of(Fixtures.class.getResource("/config/amplitude-connector.yaml").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static String seedText() {
    try {
      return Files.readString(seed());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An environment with only {@code vars}. */
  static java.util.function.Function<String, String> env(Map<String, String> vars) {
    return vars::get;
  }

  /** A loader over {@code yaml} with the test providers, no real environment and recorded warnings. */
  static ConnectorLoader loader(String yaml, List<String> warnings) {
    return ConnectorLoader.fromYaml(yaml)
        .environment(env(Map.of()))
        .classLoader(TestProviders.classLoader())
        .warnings(warnings::add);
  }

  static List<String> newWarnings() {
    return new CopyOnWriteArrayList<>();
  }
}
