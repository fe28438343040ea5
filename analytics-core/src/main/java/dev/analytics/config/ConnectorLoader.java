package dev.analytics.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.analytics.Analytics;
import dev.analytics.SecretProvider;
import dev.analytics.Secrets;
import dev.analytics.Sink;
import dev.analytics.Transform;
import dev.analytics.spi.SinkProvider;
import dev.analytics.spi.SinkSettings;
import dev.analytics.spi.TransformProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Pattern;

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

  static final Set<String> API_VERSIONS = Set.of("0.1.0", "0.2.0");
  private static final Set<String> META_KEYS =
      Set.of("name", "type", "version", "topic", "secrets", "producer", "consumer");
  private static final Set<String> TOPIC_V2_KEYS =
      Set.of("meta", "partition", "retention", "compression", "deduplication");
  private static final Set<String> STEP_KEYS = Set.of("uses", "with", "lookback");
  /** Safe as a directory name on every platform; Fluvio's own topic names are a subset. */
  private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,254}");
  /** What {@link Analytics.Builder#sink} accepts as a name. */
  private static final Pattern SINK_NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final Pattern SECRET_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final String DELIVERY_PREFIX = LibrarySettings.SECTION + ".delivery.";
  private static final System.Logger LOG = System.getLogger(ConnectorLoader.class.getName());

  private final String source;
  private final Path file;
  private final String yaml;
  private SecretProvider secrets;
  private Path secretsFile;
  private String endpoint;
  private Path baseDirectory;
  private Consumer<Analytics.Builder> customizer = b -> {};
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
    if (doc.root() == null) throw problems.error("", -1, "empty file: expected apiVersion, meta, the sink's section and transforms");
    if (!doc.root().isObject()) {
      throw problems.error("", 1, "expected a mapping with apiVersion, meta, ..., got " + Section.describe(doc.root()));
    }
    Section root = new Section(doc.root(), "", doc, problems);

    String apiVersion = null;
    JsonNode api = root.get("apiVersion");
    if (api != null) {
      if (!api.isValueNode() || !API_VERSIONS.contains(api.asText().trim())) {
        throw root.error("apiVersion", "unsupported " + (api.isValueNode() ? "\"" + api.asText() + "\"" : Section.describe(api))
            + ": expected 0.1.0 or 0.2.0 (or no apiVersion for the legacy format)");
      }
      apiVersion = api.asText().trim();
    }

    Section meta = root.section("meta");
    if (meta == null) throw problems.error("meta", -1, "required: name, type, topic");
    meta.warnUnknown(META_KEYS, "");
    String name = meta.requiredString("name");
    if (!SINK_NAME.matcher(name).matches()) {
      throw meta.error("name", "must be 1-64 letters, digits, '.', '_' or '-': \"" + name + "\"");
    }
    String type = meta.requiredString("type");
    if (type.endsWith("-source")) {
      throw meta.error("type", "\"" + type + "\" is a source connector (a producer); this library runs sinks only");
    }
    String version = meta.string("version");
    String topic = topic(meta, apiVersion);
    List<String> secretNames = secretNames(meta, apiVersion);

    Secrets resolved = resolveSecrets(secretNames, meta, problems);
    problems.secrets(resolved);
    try {
      resolved.render(text); // checks every reference in the raw text, comments included, as Fluvio does
    } catch (IllegalArgumentException e) {
      String hint = apiVersion == null
          ? " (the legacy format without apiVersion has no secrets: add apiVersion: 0.1.0 and declare the name under meta.secrets)"
          : " (declare it under meta.secrets)";
      throw problems.error("", -1, e.getMessage() + hint);
    }

    String sectionName = type.endsWith("-sink") ? type.substring(0, type.length() - "-sink".length()) : type;
    Set<String> topKeys = Set.of("apiVersion", "meta", "transforms", LibrarySettings.SECTION, sectionName);
    root.warnUnknown(topKeys, " (sections of a " + type + " connector: " + String.join(", ", new TreeSet<>(topKeys)) + ")");

    JsonNode sectionNode = root.get(sectionName);
    ObjectNode section;
    if (sectionNode == null) {
      section = JsonNodeFactory.instance.objectNode();
    } else if (!sectionNode.isObject()) {
      throw root.error(sectionName, "expected a mapping of keys, got " + Section.describe(sectionNode));
    } else {
      // Keys are not rendered; neither are the transforms' with: sections, which are not passed here.
      section = (ObjectNode) resolved.render(sectionNode, false);
    }
    JsonNode declared = section.deepCopy();
    String override = endpointOverride();
    if (override != null) section.put("endpoint", override);

    List<TransformStep> steps = transforms(root, doc);

    Section analytics = root.section(LibrarySettings.SECTION);
    LibrarySettings settings = LibrarySettings.parse(
        analytics == null ? null : analytics.withNode(resolved.render(analytics.node(), false)));

    Path base = baseDirectory != null ? baseDirectory
        : settings.directory().orElse(Path.of(DEFAULT_BASE_DIRECTORY));
    return new ConnectorConfig(source, apiVersion, name, type, version, topic, secretNames, sectionName,
        section, declared, override, steps, settings, base.resolve(topic), problems.warnings(), resolved, doc);
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

  private static final class Prepared {
    final Analytics.Builder builder;
    final Sink sink;

    Prepared(Analytics.Builder builder, Sink sink) {
      this.builder = builder;
      this.sink = sink;
    }
  }

  private Prepared prepare() {
    ConnectorConfig config = load();
    Problems problems = new Problems(source, warnings);
    problems.secrets(config.secrets());
    Analytics.Builder builder = Analytics.builder().directory(config.directory());
    config.settings().applyTo(builder); // validated in load(): cannot throw here

    ClassLoader loader = loader();
    List<Transform> transforms = new ArrayList<>();
    for (TransformStep step : config.transforms()) {
      transforms.add(createTransform(step, config, problems, loader));
    }
    Sink sink = createSink(config, problems, loader);
    try {
      builder.sink(config.name(), sink, transforms);
      customizer.accept(builder);
    } catch (RuntimeException | Error e) {
      closeQuietly(sink);
      throw e;
    }
    return new Prepared(builder, sink);
  }

  private Transform createTransform(TransformStep step, ConnectorConfig config, Problems problems, ClassLoader loader) {
    String path = "transforms[" + step.index() + "].uses";
    List<String> seen = new ArrayList<>();
    List<String> broken = new ArrayList<>();
    TransformProvider found = null;
    for (TransformProvider provider : providers(TransformProvider.class, loader, broken)) {
      seen.add(provider.getClass().getName());
      if (provider.supports(step.uses())) {
        found = provider;
        break;
      }
    }
    if (found == null) {
      throw problems.error(path, step.line(), "no transform provider for \"" + step.uses()
          + "\" on the class path; add the module that implements it (dev.analytics:analytics-transform"
          + " implements infinyon/jolt and jolt)" + (seen.isEmpty() ? "" : "; providers found: " + seen)
          + (broken.isEmpty() ? "" : "; providers that failed to load: " + broken));
    }
    try {
      Transform transform = found.create(step.uses(), step.with(), config.secrets());
      if (transform == null) {
        throw problems.error(path, step.line(), found.getClass().getName() + " returned no transform");
      }
      return transform;
    } catch (RuntimeException e) {
      throw providerFailure("transforms[" + step.index() + "] (" + step.uses() + ")", step.line(), e, config, problems);
    }
  }

  private Sink createSink(ConnectorConfig config, Problems problems, ClassLoader loader) {
    List<String> types = new ArrayList<>();
    List<String> broken = new ArrayList<>();
    SinkProvider found = null;
    for (SinkProvider provider : providers(SinkProvider.class, loader, broken)) {
      types.add(provider.type());
      if (config.type().equals(provider.type())) {
        found = provider;
        break;
      }
    }
    if (found == null) {
      String module = config.type().equals("http-sink")
          ? "add the module dev.analytics:analytics-http"
          : "add the module that implements it (dev.analytics:analytics-http implements http-sink)";
      throw problems.error("meta.type", config.document().line("meta.type"),
          "no sink provider for type \"" + config.type() + "\" on the class path; " + module
              + (types.isEmpty() ? "" : "; types found: " + types)
              + (broken.isEmpty() ? "" : "; providers that failed to load: " + broken));
    }
    // The provider's warnings ("unknown key http.foo ignored") get the file, the line and masking too.
    Consumer<String> providerWarnings = message -> {
      String path = longestPathIn(String.valueOf(message), config.document().lines());
      warnings.accept(problems.format("", path == null ? -1 : config.document().line(path), String.valueOf(message)));
    };
    SinkSettings settings = new SinkSettings(config.name(), config.version().orElse(null), config.sinkSection(),
        config.declaredSinkSection(), config.settings().delivery(), config.secrets(), providerWarnings);
    try {
      Sink sink = found.create(settings);
      if (sink == null) {
        throw problems.error("meta.type", -1, found.getClass().getName() + " returned no sink");
      }
      return sink;
    } catch (RuntimeException e) {
      throw providerFailure("sink " + config.type(), -1, e, config, problems);
    }
  }

  /**
   * The providers that load, in class path order; one that fails to load (a stale registration, a
   * missing dependency) is noted in {@code broken} and skipped, so it cannot hide the others.
   */
  private static <T> List<T> providers(Class<T> type, ClassLoader loader, List<String> broken) {
    List<T> result = new ArrayList<>();
    Iterator<T> it = ServiceLoader.load(type, loader).iterator();
    while (true) {
      try {
        if (!it.hasNext()) break;
        result.add(it.next());
      } catch (ServiceConfigurationError e) {
        broken.add(e.getMessage());
        if (broken.size() > 20) break; // a loader that fails on every call must not spin
      }
    }
    return result;
  }

  /**
   * Re-throws a provider's error with the file, the line of the key path it names and secret values
   * masked. The cause is not chained: its message would print the unmasked text in a stack trace.
   */
  private static RuntimeException providerFailure(
      String what, int fallbackLine, RuntimeException e, ConnectorConfig config, Problems problems) {
    String message = String.valueOf(e.getMessage());
    String path = longestPathIn(message, config.document().lines());
    int line = path == null ? fallbackLine : config.document().line(path);
    String text = problems.format("", line, what + ": " + message);
    RuntimeException wrapped = e instanceof IllegalArgumentException
        ? new IllegalArgumentException(text)
        : new IllegalStateException(text + " (" + e.getClass().getName() + ")");
    wrapped.setStackTrace(e.getStackTrace());
    return wrapped;
  }

  /** The longest key path of the file that the message mentions, for its line. */
  static String longestPathIn(String message, Map<String, Integer> paths) {
    String best = null;
    for (String path : paths.keySet()) {
      if (path.isEmpty()) continue;
      // Sinks name their delivery keys "delivery.x": in the file they are "analytics.delivery.x".
      String named = path.startsWith(DELIVERY_PREFIX) ? path.substring(LibrarySettings.SECTION.length() + 1) : path;
      // A top-level key alone is a common word ("meta", "http"): count it only as the head of a path.
      boolean topLevel = !named.contains(".") && !named.contains("[");
      for (int at = message.indexOf(named); at >= 0; at = message.indexOf(named, at + 1)) {
        int end = at + named.length();
        char next = end == message.length() ? ' ' : message.charAt(end);
        char before = at == 0 ? ' ' : message.charAt(at - 1);
        boolean boundary = topLevel
            ? next == '.' || next == '['
            : !(Character.isLetterOrDigit(next) || next == '_' || next == '-');
        boolean starts = !(Character.isLetterOrDigit(before) || before == '_' || before == '.' || before == '-');
        if (boundary && starts && (best == null || path.length() > best.length())) best = path;
      }
    }
    return best;
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

  private static String topic(Section meta, String apiVersion) {
    JsonNode topic = meta.get("topic");
    if (topic == null) throw meta.error("topic", "required: the topic names the local log");
    String name;
    if ("0.2.0".equals(apiVersion)) {
      if (!topic.isObject()) {
        throw meta.error("topic", "apiVersion 0.2.0 expects a mapping {meta: {name: ...}}, got " + Section.describe(topic));
      }
      Section t = meta.section("topic");
      t.warnUnknown(TOPIC_V2_KEYS, "");
      Section tm = t.section("meta");
      if (tm == null) throw t.error("meta", "required: {name: <topic>}");
      tm.warnUnknown(Set.of("name"), "");
      name = tm.requiredString("name");
      if (!TOPIC.matcher(name).matches()) throw tm.error("name", topicProblem(name));
    } else {
      if (!topic.isTextual()) {
        throw meta.error("topic", "apiVersion " + (apiVersion == null ? "(legacy)" : apiVersion)
            + " expects the topic name as a string, got " + Section.describe(topic)
            + (topic.isObject() ? " (the object form needs apiVersion: 0.2.0)" : ""));
      }
      name = topic.asText().trim();
      if (!TOPIC.matcher(name).matches()) throw meta.error("topic", topicProblem(name));
    }
    return name;
  }

  private static String topicProblem(String name) {
    return "the topic names the log directory: use letters, digits, '.', '_' or '-', starting with a letter or digit: \""
        + name + "\"";
  }

  private static List<String> secretNames(Section meta, String apiVersion) {
    JsonNode node = meta.get("secrets");
    if (node == null) return List.of();
    if (apiVersion == null) {
      throw meta.error("secrets", "the legacy format without apiVersion has no secrets; add apiVersion: 0.1.0");
    }
    if (!node.isArray()) throw meta.error("secrets", "expected a list of {name: ...}, got " + Section.describe(node));
    Set<String> names = new LinkedHashSet<>();
    for (int i = 0; i < node.size(); i++) {
      Section entry = meta.element("secrets", i);
      entry.warnUnknown(Set.of("name"), "");
      String name = entry.requiredString("name");
      if (!SECRET_NAME.matcher(name).matches()) {
        throw entry.error("name",
            "invalid secret name \"" + name + "\": use ASCII letters, digits and _, not starting with a digit");
      }
      if (!names.add(name)) throw entry.error("name", "secret " + name + " is declared twice");
    }
    return List.copyOf(names);
  }

  private Secrets resolveSecrets(List<String> names, Section meta, Problems problems) {
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
      if (provider.get(names.get(i)).isEmpty()) {
        Section entry = meta.element("secrets", i);
        throw entry.error("name", "secret " + names.get(i) + " is declared but has no value (looked in: "
            + String.join(", ", where) + ")");
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

  private static List<TransformStep> transforms(Section root, YamlDocument doc) {
    JsonNode node = root.get("transforms");
    if (node == null) return List.of();
    if (!node.isArray()) throw root.error("transforms", "expected a list of {uses: ..., with: ...}, got " + Section.describe(node));
    List<TransformStep> steps = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      Section step = root.element("transforms", i);
      step.warnUnknown(STEP_KEYS, "");
      if (step.has("lookback")) step.warn("lookback", "ignored: lookback replays a Fluvio topic; the local log has no history to replay");
      String uses = step.requiredString("uses");
      JsonNode with = step.get("with");
      if (with == null) {
        with = JsonNodeFactory.instance.objectNode();
      } else if (!with.isObject()) {
        throw step.error("with", "expected a mapping (for Jolt: {spec: [...]}), got " + Section.describe(with));
      }
      steps.add(new TransformStep(i, uses, with.deepCopy(), step.line()));
    }
    return steps;
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
