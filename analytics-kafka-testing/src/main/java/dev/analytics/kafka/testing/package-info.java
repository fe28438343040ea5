/**
 * Test support with real Kafka, for this project's tests and users': a {@link
 * dev.analytics.kafka.testing.KafkaBroker} (KRaft) and {@link dev.analytics.kafka.testing.ConnectWorker}s
 * started in child JVMs from the Maven jars on the class path (no install, no Docker), each killable with
 * {@code kill -9}; the child-process helper under them ({@link dev.analytics.kafka.testing.JavaProcess})
 * and free loopback ports ({@link dev.analytics.kafka.testing.Ports}). Waits have deadlines and fail with
 * the end of the child's output.
 */
package dev.analytics.kafka.testing;
