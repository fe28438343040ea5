/**
 * {@link dev.analytics.kafka.KafkaSink}: delivers the local log's records to an Apache Kafka topic, for
 * a shared, replayable stream that Kafka Connect (module {@code analytics-kafka-connect}) delivers on.
 * Also registers {@code type: kafka-sink} for connector files (a {@code kafka:} section).
 */
package dev.analytics.kafka;
