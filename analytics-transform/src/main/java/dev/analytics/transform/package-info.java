/** Jolt transform pipeline: the jolt-core dialect and Fluvio's {@code infinyon/jolt} dialect. */
package dev.analytics.transform;
