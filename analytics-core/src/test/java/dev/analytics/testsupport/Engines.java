package dev.analytics.testsupport;

import dev.analytics.Durability;
import dev.analytics.WhenFull;
import dev.analytics.internal.Engine;
import dev.analytics.internal.EngineConfig;
import dev.analytics.internal.Route;
import dev.analytics.internal.log.Storage;
import dev.analytics.internal.log.WhenLogFull;
import dev.analytics.spi.Listener;
import dev.analytics.spi.Sink;
import java.nio.file.Path;
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
    return Engine.open(new EngineConfig(directory)
        .durability(s.durability == Durability.SYNC, s.syncInterval)
        .sizes(s.maxDiskBytes, s.segmentBytes, s.maxRecordBytes, 64L << 20)
        .whenFull(WhenLogFull.valueOf(s.whenFull.name()), s.blockTimeout)
        .closeTimeout(s.closeTimeout)
        .retryBackoff(s.retryInitial, s.retryMax)
        .listener(s.listener)
        .sinks(List.of(new Route(sinkName, sink, List.of())))
        .storage(storage));
  }
}
