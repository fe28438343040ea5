package dev.analytics.spring;

import dev.analytics.Analytics;
import dev.analytics.connector.ConnectorLoader;
import dev.analytics.http.BodyMode;
import dev.analytics.http.HttpSink;
import dev.analytics.http.RequestListener;
import dev.analytics.spi.Listener;
import dev.analytics.spi.SecretProvider;
import dev.analytics.spi.Secrets;
import dev.analytics.spi.Sink;
import dev.analytics.spi.Transform;
import dev.analytics.transform.JoltPipeline;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.util.unit.DataSize;

/**
 * Builds the starter's {@link Analytics} from {@link AnalyticsProperties}: from the connector file, or from
 * {@code analytics.http.*}, with the application's {@link Sink} and {@link Transform} beans taking the
 * place of the configured ones. Every rejected setting becomes an
 * {@link InvalidConfigurationPropertyValueException} naming the property as the user wrote it, which
 * Spring Boot's failure analyzer prints at start-up with its value; where the value may hold a credential
 * (headers, Jolt specs) an {@link AnalyticsPropertyException} names the property without it.
 */
final class AnalyticsFactory {
  static final Path DEFAULT_DIRECTORY = Path.of(ConnectorLoader.DEFAULT_BASE_DIRECTORY);
  private static final Log LOG = LogFactory.getLog(AnalyticsFactory.class);

  private final AnalyticsProperties properties;
  private final SecretProvider secrets;
  private final Map<String, Sink> sinkBeans;
  private final List<Transform> transformBeans;
  private final Listener listener;
  private final RequestListener requestListener;
  private final List<AnalyticsBuilderCustomizer> customizers;

  /** What the application context holds that shapes the instance: its beans of these types. */
  record Beans(Map<String, Sink> sinks, List<Transform> transforms, Listener listener,
      RequestListener requestListener, List<AnalyticsBuilderCustomizer> customizers) {}

  AnalyticsFactory(AnalyticsProperties properties, SecretProvider secrets, Beans beans) {
    this.properties = properties;
    this.secrets = secrets;
    this.sinkBeans = beans.sinks();
    this.transformBeans = beans.transforms();
    this.listener = beans.listener();
    this.requestListener = beans.requestListener();
    this.customizers = beans.customizers();
  }

  Analytics create() {
    return properties.getConnectorFile() != null ? fromConnectorFile() : fromProperties();
  }

  private Analytics fromProperties() {
    if (properties.getEndpoint() != null) {
      throw new InvalidConfigurationPropertyValueException("analytics.endpoint", properties.getEndpoint(),
          "overrides the connector file's endpoint, and analytics.connector-file is not set; "
              + "for the sink built from properties set analytics.http.endpoint");
    }
    Path directory = properties.getDirectory() != null ? properties.getDirectory() : DEFAULT_DIRECTORY;
    Analytics.Builder builder = Analytics.builder().directory(directory);
    applyLibrarySettings(builder);
    if (!sinkBeans.isEmpty()) {
      if (properties.getHttp().getEndpoint() != null) {
        LOG.info("analytics: using the application's Sink beans " + sinkBeans.keySet()
            + "; analytics.http.* is not used");
      }
      addSinkBeans(builder);
    } else {
      addHttpSink(builder);
    }
    return build(builder, "analytics.directory", directory);
  }

