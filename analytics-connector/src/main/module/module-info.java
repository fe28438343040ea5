/**
 * Loads a Fluvio connector file, unchanged, into an {@link dev.analytics.Analytics}:
 * {@link dev.analytics.connector.ConnectorLoader}. Finds the sink and the transforms the file names with
 * {@link java.util.ServiceLoader}, so add the modules that implement them ({@code dev.analytics.http},
 * {@code dev.analytics.transform}).
 */
module dev.analytics.connector {
  requires transitive dev.analytics.core;
  requires com.fasterxml.jackson.dataformat.yaml;

  exports dev.analytics.connector;

  uses dev.analytics.spi.SinkProvider;
  uses dev.analytics.spi.TransformProvider;
}
