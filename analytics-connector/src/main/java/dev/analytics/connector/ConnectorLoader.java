package dev.analytics.connector;

import dev.analytics.Analytics;
import dev.analytics.connector.internal.Problems;
import dev.analytics.connector.internal.Providers;
import dev.analytics.connector.internal.YamlDocument;
import dev.analytics.spi.ConfigSection;
import dev.analytics.spi.SecretProvider;
import dev.analytics.spi.Secrets;
import dev.analytics.spi.Sink;
import dev.analytics.spi.SinkProvider;
import dev.analytics.spi.SinkSettings;
import dev.analytics.spi.Transform;
import dev.analytics.spi.TransformProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Builds an {@link Analytics} from a Fluvio connector file ({@code apiVersion} 0.1.0, 0.2.0, or the
 * legacy format without it), the file unchanged.
 *
 * <pre>{@code
 * Analytics analytics = ConnectorLoader.fromFile(Path.of("amplitude-connector.yaml")).build();
 * }</pre>
 *
 * <p>What it does, in order:
 * <ol>
 *   <li>Parses the file and validates {@code apiVersion} and {@code meta}. Unknown keys are reported as
 *       warnings naming the key path; a wrong type or value fails with an
 *       {@link IllegalArgumentException} naming the key path and line.
 *   <li>Resolves every name under {@code meta.secrets} (a declared name without a value is an error even
 *       if unused) and checks every {@code ${{ secrets.NAME }}} in the raw text against them (an
 *       undeclared name is an error naming its line). Values come from {@link #secrets(SecretProvider)}
 *       (default: environment variables), then from the {@link #secretsFile(Path) secrets file}
 *       (default: the file named by the system property or environment variable
 *       {@value #SECRETS_FILE_VARIABLE}, if set).
 *   <li>Renders the references in the string values of the sink's section and the
 *       {@value LibrarySettings#SECTION} section; the transforms' {@code with:} sections are handed over
 *       unrendered, as {@link TransformProvider} specifies (transforms render them themselves). Unlike Fluvio, which substitutes in the raw text
 *       before parsing, a value is inserted as literal text of the one string it appears in: a token
 *       containing {@code "}, {@code #} or {@code : } cannot change the structure of the file, and a
 *       YAML error can never quote a secret. For references inside values (the only place Fluvio's
 *       documentation uses them) the result is the same.
 *   <li>Finds the sink by {@code meta.type} and each transform by {@code uses:} with
 *       {@link ServiceLoader} ({@link SinkProvider}, {@link TransformProvider}). The sink gets the section
 *       named after the type ({@code http:} for {@code http-sink}) and the
 *       {@value LibrarySettings#SECTION}{@code .delivery} settings.
 *   <li>Creates the {@link Analytics} with the log in {@code <base directory>/<meta.topic>}, so two
 *       connectors of one service do not share a log, and the {@link LibrarySettings library settings}.
 * </ol>
 *
 * <p>Endpoint override, for pointing an unchanged file at a local receiver (tests, demos), highest
 * precedence first: {@link #endpoint(String)} in code; the system property {@value #ENDPOINT_PROPERTY};
 * the environment variable {@value #ENDPOINT_VARIABLE}; the file's {@code endpoint}. The property and the
 * variable apply to every connector loaded in the JVM; use {@link #endpoint(String)} to aim one.
 *
 * <p>Base directory of the logs, highest precedence first: {@link #baseDirectory(Path)};
 * {@value LibrarySettings#SECTION}{@code .directory}; {@value #DEFAULT_BASE_DIRECTORY} in the working
 * directory.
 *
 * <p>Error messages name the connector file, the key path and the line, and mask every secret value.
 */
public final class ConnectorLoader {
  /** System property that overrides the sink's {@code endpoint}. */
  public static final String ENDPOINT_PROPERTY = "analytics.endpoint";
  /** Environment variable that overrides the sink's {@code endpoint}, below the system property. */
  public static final String ENDPOINT_VARIABLE = "ANALYTICS_ENDPOINT";
  /** System property or environment variable naming a {@code NAME=VALUE} secrets file. */
  public static final String SECRETS_FILE_VARIABLE = "ANALYTICS_SECRETS_FILE";
  /** The base directory of the logs when neither code nor file sets one, relative to the working directory. */
  public static final String DEFAULT_BASE_DIRECTORY = "analytics-data";

  private static final System.Logger LOG = System.getLogger(ConnectorLoader.class.getName());

  private final String source;
  private final Path file;
  private final String yaml;
  private SecretProvider secrets;
  private Path secretsFile;
  private String endpoint;
  private Path baseDirectory;
  private Consumer<Analytics.Builder> customizer = b -> {};
  private Consumer<Sink> sinkObserver = sink -> {};
  /** What {@link #sinkExtension} was given, applied to the provider's settings in the order given. */
  private final List<Consumer<SinkSettings.Builder>> sinkExtensions = new ArrayList<>();
  private Consumer<String> warnings = message -> LOG.log(System.Logger.Level.WARNING, message);
  private ClassLoader classLoader;
  private Function<String, String> environment = System::getenv;

  private ConnectorLoader(String source, Path file, String yaml) {
    this.source = source;
    this.file = file;
    this.yaml = yaml;
  }

  /** A loader for the connector file at {@code path}, read when {@link #load()} or {@link #build()} runs. */
  public static ConnectorLoader fromFile(Path path) {
    Objects.requireNonNull(path, "path == null");
    return new ConnectorLoader(path.toString(), path, null);
  }

  /** A loader for connector YAML given as text. */
  public static ConnectorLoader fromYaml(String yaml) {
    Objects.requireNonNull(yaml, "yaml == null");
    return new ConnectorLoader("<yaml>", null, yaml);
  }

  /**
   * Where secret values come from, asked first. Default {@link SecretProvider#environment()}; setting a
   * provider replaces that default. The {@link #secretsFile secrets file}, if any, is asked after it.
   */
  public ConnectorLoader secrets(SecretProvider provider) {
    this.secrets = Objects.requireNonNull(provider, "provider == null");
    return this;
  }

  /**
   * A {@code NAME=VALUE} secrets file asked after the {@link #secrets provider}. Default: the file named
   * by the system property, else the environment variable, {@value #SECRETS_FILE_VARIABLE}, if set.
   */
  public ConnectorLoader secretsFile(Path path) {
    this.secretsFile = Objects.requireNonNull(path, "path == null");
    return this;
  }

  /**
   * Replaces the sink's {@code endpoint} (for {@code http-sink}: {@code http.endpoint}). Takes precedence
   * over the system property {@value #ENDPOINT_PROPERTY} and the environment variable
   * {@value #ENDPOINT_VARIABLE}.
   */
  public ConnectorLoader endpoint(String endpoint) {
    Objects.requireNonNull(endpoint, "endpoint == null");
    if (endpoint.isBlank()) throw new IllegalArgumentException("endpoint is blank");
    this.endpoint = endpoint.trim();
    return this;
  }

  /**
   * The directory under which the log lives, in {@code <base>/<meta.topic>}. Default: the file's
   * {@value LibrarySettings#SECTION}{@code .directory}, else {@value #DEFAULT_BASE_DIRECTORY}.
   */
  public ConnectorLoader baseDirectory(Path directory) {
    this.baseDirectory = Objects.requireNonNull(directory, "directory == null");
    return this;
  }

  /**
   * Adjusts the {@link Analytics.Builder} after the file's settings are applied and before it is built:
   * a listener, a clock, a shutdown hook, or settings that override the file's.
   */
  public ConnectorLoader customize(Consumer<Analytics.Builder> customizer) {
    this.customizer = Objects.requireNonNull(customizer, "customizer == null");
    return this;
  }

  /**
   * Sees the sink the file defines, once it is built and before the instance is: to instrument it, e.g.
   * hand an {@code HttpSink}'s {@code retryRegistry()} to metrics, or subscribe to its retries.
   */
  public ConnectorLoader onSink(Consumer<Sink> observer) {
    this.sinkObserver = Objects.requireNonNull(observer, "observer == null");
    return this;
  }

  /**
   * Hands {@code value} to the sink's provider beside the file ({@link SinkSettings#extension}): what a
   * file cannot express, such as a {@code dev.analytics.http.RequestListener} that meters every request
   * of an {@code http-sink}. A provider ignores types it does not know.
   */
  public <T> ConnectorLoader sinkExtension(Class<T> type, T value) {
    Objects.requireNonNull(type, "type == null");
    T checked = type.cast(Objects.requireNonNull(value, "value == null"));
    sinkExtensions.add(settings -> settings.extension(type, checked));
    return this;
  }

  /** Receives each warning (unknown keys and the like). Default: {@link System.Logger} at WARNING. */
  public ConnectorLoader warnings(Consumer<String> warnings) {
    this.warnings = Objects.requireNonNull(warnings, "warnings == null");
    return this;
  }

  /**
   * The class loader in which {@link ServiceLoader} looks for sink and transform providers. Default: the
   * thread's context class loader, else this class's.
   */
  public ConnectorLoader classLoader(ClassLoader classLoader) {
    this.classLoader = Objects.requireNonNull(classLoader, "classLoader == null");
    return this;
  }

  /** For tests: the environment variables this loader sees. */
  ConnectorLoader environment(Function<String, String> environment) {
    this.environment = Objects.requireNonNull(environment, "environment == null");
    return this;
  }

  /**
   * Reads, validates and renders the file, resolving its secrets, without looking for providers.
   *
   * @throws IllegalArgumentException naming the key path and line of a wrong type or value, or a secret
   *     that is undeclared or has no value
   * @throws UncheckedIOException if the file or the secrets file cannot be read
   */
  public ConnectorConfig load() {
    Problems problems = new Problems(source, warnings);
    String text = readText();
    YamlDocument doc = YamlDocument.parse(text, problems);
    problems.document(doc);
    if (doc.root() == null) throw problems.error("", -1, "empty file: expected apiVersion, meta, the sink's section and transforms");
    if (!doc.root().isObject()) {
      throw problems.error("", 1, "expected a mapping with apiVersion, meta, ..., got " + ConfigSection.describe(doc.root()));
    }
    ConfigSection root = ConfigSection.of(doc.root(), "", problems);
    ConnectorConfig.Meta meta = ConnectorFile.meta(root, problems);

    Secrets resolved = resolveSecrets(meta.secretNames(), root.section("meta").orElseThrow());
    problems.secrets(resolved);
    try {
      resolved.render(text); // checks every reference in the raw text, comments included, as Fluvio does
    } catch (IllegalArgumentException e) {
      String hint = meta.apiVersion() == null
          ? " (the legacy format without apiVersion has no secrets: add apiVersion: 0.1.0 and declare the name under meta.secrets)"
          : " (declare it under meta.secrets)";
      throw problems.error("", -1, e.getMessage() + hint);
    }

    String type = meta.type();
    String sectionName = type.endsWith("-sink") ? type.substring(0, type.length() - "-sink".length()) : type;
    Set<String> topKeys = Set.of("apiVersion", "meta", "transforms", LibrarySettings.SECTION, sectionName);
    for (String key : root.keys()) {
      if (!topKeys.contains(key)) {
        root.warn(key, "unknown key ignored (sections of a " + type + " connector: " + String.join(", ", new TreeSet<>(topKeys)) + ")");
      }
    }
    // Keys are not rendered; neither are the transforms' with: sections, which transforms render.
    ConfigSection section = root.section(sectionName)
        .map(s -> s.withNode(resolved.render(s.node(), false)))
        .orElse(ConfigSection.empty(sectionName, problems));
    List<TransformStep> steps = ConnectorFile.transforms(root);
    LibrarySettings settings = LibrarySettings.parse(root.section(LibrarySettings.SECTION)
        .map(s -> s.withNode(resolved.render(s.node(), false)))
        .orElse(null));

    Path base = baseDirectory != null ? baseDirectory
        : settings.directory().orElse(Path.of(DEFAULT_BASE_DIRECTORY));
    return new ConnectorConfig(source, meta, section, endpointOverride(), steps, settings,
        base.resolve(meta.topic()), problems);
  }

  /**
   * {@link #load() Loads} the file, finds its providers and returns an {@link Analytics.Builder} with
   * the directory, the sink and its transforms and the library settings set and
   * {@link #customize customizations} applied, not yet built: for adding more sinks or inspecting.
   *
   * @throws IllegalArgumentException for a bad file (see {@link #load()}), when no provider on the class
   *     path implements {@code meta.type} or a {@code uses:} (naming the module to add), or when a
   *     provider rejects its settings
   */
  public Analytics.Builder configure() {
    return prepare().builder;
  }

  /**
   * {@link #configure() Configures} and builds: the one call that turns a connector file into a running
   * {@link Analytics}.
   *
   * @throws IllegalArgumentException see {@link #configure()}
   * @throws IllegalStateException if another live instance holds the log directory
   */
  public Analytics build() {
    Prepared prepared = prepare();
    try {
      return prepared.builder.build();
    } catch (RuntimeException | Error e) {
      closeQuietly(prepared.sink);
      throw e;
    }
  }

  private record Prepared(Analytics.Builder builder, Sink sink) {}

  private Prepared prepare() {
    ConnectorConfig config = load();
    Problems problems = config.problems();
    Analytics.Builder builder = Analytics.builder().directory(config.directory());
    config.settings().applyTo(builder); // validated in load(): cannot throw here

    Providers providers = new Providers(loader(), problems, problems.lines());
    List<Transform> transforms = new ArrayList<>();
    for (TransformStep step : config.transforms()) {
      transforms.add(providers.transform(step.index(), step.uses(), step.with(), step.line(), config.secrets()));
    }
    SinkSettings.Builder settings = SinkSettings.builder()
        .connectorName(config.name())
        .connectorVersion(config.version().orElse(null))
        .section(config.sinkSectionView())
        .endpointOverride(config.endpointOverride().orElse(null))
        .secrets(config.secrets());
    config.settings().deliverySection().ifPresent(settings::delivery);
    sinkExtensions.forEach(extension -> extension.accept(settings));
    Sink sink = providers.sink(config.type(), problems.line("meta.type"), settings.build());
    try {
      builder.sink(config.name(), sink, transforms);
      sinkObserver.accept(sink);
      customizer.accept(builder);
    } catch (RuntimeException | Error e) {
      closeQuietly(sink);
      throw e;
    }
    return new Prepared(builder, sink);
  }

  private Secrets resolveSecrets(List<String> names, ConfigSection meta) {
    if (names.isEmpty()) return Secrets.none();
    List<SecretProvider> providers = new ArrayList<>();
    List<String> where = new ArrayList<>();
    if (secrets != null) {
      providers.add(secrets);
      where.add("the SecretProvider given in code");
    } else {
      providers.add(name -> java.util.Optional.ofNullable(environment.apply(name)));
      where.add("environment variables");
    }
    Path fileOfSecrets = secretsFile;
    if (fileOfSecrets == null) {
      String named = System.getProperty(SECRETS_FILE_VARIABLE);
      if (named == null || named.isBlank()) named = environment.apply(SECRETS_FILE_VARIABLE);
      if (named != null && !named.isBlank()) fileOfSecrets = Path.of(named.trim());
    }
    if (fileOfSecrets != null) {
      providers.add(SecretProvider.file(fileOfSecrets));
      where.add("secrets file " + fileOfSecrets);
    }
    SecretProvider provider = SecretProvider.firstOf(providers.toArray(new SecretProvider[0]));
    for (int i = 0; i < names.size(); i++) {
      java.util.Optional<String> value = provider.get(names.get(i));
      if (value.isEmpty() || value.get().isEmpty()) {
        throw meta.element("secrets", i).error("name", "secret " + names.get(i) + " is declared but has "
            + (value.isEmpty() ? "no value" : "an empty value") + " (looked in: " + String.join(", ", where) + ")");
      }
    }
    return Secrets.resolve(names, provider);
  }

  /** The endpoint override in precedence order: code, system property, environment variable. */
  private String endpointOverride() {
    if (endpoint != null) return endpoint;
    String property = System.getProperty(ENDPOINT_PROPERTY);
    if (property != null && !property.isBlank()) return property.trim();
    String variable = environment.apply(ENDPOINT_VARIABLE);
    if (variable != null && !variable.isBlank()) return variable.trim();
    return null;
  }

  private String readText() {
    if (yaml != null) return yaml;
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      return text.startsWith("\uFEFF") ? text.substring(1) : text;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read connector file " + file + ": " + e, e);
    }
  }

  private ClassLoader loader() {
    if (classLoader != null) return classLoader;
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    return context != null ? context : ConnectorLoader.class.getClassLoader();
  }

  private static void closeQuietly(Sink sink) {
    try {
      sink.close();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.DEBUG, "closing the sink after a failed build", e);
    }
  }
}
