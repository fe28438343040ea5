/**
 * A Kafka Connect sink connector ({@link dev.analytics.kafka.connect.AnalyticsSinkConnector}) that runs
 * the library's transforms and sink inside Kafka Connect, configured by the same Fluvio connector file.
 */
package dev.analytics.kafka.connect;
