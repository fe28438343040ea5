package dev.analytics.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.analytics.connector.internal.Providers;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every way a connector file can be wrong: an error with the key path and line, or a warning. */
class ConnectorLoaderErrorsTest {
  private static final String HEAD = "apiVersion: 0.1.0\nmeta:\n  name: c\n  type: http-sink\n  topic: t\n";
  private final List<String> warnings = Fixtures.newWarnings();

  @BeforeEach
  @AfterEach
  void reset() {
    TestProviders.reset();
  }

  private ConnectorConfig load(String yaml) {
    return Fixtures.loader(yaml, warnings).load();
  }

  private void fails(String yaml, String... parts) {
    assertThatThrownBy(() -> load(yaml)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("connector <yaml>")
        .satisfies(e -> {
          for (String part : parts) assertThat(e.getMessage()).contains(part);
        });
  }

  @Test
  void missingFileFailsNamingThePath(@TempDir Path tmp) {
    Path missing = tmp.resolve("nope.yaml");
    assertThatThrownBy(() -> ConnectorLoader.fromFile(missing).load())
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("cannot read connector file " + missing);
  }

  @Test
  void fileWithByteOrderMarkLoads(@TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("bom.yaml");
    Files.writeString(file, "\uFEFF" + HEAD);
    assertThat(ConnectorLoader.fromFile(file).environment(Fixtures.env(Map.of())).load().name()).isEqualTo("c");
  }

  @Test
  void emptyFileFails() {
    fails("# nothing here\n", "empty file");
  }

  @Test
  void rootThatIsNotAMappingFails() {
    fails("- a\n- b\n", "(line 1): expected a mapping with apiVersion, meta");
  }

  @Test
  void yamlSyntaxErrorNamesTheLine() {
    fails(HEAD + "http:\n  endpoint: \"unterminated\n", "(line 7)", "invalid YAML");
  }

  @Test
  void duplicateKeyFailsWithPathAndLine() {
    fails(HEAD + "http:\n  endpoint: http://a\n  endpoint: http://b\n", "http.endpoint (line 8): duplicate key");
  }

  @Test
  void yamlAliasesAreRejected() {
    fails(HEAD + "http:\n  endpoint: &e http://a\n  method: *e\n", "http.method (line 8)", "aliases");
  }

  @Test
  void secondDocumentFails() {
    fails(HEAD + "---\nmeta: {}\n", "more than one YAML document");
  }

  @Test
  void missingMetaFails() {
    fails("apiVersion: 0.1.0\nhttp:\n  endpoint: x\n", "meta: required");
  }

  @Test
  void metaThatIsNotAMappingFails() {
    fails("apiVersion: 0.1.0\nmeta: [1, 2]\n", "meta (line 2): expected a mapping of keys, got a list");
  }

  @Test
  void missingNameTypeOrTopicFail() {
    fails("apiVersion: 0.1.0\nmeta:\n  type: http-sink\n  topic: t\n", "meta.name: required");
    fails("apiVersion: 0.1.0\nmeta:\n  name: c\n  topic: t\n", "meta.type: required");
    fails("apiVersion: 0.1.0\nmeta:\n  name: c\n  type: http-sink\n", "meta.topic: required");
    fails("apiVersion: 0.1.0\nmeta:\n  name: \"  \"\n  type: http-sink\n  topic: t\n", "meta.name (line 3): required");
  }

  @Test
  void wrongTypesNameThePathAndLine() {
    fails("apiVersion: 0.1.0\nmeta:\n  name: [a]\n  type: http-sink\n  topic: t\n",
        "meta.name (line 3): expected a string, got a list");
    fails("apiVersion: 0.1.0\nmeta:\n  name: c\n  type: {x: 1}\n  topic: t\n",
        "meta.type (line 4): expected a string, got a mapping");
    fails(HEAD + "http: https://x\n", "http (line 6): expected a mapping of keys, got a string");
  }

  @Test
  void nameUnusableAsSinkNameFails() {
    fails("apiVersion: 0.1.0\nmeta:\n  name: my connector\n  type: http-sink\n  topic: t\n",
        "meta.name (line 3): must be 1-64 letters");
  }

  @Test
  void topicUnusableAsDirectoryFails() {
    fails("apiVersion: 0.1.0\nmeta:\n  name: c\n  type: http-sink\n  topic: ../etc\n",
        "meta.topic (line 5)", "log directory");
  }

  @Test
  void sourceConnectorTypeFails() {
    fails("apiVersion: 0.1.0\nmeta:\n  name: c\n  type: http-source\n  topic: t\n",
        "meta.type (line 4)", "source connector");
  }

  @Test
  void transformsMustBeAListOfStepsWithUses() {
    fails(HEAD + "transforms:\n  uses: x\n", "transforms (line 6): expected a list");
    fails(HEAD + "transforms:\n  - with: {}\n", "transforms[0].uses: required");
    fails(HEAD + "transforms:\n  - jolt\n", "transforms[0] (line 7): expected a mapping, got a string");
    fails(HEAD + "transforms:\n  - uses: x\n    with: [1]\n", "transforms[0].with (line 8): expected a mapping");
  }

  @Test
  void unknownKeysWarnWithTheirPathsAndLines() {
    ConnectorConfig config = load("apiVersion: 0.1.0\nmetadata: x\nmeta:\n  name: c\n  type: http-sink\n  topic: t\n"
        + "  colour: blue\n  consumer:\n    offset: {strategy: auto}\n"
        + "transforms:\n  - uses: x\n    wiht: {}\n"
        + "analytics:\n  durabilty: sync\n");
    assertThat(config.warnings()).containsExactly(
        "connector <yaml>: meta.colour (line 7): unknown key ignored (known: consumer, name, producer, secrets, topic, type, version)",
        "connector <yaml>: metadata (line 2): unknown key ignored (sections of a http-sink connector: analytics, apiVersion, http, meta, transforms)",
        "connector <yaml>: transforms[0].wiht (line 12): unknown key ignored (known: lookback, uses, with)",
        "connector <yaml>: analytics.durabilty (line 14): unknown key ignored (known: block_timeout, close_timeout, delivery, directory, durability, max_disk_bytes, max_record_bytes, retry_backoff_max, retry_backoff_min, segment_bytes, sync_interval, when_full)");
    assertThat(warnings).isEqualTo(config.warnings());
  }

  @Test
  void providerWarningsGetTheFileAndLine() {
    Fixtures.loader(HEAD + "http:\n  endpoint: http://x\n  warn_me: 1\n", warnings).configure();
    assertThat(warnings).containsExactly("connector <yaml>: http.warn_me (line 8): unknown key ignored");
  }

  @Test
  void unquotedReferenceIsAPlainScalarAndRenders() {
    ConnectorConfig config = Fixtures.loader("apiVersion: 0.1.0\nmeta:\n  name: c\n  type: http-sink\n  topic: t\n"
            + "  secrets:\n    - name: URL\nhttp:\n  endpoint: ${{ secrets.URL }}\n", warnings)
        .secrets(dev.analytics.spi.SecretProvider.of(Map.of("URL", "http://127.0.0.1:8080/collect")))
        .load();
    assertThat(config.sinkSection().path("endpoint").asText()).isEqualTo("http://127.0.0.1:8080/collect");
  }

  @Test
  void lookbackIsAcceptedWithAWarning() {
    ConnectorConfig config = load(HEAD + "transforms:\n  - uses: x\n    lookback:\n      last: 10\n");
    assertThat(config.transforms()).hasSize(1);
    assertThat(config.warnings()).singleElement().asString()
        .contains("transforms[0].lookback (line 8): ignored");
  }

  @Test
  void missingSinkProviderNamesTheTypeAndTheModule() {
    assertThatThrownBy(() -> ConnectorLoader.fromYaml(HEAD + "http:\n  endpoint: http://x\n")
            .environment(Fixtures.env(Map.of())).classLoader(new ClassLoader(null) {}).configure())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("meta.type (line 4)")
        .hasMessageContaining("no sink provider for type \"http-sink\"")
        .hasMessageContaining("dev.analytics:analytics-http");
    assertThatThrownBy(() -> Fixtures.loader(HEAD.replace("http-sink", "kafka-sink"), warnings).configure())
        .hasMessageContaining("no sink provider for type \"kafka-sink\"")
        .hasMessageContaining("types found: [http-sink, failing-sink]");
  }

  @Test
  void aBrokenRegistrationDoesNotHideTheOtherProviders() {
    ClassLoader loader = TestProviders.withBrokenRegistration(TestProviders.classLoader());
    ConnectorLoader ok = Fixtures.loader(HEAD + "http:\n  endpoint: http://x\n", warnings).classLoader(loader);
    ok.configure();
    assertThat(TestProviders.SINKS).hasSize(1);

    ClassLoader onlyBroken = TestProviders.withBrokenRegistration(new ClassLoader(null) {});
    assertThatThrownBy(() -> Fixtures.loader(HEAD, warnings).classLoader(onlyBroken).configure())
        .hasMessageContaining("no sink provider for type \"http-sink\"")
        .hasMessageContaining("providers that failed to load: [")
        .hasMessageContaining("dev.analytics.connector.NoSuchProvider");
  }

  @Test
  void missingTransformProviderNamesTheUsesAndTheModule() {
    assertThatThrownBy(() -> Fixtures.loader(HEAD + "http:\n  endpoint: http://x\ntransforms:\n  - uses: acme/rot13@1.0\n", warnings).configure())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("transforms[0].uses (line 9)")
        .hasMessageContaining("no transform provider for \"acme/rot13@1.0\"")
        .hasMessageContaining("dev.analytics:analytics-transform");
  }

  @Test
  void providerRejectionGetsTheLineOfTheKeyItNames() {
    assertThatThrownBy(() -> Fixtures.loader(HEAD + "http:\n  method: POST\n", warnings).configure())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("connector <yaml> (line 6): sink http-sink: http.endpoint: required");
    assertThat(TestProviders.SINK_SETTINGS).hasSize(1);
  }

  @Test
  void missingSinkSectionHandsTheProviderAnEmptyObject() {
    ConnectorConfig config = load(HEAD);
    assertThat(config.sinkSection().isObject()).isTrue();
    assertThat(config.sinkSection().isEmpty()).isTrue();
  }

  @Test
  void longestPathInPrefersTheMostSpecificKey() {
    Map<String, Integer> lines = Map.of("http", 3, "http.headers", 4, "http.headers[1]", 6, "http.head", 9);
    assertThat(Providers.longestPathIn("http.headers[1]: no colon", lines)).isEqualTo("http.headers[1]");
    assertThat(Providers.longestPathIn("bad http.headers", lines)).isEqualTo("http.headers");
    assertThat(Providers.longestPathIn("http.endpoint: required", lines)).isEqualTo("http");
    assertThat(Providers.longestPathIn("the http section", lines)).isNull();
    assertThat(Providers.longestPathIn("xhttp.headers", lines)).isNull();
    assertThat(Providers.longestPathIn("nothing to see", lines)).isNull();
  }
}
