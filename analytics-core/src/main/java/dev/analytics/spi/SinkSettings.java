package dev.analytics.spi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.analytics.Secrets;
import java.util.Objects;
import java.util.function.Consumer;

/** What a {@link SinkProvider} gets from the connector file. */
public final class SinkSettings {
  private final String connectorName;
  private final String connectorVersion;
  private final JsonNode section;
  private final JsonNode declaredSection;
  private final JsonNode delivery;
  private final Secrets secrets;
  private final Consumer<String> warnings;

  public SinkSettings(
      String connectorName,
      String connectorVersion,
      JsonNode section,
      JsonNode delivery,
      Secrets secrets,
      Consumer<String> warnings) {
    this(connectorName, connectorVersion, section, section, delivery, secrets, warnings);
  }

  /**
   * @param declaredSection the section as the file declares it, before overrides made in code or by
   *     system property (such as an endpoint pointed at a proxy or a local receiver)
   */
  public SinkSettings(
      String connectorName,
      String connectorVersion,
      JsonNode section,
      JsonNode declaredSection,
      JsonNode delivery,
      Secrets secrets,
      Consumer<String> warnings) {
    this.connectorName = Objects.requireNonNull(connectorName, "connectorName == null");
    this.connectorVersion = connectorVersion;
    this.section = Objects.requireNonNull(section, "section == null");
    this.declaredSection = Objects.requireNonNull(declaredSection, "declaredSection == null");
    this.delivery = delivery == null ? JsonNodeFactory.instance.objectNode() : delivery;
    this.secrets = Objects.requireNonNull(secrets, "secrets == null");
    this.warnings = Objects.requireNonNull(warnings, "warnings == null");
  }

  /** {@code meta.name}, trimmed. */
  public String connectorName() {
    return connectorName;
  }

  /** {@code meta.version}, or {@code null}. */
  public String connectorVersion() {
    return connectorVersion;
  }

  /**
   * The sink's own section (for {@code http-sink}: the {@code http:} map), with secrets already
   * rendered; key paths in errors should start with the section's name ({@code http.}).
   */
  public JsonNode section() {
    return section;
  }

  /**
   * The section as the file declares it, before overrides. A sink decides what kind of endpoint it
   * talks to from this (pointing Amplitude's connector file at a local receiver keeps Amplitude's
   * rules), and sends to {@link #section()}.
   */
  public JsonNode declaredSection() {
    return declaredSection;
  }

  /**
   * The library's delivery settings for this sink (batching, mode), an object that may be empty:
   * {@code mode} ({@code batch} | {@code per-record}), {@code max_batch_records}, {@code max_batch_bytes},
   * {@code linger} (humantime), {@code max_in_flight}.
   */
  public JsonNode delivery() {
    return delivery;
  }

  /** The connector's resolved secrets, so the sink can {@linkplain Secrets#redact mask} them. */
  public Secrets secrets() {
    return secrets;
  }

  /** Reports a non-fatal problem, such as an unknown key ({@code "unknown key http.foo ignored"}). */
  public void warn(String message) {
    warnings.accept(message);
  }
}
