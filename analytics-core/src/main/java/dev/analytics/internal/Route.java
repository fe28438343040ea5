package dev.analytics.internal;

import dev.analytics.spi.Sink;
import dev.analytics.spi.Transform;
import java.util.List;
import java.util.Objects;

/**
 * A named sink and the transforms in front of it, as the builder validated them.
 *
 * @param name 1-64 of {@code A-Z a-z 0-9 . _ -}, unique in its instance
 * @param sink where the records go
 * @param transforms applied in order before the sink
 */
public record Route(String name, Sink sink, List<Transform> transforms) {
  public Route {
    Objects.requireNonNull(name, "name == null");
    Objects.requireNonNull(sink, "sink == null");
    transforms = List.copyOf(transforms);
  }
}
