package dev.analytics.spi;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link SinkProvider} gets from a connector file: the sink's own section ({@code http:} for
 * {@code http-sink}) and the library's delivery settings for it ({@code analytics.delivery:}), as
 * {@link ConfigSection typed, path-aware views}, with secrets rendered. The provider alone interprets
 * its keys, warns about unknown ones, and reports bad values through the views, so every message names
 * the key path and line as the file writes them.
 */
public final class SinkSettings {
  private final String connectorName;
  private final String connectorVersion;
  private final ConfigSection section;
  private final ConfigSection delivery;
  private final String endpointOverride;
  private final Secrets secrets;
  private final Map<Class<?>, Object> extensions;

  private SinkSettings(Builder b) {
    this.connectorName = Objects.requireNonNull(b.connectorName, "connectorName == null");
    this.connectorVersion = b.connectorVersion;
    this.section = Objects.requireNonNull(b.section, "section == null");
    this.delivery = b.delivery != null ? b.delivery : ConfigSection.empty("analytics.delivery", b.origin());
    this.endpointOverride = b.endpointOverride;
    this.secrets = b.secrets;
    this.extensions = Map.copyOf(b.extensions);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these settings, to change some of them. */
  public Builder toBuilder() {
    Builder b = new Builder().connectorName(connectorName).connectorVersion(connectorVersion).section(section)
        .delivery(delivery).endpointOverride(endpointOverride).secrets(secrets);
    b.extensions.putAll(extensions);
    return b;
  }

  /** {@code meta.name}, trimmed. */
  public String connectorName() {
    return connectorName;
  }

  /** {@code meta.version}, if the file has one. */
  public Optional<String> connectorVersion() {
    return Optional.ofNullable(connectorVersion);
  }

  /** The sink's own section, as the file declares it (secrets rendered); empty when the file has none. */
  public ConfigSection section() {
    return section;
  }

  /** The library's delivery settings for this sink ({@code analytics.delivery}); empty when absent. */
  public ConfigSection delivery() {
    return delivery;
  }

  /**
   * A destination given outside the file, to point an unchanged file elsewhere (a local receiver, a
   * proxy, staging): from code, or the system property {@code analytics.endpoint}, or the environment
   * variable {@code ANALYTICS_ENDPOINT}. The sink decides what it replaces (for {@code http-sink}, the
   * endpoint) and what the file's own value still means (Amplitude's rules stay on when the file names
   * Amplitude).
   */
  public Optional<String> endpointOverride() {
    return Optional.ofNullable(endpointOverride);
  }

  /** The connector's resolved secrets, so the sink can {@linkplain Secrets#redact mask} them. */
  public Secrets secrets() {
    return secrets;
  }

  /**
   * An object the application handed to the sink beside the file, of a type the provider knows (for
   * {@code http-sink}, a {@code dev.analytics.http.RequestListener} that meters every request): what a
   * file cannot express. A provider ignores types it does not know.
   */
  public <T> Optional<T> extension(Class<T> type) {
    return Optional.ofNullable(type.cast(extensions.get(type)));
  }

  @Override
  public String toString() {
    return "SinkSettings{" + connectorName + ", " + section.path() + "}";
  }

  /** Assembles {@link SinkSettings}; a connector loader or a test fills it. */
  public static final class Builder {
    private String connectorName;
    private String connectorVersion;
    private ConfigSection section;
    private ConfigSection delivery;
    private String endpointOverride;
    private Secrets secrets = Secrets.none();
    private final Map<Class<?>, Object> extensions = new LinkedHashMap<>();

    private Builder() {}

    /** {@code meta.name}. Required. */
    public Builder connectorName(String name) {
      this.connectorName = Objects.requireNonNull(name, "connectorName == null");
      return this;
    }

    /** {@code meta.version}; may be null. */
    public Builder connectorVersion(String version) {
      this.connectorVersion = version;
      return this;
    }

    /** The sink's section. Required. */
    public Builder section(ConfigSection section) {
      this.section = Objects.requireNonNull(section, "section == null");
      return this;
    }

    /** The delivery settings. Default: an empty {@code analytics.delivery} section. */
    public Builder delivery(ConfigSection delivery) {
      this.delivery = Objects.requireNonNull(delivery, "delivery == null");
      return this;
    }

    /** An endpoint given outside the file; null for none. */
    public Builder endpointOverride(String endpoint) {
      this.endpointOverride = endpoint;
      return this;
    }

    /** The resolved secrets. Default none. */
    public Builder secrets(Secrets secrets) {
      this.secrets = Objects.requireNonNull(secrets, "secrets == null");
      return this;
    }

    /** Hands {@code value} to the provider as its {@link SinkSettings#extension(Class) extension} of {@code type}. */
    public <T> Builder extension(Class<T> type, T value) {
      Objects.requireNonNull(type, "type == null");
      extensions.put(type, type.cast(Objects.requireNonNull(value, "value == null")));
      return this;
    }

    private ConfigSection.Origin origin() {
      Objects.requireNonNull(section, "section == null");
      return section.origin();
    }

    public SinkSettings build() {
      return new SinkSettings(this);
    }
  }
}
