/** A user's service on the module path: it needs only the exported API of each module. */
module com.example.consumer {
  requires dev.analytics.core;
  requires dev.analytics.connector;
  requires dev.analytics.http;
  requires dev.analytics.testing;
}
