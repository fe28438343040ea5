/**
 * The HTTP sink: {@link dev.analytics.http.HttpSink} (java.net.http and resilience4j-retry), with
 * Amplitude's rules, found by a connector file's {@code type: http-sink}.
 */
module dev.analytics.http {
  requires transitive dev.analytics.core;
  requires transitive java.net.http;
  // HttpSink.Builder.retryRegistry(RetryRegistry) and HttpSink.retryRegistry() are API.
  requires transitive io.github.resilience4j.core;
  requires transitive io.github.resilience4j.retry;

  exports dev.analytics.http;

  provides dev.analytics.spi.SinkProvider with dev.analytics.http.connector.HttpSinkProvider;
}
