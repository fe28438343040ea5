package dev.analytics.spi;


/**
 * Finds a {@link Sink} by a connector file's {@code meta.type} (for example {@code http-sink}).
 * Implementations are registered in {@code META-INF/services/dev.analytics.spi.SinkProvider} and found
 * with {@link java.util.ServiceLoader}.
 */
public interface SinkProvider {
  /** The {@code meta.type} this provider implements. */
  String type();

  /**
   * Builds the sink once, at start-up.
   *
   * @throws IllegalArgumentException naming the key path when a setting is wrong
   */
  Sink create(SinkSettings settings);
}
