package dev.analytics.testsupport;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.analytics.Analytics;
import dev.analytics.Durability;
import dev.analytics.Listener;
import dev.analytics.Sink;
import dev.analytics.Transform;
import dev.analytics.WhenFull;
import dev.analytics.internal.Engine;
import dev.analytics.internal.log.Storage;
import java.lang.reflect.Constructor;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Opens an {@link Engine} (what {@code Analytics.builder().build()} runs) with an injected
 * {@link Storage}, the fault-injection seam the public builder does not expose.
 */
public final class Engines {
  private Engines() {}

  /** Settings for {@link #open}; defaults match the builder's. */
  public static final class Settings {
    public Durability durability = Durability.PERIODIC;
    public Duration syncInterval = Duration.ofSeconds(1);
    public long maxDiskBytes = 1L << 30;
    public int segmentBytes = 64 * 1024;
    public int maxRecordBytes = 16 * 1024;
    public WhenFull whenFull = WhenFull.BLOCK;
    public Duration blockTimeout = Duration.ofSeconds(5);
    public Duration closeTimeout = Duration.ofSeconds(5);
    public Duration retryInitial = Duration.ofMillis(5);
    public Duration retryMax = Duration.ofMillis(50);
    public Listener listener = Listener.NONE;
  }

  public static Engine open(Path directory, Storage storage, Settings s, String sinkName, Sink sink) {
    Engine.Config config = new Engine.Config(directory, s.durability, s.syncInterval, s.maxDiskBytes,
        s.segmentBytes, s.maxRecordBytes, s.whenFull, s.blockTimeout, s.closeTimeout, s.retryInitial,
        s.retryMax, s.listener, Clock.systemUTC(), new ObjectMapper(), List.of(route(sinkName, sink)))
        .storage(storage);
    return Engine.open(config);
  }

  /**
   * {@code Engine.Config} is public but its {@code SinkRoute} constructor is package-private to
   * {@code dev.analytics}; tests outside that package reach it reflectively.
   */
  private static Analytics.SinkRoute route(String name, Sink sink) {
    try {
      Constructor<Analytics.SinkRoute> constructor =
          Analytics.SinkRoute.class.getDeclaredConstructor(String.class, Sink.class, List.class);
      constructor.setAccessible(true);
      return constructor.newInstance(name, sink, List.<Transform>of());
    } catch (ReflectiveOperationException e) {
      throw new AssertionError("cannot build a SinkRoute", e);
    }
  }
}
