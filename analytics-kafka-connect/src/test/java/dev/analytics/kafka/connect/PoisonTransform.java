package dev.analytics.kafka.connect;

import com.fasterxml.jackson.databind.JsonNode;
import dev.analytics.spi.Secrets;
import dev.analytics.spi.Transform;
import dev.analytics.spi.TransformException;
import dev.analytics.spi.TransformProvider;

/** {@code uses: poison}: fails on an envelope whose event has {@code "poison": true}, passes others unchanged. */
final class PoisonTransform implements Transform {
  @Override
  public JsonNode apply(JsonNode value) throws TransformException {
    if (value.path("event").path("poison").asBoolean()) throw new TransformException("poisoned event");
    return value;
  }

  @Override
  public String describe() {
    return "poison";
  }

  /** {@code uses: poison}. */
  public static final class Provider implements TransformProvider {
    @Override
    public boolean supports(String uses) {
      return uses.equals("poison");
    }

    @Override
    public Transform create(String uses, JsonNode with, Secrets secrets) {
      return new PoisonTransform();
    }
  }
}
