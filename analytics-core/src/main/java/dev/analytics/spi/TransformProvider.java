package dev.analytics.spi;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Finds a {@link Transform} by a connector file's {@code uses:} name (for example
 * {@code infinyon/jolt@0.3.0} or {@code jolt}), the way Fluvio finds SmartModules. Implementations are
 * registered in {@code META-INF/services/dev.analytics.spi.TransformProvider} and found with
 * {@link java.util.ServiceLoader}.
 */
public interface TransformProvider {
  /** True if this provider implements {@code uses}. */
  boolean supports(String uses);

  /**
   * Builds the transform once, at start-up.
   *
   * @param uses the {@code uses:} name, as written
   * @param with the {@code with:} section (for Jolt: {@code {"spec": [...]}}), secrets not yet
   *     rendered: the transform renders them with {@code secrets} and keeps the values in memory only
   * @param secrets the connector's declared, resolved secrets
   * @throws IllegalArgumentException with the step, operation and reason when the spec is bad
   */
  Transform create(String uses, JsonNode with, Secrets secrets);
}
