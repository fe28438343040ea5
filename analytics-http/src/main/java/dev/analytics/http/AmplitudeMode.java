package dev.analytics.http;

/**
 * Whether {@link HttpSink} interprets responses the way Amplitude's HTTP V2 API documents them (partial
 * 400 with event indexes, 413 split, 429 with throttled ids) and fills {@code insert_id} from the record
 * id.
 */
public enum AmplitudeMode {
  /** On for {@code api2.amplitude.com} and {@code api.eu.amplitude.com}, off elsewhere. The default. */
  AUTO,
  ON,
  OFF
}