  private Analytics fromConnectorFile() {
    Path file = properties.getConnectorFile();
    AnalyticsProperties.Http http = properties.getHttp();
    if (http.getEndpoint() != null || !http.getTransforms().isEmpty()) {
      throw new InvalidConfigurationPropertyValueException("analytics.connector-file", file,
          "the connector file defines the sink and its transforms: remove analytics.http.endpoint and "
              + "analytics.http.transforms, or remove analytics.connector-file");
    }
    ConnectorLoader loader = ConnectorLoader.fromFile(file).secrets(secrets).warnings(LOG::warn);
    if (requestListener != null) loader.sinkExtension(RequestListener.class, requestListener); // http-sink's meters
    if (properties.getDirectory() != null) loader.baseDirectory(properties.getDirectory());
    if (properties.getEndpoint() != null) {
      set("analytics.endpoint", properties.getEndpoint(), loader::endpoint);
    }
    loader.customize(builder -> {
      applyLibrarySettings(builder);
      addSinkBeans(builder); // beside the file's sink: the file names one destination, beans add more
      builder.listener(listener);
      customizers.forEach(c -> c.customize(builder));
    });
    try {
      return loader.build();
    } catch (InvalidConfigurationPropertyValueException e) {
      throw e;
    } catch (IllegalArgumentException | UncheckedIOException e) {
      // The loader's messages name the file, the key path and the line, with secrets masked.
      throw new InvalidConfigurationPropertyValueException("analytics.connector-file", file, e.getMessage());
    } catch (IllegalStateException e) {
      throw new InvalidConfigurationPropertyValueException("analytics.directory",
          properties.getDirectory() == null ? "(the connector file's)" : properties.getDirectory(), e.getMessage());
    }
  }

  private Analytics build(Analytics.Builder builder, String directoryProperty, Path directory) {
    builder.listener(listener);
    customizers.forEach(c -> c.customize(builder));
    try {
      return builder.build();
    } catch (IllegalStateException | UncheckedIOException e) {
      // Another live instance holds the directory, or it cannot be created.
      throw new InvalidConfigurationPropertyValueException(directoryProperty, directory, e.getMessage());
    } catch (IllegalArgumentException e) {
      // Checks across settings: the sizes of disk, segment and record.
      throw new InvalidConfigurationPropertyValueException("analytics.max-disk-size",
          properties.getMaxDiskSize(), e.getMessage()
              + " (see analytics.max-disk-size, analytics.segment-size, analytics.max-record-size)");
    }
  }

  /** The library settings set in properties; unset ones keep the defaults (or the connector file's). */
  private void applyLibrarySettings(Analytics.Builder b) {
    AnalyticsProperties p = properties;
    set("analytics.durability", p.getDurability(), b::durability);
    set("analytics.sync-interval", p.getSyncInterval(), b::syncInterval);
    set("analytics.max-disk-size", p.getMaxDiskSize(), v -> b.maxDiskBytes(v.toBytes()));
    set("analytics.segment-size", p.getSegmentSize(), v -> b.segmentBytes(toInt(v)));
    set("analytics.max-record-size", p.getMaxRecordSize(), v -> b.maxRecordBytes(toInt(v)));
    set("analytics.max-dead-letter-size", p.getMaxDeadLetterSize(), v -> b.maxDeadLetterBytes(v.toBytes()));
    set("analytics.when-full", p.getWhenFull(), b::whenFull);
    set("analytics.block-timeout", p.getBlockTimeout(), b::blockTimeout);
    set("analytics.close-timeout", p.getCloseTimeout(), b::closeTimeout);
    if (p.getRetryBackoffMin() != null || p.getRetryBackoffMax() != null) {
      Duration min = p.getRetryBackoffMin() != null ? p.getRetryBackoffMin() : Analytics.Builder.DEFAULT_RETRY_INITIAL;
      Duration max = p.getRetryBackoffMax() != null ? p.getRetryBackoffMax() : Analytics.Builder.DEFAULT_RETRY_MAX;
      String name = p.getRetryBackoffMin() != null ? "analytics.retry-backoff-min" : "analytics.retry-backoff-max";
      set(name, min, v -> b.retryBackoff(v, max));
    }
  }

  private void addSinkBeans(Analytics.Builder builder) {
    for (Map.Entry<String, Sink> e : sinkBeans.entrySet()) {
      try {
        builder.sink(e.getKey(), e.getValue(), transformBeans);
      } catch (IllegalArgumentException ex) {
        throw new IllegalArgumentException("Sink bean \"" + e.getKey() + "\": " + ex.getMessage()
            + " (the bean name is the sink's name)", ex);
      }
    }
  }

