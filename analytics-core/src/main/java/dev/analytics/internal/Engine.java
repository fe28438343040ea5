package dev.analytics.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.analytics.Analytics;
import dev.analytics.DeadLetters;
import dev.analytics.Durability;
import dev.analytics.Listener;
import dev.analytics.Stats;
import dev.analytics.WhenFull;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** Placeholder while the engine is written. */
public final class Engine {
  public static final class Config {
    public Config(Path directory, Durability durability, Duration syncInterval, long maxDiskBytes,
        int segmentBytes, int maxRecordBytes, WhenFull whenFull, Duration blockTimeout,
        Duration closeTimeout, Duration retryInitial, Duration retryMax, Listener listener,
        Clock clock, ObjectMapper mapper, List<Analytics.SinkRoute> sinks) {}
  }

  public static Engine open(Config config) {
    throw new UnsupportedOperationException("not yet");
  }

  public String emit(Object event) { throw new UnsupportedOperationException(); }
  public boolean flush(Duration timeout) { throw new UnsupportedOperationException(); }
  public Stats stats() { throw new UnsupportedOperationException(); }
  public DeadLetters deadLetters() { throw new UnsupportedOperationException(); }
  public Path directory() { throw new UnsupportedOperationException(); }
  public void close() {}
  public void registerShutdownHook() {}
}
