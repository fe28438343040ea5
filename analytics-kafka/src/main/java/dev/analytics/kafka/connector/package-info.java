/**
 * {@code type: kafka-sink} for connector files: the {@code SinkProvider} that maps a file's
 * {@code kafka:} and {@code analytics.delivery} keys onto {@code KafkaSink.Builder}. Found through
 * {@link java.util.ServiceLoader}; not API. It uses only the public {@code dev.analytics.kafka} package.
 */
package dev.analytics.kafka.connector;
