/**
 * The {@code analytics} command-line tool: inspect, verify, repair and drain a log directory. Reads a
 * directory without its lock through core's {@code LogInspector} (exported to this module only), and
 * opens it through the public API ({@link dev.analytics.connector.ConnectorLoader}) for anything that
 * changes it.
 */
module dev.analytics.cli {
  requires dev.analytics.connector;
  requires info.picocli;

  // picocli fills the commands' annotated fields reflectively.
  opens dev.analytics.cli to info.picocli;

  exports dev.analytics.cli;
}
