/**
 * {@code type: http-sink} for connector files: the {@code SinkProvider} that maps a file's
 * {@code http:} and {@code analytics.delivery} keys onto {@code HttpSink.Builder}. Found through
 * {@link java.util.ServiceLoader}; not API (JPMS does not export it). It uses only the public
 * {@code dev.analytics.http} package.
 */
package dev.analytics.http.connector;
