package dev.analytics.connector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.analytics.spi.Secrets;
import dev.analytics.spi.Sink;
import dev.analytics.spi.SinkProvider;
import dev.analytics.spi.SinkSettings;
import dev.analytics.spi.Transform;
import dev.analytics.spi.TransformProvider;
import dev.analytics.testing.RecordingSink;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Small real providers, registered only in a class loader over {@code config/providers/} (see
 * {@link #classLoader()}), so they never shadow the real http-sink and Jolt providers anywhere else.
 * They record what the loader hands them.
 */
final class TestProviders {
  /** Every SinkSettings given to a recording provider, in order. */
  static final List<SinkSettings> SINK_SETTINGS = new CopyOnWriteArrayList<>();
  /** Every (uses, with, secrets) given to a recording transform provider, in order. */
  static final List<TransformCall> TRANSFORM_CALLS = new CopyOnWriteArrayList<>();
  /** Every sink created, in order. */
  static final List<RecordingSink> SINKS = new CopyOnWriteArrayList<>();

  private TestProviders() {}

  static void reset() {
    SINK_SETTINGS.clear();
    TRANSFORM_CALLS.clear();
    SINKS.clear();
  }

  /** A class loader that sees the providers below through META-INF/services. */
  static ClassLoader classLoader() {
    URL root = TestProviders.class.getResource("/config/providers/");
    if (root == null) throw new IllegalStateException("config/providers/ not on the test class path");
    return new URLClassLoader(new URL[] {root}, TestProviders.class.getClassLoader());
  }

  /** A class loader whose only sink registration names a class that does not exist, then {@code parent}'s. */
  static ClassLoader withBrokenRegistration(ClassLoader parent) {
    URL root = TestProviders.class.getResource("/config/broken-providers/");
    if (root == null) throw new IllegalStateException("config/broken-providers/ not on the test class path");
    return new URLClassLoader(new URL[] {root}, parent);
  }

  static final class TransformCall {
    final String uses;
    final JsonNode with;
    final Secrets secrets;

    TransformCall(String uses, JsonNode with, Secrets secrets) {
      this.uses = uses;
      this.with = with;
      this.secrets = secrets;
    }
  }

  /** Type {@code http-sink}; rejects a section without {@code endpoint} like the real one would. */
  public static final class RecordingHttpSinkProvider implements SinkProvider {
    @Override
    public String type() {
      return "http-sink";
    }

    @Override
    public Sink create(SinkSettings settings) {
      SINK_SETTINGS.add(settings);
      if (settings.section().has("warn_me")) settings.section().warn("warn_me", "unknown key ignored");
      if (!settings.section().has("endpoint")) {
        throw new IllegalArgumentException("http.endpoint: required");
      }
      RecordingSink sink = new RecordingSink();
      SINKS.add(sink);
      return sink;
    }
  }

  /** Type {@code failing-sink}: rejects its section, quoting it (as a careless provider might). */
  public static final class FailingSinkProvider implements SinkProvider {
    @Override
    public String type() {
      return "failing-sink";
    }

    @Override
    public Sink create(SinkSettings settings) {
      throw new IllegalArgumentException("failing.token: not accepted: " + settings.section().node().path("token").asText());
    }
  }

  /**
   * Supports {@code infinyon/jolt@0.3.0}: applies the seed's three operations the simple way the test
   * needs (drop {@code timestamp}, move {@code event} to {@code events[0]}, default {@code api_key} from
   * the rendered spec), so an end-to-end test can check the shape.
   */
  public static final class RecordingJoltProvider implements TransformProvider {
    @Override
    public boolean supports(String uses) {
      return uses.equals("infinyon/jolt@0.3.0");
    }

    @Override
    public Transform create(String uses, JsonNode with, Secrets secrets) {
      TRANSFORM_CALLS.add(new TransformCall(uses, with, secrets));
      String apiKey = secrets.render(with.path("spec").path(2).path("spec").path("api_key").asText());
      return value -> {
        ObjectNode out = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        out.putArray("events").add(value.path("event"));
        out.put("api_key", apiKey);
        return out;
      };
    }
  }

  /** Supports {@code test/failing}: rejects its spec, quoting the rendered secret (carelessly). */
  public static final class FailingTransformProvider implements TransformProvider {
    @Override
    public boolean supports(String uses) {
      return uses.equals("test/failing");
    }

    @Override
    public Transform create(String uses, JsonNode with, Secrets secrets) {
      throw new IllegalArgumentException(
          "transforms[0].with.spec: bad spec " + secrets.render(with.path("spec").asText()));
    }
  }
}
