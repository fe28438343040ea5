/** Benchmarks; see docs/BENCHMARKS.md for how to run them. */
package dev.analytics.benchmarks;