  private void addHttpSink(Analytics.Builder builder) {
    AnalyticsProperties.Http http = properties.getHttp();
    if (http.getEndpoint() == null) {
      throw new InvalidConfigurationPropertyValueException("analytics.http.endpoint", null,
          "required: set analytics.http.endpoint (the URL events are posted to), or analytics.connector-file, "
              + "or define a Sink bean; analytics.enabled=false switches the starter off");
    }
    Secrets resolved = resolveSecrets(http);
    HttpSink sink = httpSink(http, resolved);
    if (!transformBeans.isEmpty() && !http.getTransforms().isEmpty()) {
      LOG.info("analytics: using the application's Transform beans; analytics.http.transforms is not used");
    }
    List<Transform> transforms = transformBeans.isEmpty() ? joltSteps(http, resolved) : transformBeans;
    set("analytics.http.name", http.getName(), name -> builder.sink(name, sink, transforms));
  }

  /** Every secret referenced by a header or a Jolt spec, each resolved now so a missing one fails start-up. */
  private Secrets resolveSecrets(AnalyticsProperties.Http http) {
    Set<String> names = new LinkedHashSet<>();
    for (Map.Entry<String, String> header : http.getHeaders().entrySet()) {
      require("analytics.http.headers." + header.getKey(), EnvironmentSecrets.referencedIn(header.getValue()), names);
    }
    List<AnalyticsProperties.JoltStep> steps = http.getTransforms();
    for (int i = 0; i < steps.size(); i++) {
      require("analytics.http.transforms[" + i + "].spec", EnvironmentSecrets.referencedIn(steps.get(i).getSpec()), names);
    }
    try {
      return Secrets.resolve(names, secrets);
    } catch (IllegalArgumentException e) {
      throw new AnalyticsPropertyException("analytics.http", e.getMessage());
    }
  }

