package dev.analytics.transform.connector;

import com.fasterxml.jackson.databind.JsonNode;
import dev.analytics.spi.Secrets;
import dev.analytics.spi.Transform;
import dev.analytics.spi.TransformProvider;
import dev.analytics.transform.JoltPipeline;
import dev.analytics.transform.internal.Dialect;
import java.util.Objects;

/**
 * Lets a connector file's {@code uses: jolt} or {@code uses: infinyon/jolt@0.3.0} find {@link
 * JoltPipeline}. It claims every {@code infinyon/jolt} name, so that an unsupported version gets a clear
 * message from here rather than "no provider".
 */
public final class JoltTransformProvider implements TransformProvider {
  @Override
  public boolean supports(String uses) {
    return Dialect.isJolt(uses);
  }

  /**
   * @param with {@code {"spec": [ ...chain... ]}}; secrets may already be rendered (rendering again is a
   *     no-op)
   */
  @Override
  public Transform create(String uses, JsonNode with, Secrets secrets) {
    Objects.requireNonNull(uses, "uses == null");
    Objects.requireNonNull(with, "with == null");
    Objects.requireNonNull(secrets, "secrets == null");
    JsonNode spec = with.get("spec");
    if (spec == null || spec.isNull()) {
      throw new IllegalArgumentException(uses + ": with.spec is required (the chain of operations)");
    }
    return JoltPipeline.builder().secrets(secrets).step(uses, spec).build();
  }
}
