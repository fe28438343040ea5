package dev.analytics.examples;

import dev.analytics.Analytics;
import dev.analytics.http.HttpSink;
import dev.analytics.spi.SecretProvider;
import dev.analytics.spi.Secrets;
import dev.analytics.testing.AmplitudeReceiver;
import dev.analytics.transform.JoltPipeline;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The smallest complete use of the builder API: an {@link HttpSink} to Amplitude, the seed connector's
 * Jolt spec, one {@code emit()}, {@code close()}.
 *
 * <p>{@code main} sends to Amplitude when given the endpoint as its argument and the key in
 * {@code AMPLITUDE_API_TOKEN}; without an argument it sends to a local {@link AmplitudeReceiver}.
 */
public final class QuickStart {
  private QuickStart() {}

  /** Emits one event to {@code endpoint}, with the log in {@code directory}; returns its id. */
  public static String send(URI endpoint, SecretProvider secretProvider, Path directory) {
    Secrets secrets = Secrets.resolve(List.of("AMPLITUDE_API_TOKEN"), secretProvider);
    HttpSink amplitude = HttpSink.builder().endpoint(endpoint).secrets(secrets).build();
    JoltPipeline toAmplitudeBody = JoltPipeline.builder()
        .secrets(secrets)
        .step("infinyon/jolt@0.3.0", "[{\"operation\":\"shift\",\"spec\":{\"event\":\"events[0]\"}},"
            + "{\"operation\":\"default\",\"spec\":{\"api_key\":\"${{ secrets.AMPLITUDE_API_TOKEN }}\"}}]")
        .build();
    try (Analytics analytics = Analytics.builder()
        .directory(directory)
        .sink("amplitude", amplitude, toAmplitudeBody)
        .build()) {
      return analytics.emit(Map.of("event_type", "Signed Up", "user_id", "user@example.com"));
    } // close() delivers within closeTimeout (5 s); anything left is sent after the next start
  }

  public static void main(String[] args) throws Exception {
    Path directory = Files.createTempDirectory("analytics-quickstart-");
    if (args.length > 0) {
      System.out.println("sent " + send(URI.create(args[0]), SecretProvider.environment(), directory));
      return;
    }
    try (AmplitudeReceiver receiver = AmplitudeReceiver.create(Demo.DEMO_API_KEY).start()) {
      String id = send(receiver.endpoint(), SecretProvider.of(Map.of("AMPLITUDE_API_TOKEN", Demo.DEMO_API_KEY)),
          directory);
      System.out.println("sent " + id + "; the receiver got " + receiver.requests());
    }
  }
}