  private void require(String property, Set<String> referenced, Set<String> names) {
    for (String name : referenced) {
      if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
        throw new AnalyticsPropertyException(property,
            "invalid secret name \"" + name + "\" in ${{ secrets.NAME }}: use ASCII letters, digits and _");
      }
      if (secrets.get(name).isEmpty()) {
        throw new AnalyticsPropertyException(property,
            "secret " + name + " has no value: set " + EnvironmentSecrets.PREFIX + name + " or " + name
                + " in the Spring Environment (application properties, environment variables, a secret store)");
      }
      names.add(name);
    }
  }

  private HttpSink httpSink(AnalyticsProperties.Http http, Secrets resolved) {
    HttpSink.Builder b = HttpSink.builder().secrets(resolved).requestListener(requestListener);
    set("analytics.http.endpoint", http.getEndpoint(), b::endpoint);
    set("analytics.http.name", http.getName(), b::name);
    set("analytics.http.method", http.getMethod(), b::method);
    for (Map.Entry<String, String> header : http.getHeaders().entrySet()) {
      String property = "analytics.http.headers." + header.getKey();
      String value = header.getValue() == null ? "" : header.getValue();
      try {
        b.header(header.getKey(), resolved.render(value));
      } catch (IllegalArgumentException e) {
        throw new AnalyticsPropertyException(property, resolved.redact(e.getMessage()));
      }
      if (HttpSink.isCredentialHeader(header.getKey())) b.redactValue(resolved.render(value));
    }
    set("analytics.http.merge-field", http.getMergeField(), field -> b.bodyMode(bodyMode(http.getBodyMode(), field)));
    set("analytics.http.max-batch-records", http.getMaxBatchRecords(), b::maxBatchRecords);
    set("analytics.http.linger", http.getLinger(), b::linger);
    set("analytics.http.max-in-flight", http.getMaxInFlight(), b::maxInFlight);
    set("analytics.http.max-concurrent-requests", http.getMaxConcurrentRequests(), b::maxConcurrentRequests);
    b.adaptiveConcurrency(http.isAdaptiveConcurrency());
    set("analytics.http.max-request-records", http.getMaxRequestRecords(), b::maxRequestRecords);
    set("analytics.http.max-request-size", http.getMaxRequestSize(), v -> b.maxRequestBytes(toInt(v)));
    b.gzip(http.isGzip());
    set("analytics.http.gzip-min-size", http.getGzipMinSize(), v -> b.gzipMinBytes(toInt(v)));
    set("analytics.http.max-attempts", http.getMaxAttempts(), b::maxAttempts);
    if (http.getBackoffMin() != null || http.getBackoffMax() != null) {
      Duration min = http.getBackoffMin() != null ? http.getBackoffMin() : HttpSink.DEFAULT_BACKOFF_MIN;
      Duration max = http.getBackoffMax() != null ? http.getBackoffMax() : HttpSink.DEFAULT_BACKOFF_MAX;
      String name = http.getBackoffMin() != null ? "analytics.http.backoff-min" : "analytics.http.backoff-max";
      set(name, min, v -> b.backoff(v, max));
    }
    set("analytics.http.connect-timeout", http.getConnectTimeout(), b::connectTimeout);
    set("analytics.http.request-timeout", http.getRequestTimeout(), b::requestTimeout);
    set("analytics.http.fault-retry-delay", http.getFaultRetryDelay(), b::faultRetryDelay);
    set("analytics.http.amplitude", http.getAmplitude(), b::amplitude);
    set("analytics.http.user-agent", http.getUserAgent(), b::userAgent);
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigurationPropertyValueException("analytics.http.body-mode", http.getBodyMode(), e.getMessage());
    }
  }

  private static BodyMode bodyMode(AnalyticsProperties.BodyModeSetting setting, String mergeField) {
    switch (setting == null ? AnalyticsProperties.BodyModeSetting.BATCH : setting) {
      case PER_RECORD:
        return BodyMode.perRecord();
      case JSON_ARRAY:
        return BodyMode.jsonArray();
      default:
        return BodyMode.mergeOn(mergeField);
    }
  }

  /** One pipeline per configured step, so an error names the step's property. */
  private static List<Transform> joltSteps(AnalyticsProperties.Http http, Secrets resolved) {
    List<Transform> transforms = new ArrayList<>();
    List<AnalyticsProperties.JoltStep> steps = http.getTransforms();
    for (int i = 0; i < steps.size(); i++) {
      AnalyticsProperties.JoltStep step = steps.get(i);
      String prefix = "analytics.http.transforms[" + i + "]";
      if (step.getUses() == null || step.getUses().isBlank()) {
        throw new InvalidConfigurationPropertyValueException(prefix + ".uses", step.getUses(),
            "required: jolt, infinyon/jolt@0.3.x or infinyon/jolt@0.4.x");
      }
      if (step.getSpec() == null || step.getSpec().isBlank()) {
        throw new InvalidConfigurationPropertyValueException(prefix + ".spec", null,
            "required: the chain as JSON, [{\"operation\": ..., \"spec\": ...}]");
      }
      String uses = step.getUses().trim();
      try {
        JoltPipeline.builder().step(uses, "[]"); // checks the dialect name alone
      } catch (IllegalArgumentException e) {
        throw new InvalidConfigurationPropertyValueException(prefix + ".uses", step.getUses(), e.getMessage());
      }
      JoltPipeline.Builder pipeline = JoltPipeline.builder().secrets(resolved);
      try {
        pipeline.step(uses, step.getSpec());
      } catch (IllegalArgumentException e) {
        throw new AnalyticsPropertyException(prefix + ".spec", resolved.redact(e.getMessage()));
      }
      try {
        transforms.add(pipeline.build());
      } catch (IllegalArgumentException | IllegalStateException e) {
        throw new AnalyticsPropertyException(prefix + ".spec", resolved.redact(e.getMessage()));
      }
    }
    return transforms;
  }

  private static int toInt(DataSize size) {
    long bytes = size.toBytes();
    if (bytes > Integer.MAX_VALUE) throw new IllegalArgumentException("larger than 2GB: " + size);
    return (int) bytes;
  }

  /** Applies a set value; the library's range check becomes an error naming the property. */
  private static <T> void set(String property, T value, Consumer<T> setter) {
    if (value == null) return;
    try {
      setter.accept(value);
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigurationPropertyValueException(property, value, e.getMessage());
    }
  }
}
