package dev.analytics.transform;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.analytics.spi.TransformException;
import java.io.UncheckedIOException;

/** Test helpers: JSON with single quotes for readable specs, exact numbers. */
public final class Json {
  public static final JsonMapper MAPPER = JsonMapper.builder()
      .enable(JsonReadFeature.ALLOW_SINGLE_QUOTES)
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
      .build();
  /** Plain parsing: int/long/double as Jackson reads them from the log. */
  public static final JsonMapper PLAIN = JsonMapper.builder().enable(JsonReadFeature.ALLOW_SINGLE_QUOTES).build();

  private Json() {}

  public static JsonNode json(String text) {
    try {
      return PLAIN.readTree(text);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Builds a one-chain pipeline. */
  public static JoltPipeline pipeline(String uses, String chain) {
    return JoltPipeline.builder().step(uses, json(chain)).build();
  }

  /** Applies and serializes compactly (key order and number forms visible). */
  public static String run(JoltPipeline pipeline, String input) throws TransformException {
    return pipeline.apply(json(input)).toString();
  }

  public static String shift(String uses, String spec, String input) throws TransformException {
    return run(pipeline(uses, "[{'operation':'shift','spec':" + spec + "}]"), input);
  }
}
