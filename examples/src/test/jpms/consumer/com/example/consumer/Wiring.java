package com.example.consumer;

import dev.analytics.Analytics;
import dev.analytics.Stats;
import dev.analytics.connector.ConnectorLoader;
import dev.analytics.http.HttpSink;
import dev.analytics.spi.Outcome;
import dev.analytics.spi.Sink;
import dev.analytics.spi.SinkProvider;
import dev.analytics.testing.RecordingSink;
import java.nio.file.Path;

/** Compiles against every module's API, as a user's code would. */
public final class Wiring {
  private Wiring() {}

  public static Analytics.Builder builder(Path directory) {
    Sink http = HttpSink.builder().endpoint("http://127.0.0.1:9/in").build();
    SinkProvider none = null;
    Stats stats = null;
    Outcome delivered = Outcome.delivered();
    return Analytics.builder().directory(directory).sink("http", http).sink("memory", new RecordingSink());
  }

  public static Analytics.Builder fromFile(Path file) {
    return ConnectorLoader.fromFile(file).configure();
  }
}
