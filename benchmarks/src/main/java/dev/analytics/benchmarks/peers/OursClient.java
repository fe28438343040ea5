package dev.analytics.benchmarks.peers;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.analytics.Analytics;
import dev.analytics.http.AmplitudeMode;
import dev.analytics.http.HttpSink;
import dev.analytics.spi.Secrets;
import dev.analytics.transform.JoltPipeline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * This library with its defaults, wired as the README's minimal example: {@link Analytics} on a fresh
 * directory, default durability, one {@link HttpSink} behind the seed connector's Jolt chain. The sink
 * is in Amplitude mode, which is what its default ({@code AUTO}) picks for Amplitude's own hosts; the
 * loopback URL would otherwise switch it off. One setting differs from the defaults: the disk bound is
 * 4 GiB, so a 5-second flat-out burst never meets the 1 GiB default and blocks.
 */
final class OursClient implements PeerClient {
  static final String SEED_SPEC = "[{\"operation\":\"remove\",\"spec\":{\"timestamp\":\"\"}},"
      + "{\"operation\":\"shift\",\"spec\":{\"event\":\"events[0]\"}},"
      + "{\"operation\":\"default\",\"spec\":{\"api_key\":\"${{ secrets.AMPLITUDE_API_TOKEN }}\"}}]";

  private final ObjectMapper mapper = new ObjectMapper();
  private final Path directory;
  private final Analytics analytics;

  OursClient(String base) throws IOException {
    directory = Files.createTempDirectory("peers-ours");
    Secrets secrets = Secrets.resolve(List.of("AMPLITUDE_API_TOKEN"), name -> Optional.of("bench-api-key-0123"));
    HttpSink sink = HttpSink.builder().endpoint(base + "/2/httpapi").amplitude(AmplitudeMode.ON).secrets(secrets).build();
    JoltPipeline seed = JoltPipeline.builder().secrets(secrets).step("infinyon/jolt@0.3.0", SEED_SPEC).build();
    analytics = Analytics.builder().directory(directory).sink("amplitude", sink, seed).maxDiskBytes(4L << 30)
        .shutdownHook(false).build();
  }

  @Override
  public void emit(int i) {
    ObjectNode event = mapper.createObjectNode()
        .put("user_id", SampleEvent.userId(i))
        .put("device_id", SampleEvent.deviceId(i))
        .put("event_type", SampleEvent.NAME)
        .put("time", SampleEvent.time(i))
        .put("app_version", SampleEvent.APP_VERSION)
        .put("event_id", i)
        .put("session_id", SampleEvent.SESSION_ID);
    event.putObject("event_properties")
        .put("plan", SampleEvent.plan(i))
        .put("source", SampleEvent.source())
        .put("items", SampleEvent.items(i));
    analytics.emit(event);
  }

  @Override
  public void flush() {
    // Nothing to ask: the dispatcher sends as soon as records are in the log.
  }

  @Override
  public void close() throws IOException {
    analytics.close();
    try (Stream<Path> files = Files.walk(directory)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    }
  }
}
