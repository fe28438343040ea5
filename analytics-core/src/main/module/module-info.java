/**
 * The library's core: {@link dev.analytics.Analytics} (emit, flush, close, stats, dead letters), the
 * {@link dev.analytics.spi.Sink} and {@link dev.analytics.spi.Transform} extension points, and the SPI that finds
 * sinks and transforms by name ({@code dev.analytics.spi}). The durable log, the dispatcher and the
 * dead-letter file live in {@code dev.analytics.internal.*}, which this module does not export.
 */
@SuppressWarnings("module") // the qualified exports name modules built after this one
module dev.analytics.core {
  requires transitive com.fasterxml.jackson.databind;
  // Unmaps deleted segments at once (sun.misc.Unsafe.invokeCleaner); without it the GC does, later.
  requires static jdk.unsupported;

  exports dev.analytics;
  exports dev.analytics.spi;
  // Read-only inspection of a log directory (LogInspector) for the command-line tool only.
  exports dev.analytics.internal.log to dev.analytics.cli;
  // Rate-limited logging of lasting conditions, shared with the HTTP sink's endpoint outages.
  exports dev.analytics.internal.incident to dev.analytics.http;
  // Events still held as their stored bytes: the HTTP sink writes them without parsing.
  exports dev.analytics.internal.json to dev.analytics.http;
}
