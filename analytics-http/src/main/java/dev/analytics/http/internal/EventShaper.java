package dev.analytics.http.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;

/**
 * Rewrites events while records are serialized ({@link AmplitudePolicy} fills a missing
 * {@code insert_id}); {@link #NONE} writes them as they are. Never mutates the record's value.
 */
interface EventShaper {
  EventShaper NONE = new EventShaper() {
    @Override
    public byte[] writeElement(JsonNode element, String recordId, int i, int n, Planner.Writer writer)
        throws IOException {
      return writer.write(element);
    }

    @Override
    public JsonNode shapeWhole(JsonNode value, String recordId) {
      return value;
    }
  };

  /** Serializes element {@code i} of the {@code n} elements of record {@code recordId}'s merge field. */
  byte[] writeElement(JsonNode element, String recordId, int i, int n, Planner.Writer writer) throws IOException;

  /** The value to send whole (not merged): {@code value} itself or a changed shallow copy. */
  JsonNode shapeWhole(JsonNode value, String recordId);
}
