package dev.analytics.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.analytics.spi.SecretProvider;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Secrets: each source, the declared-names rules, and that no message ever carries a value. */
class SecretsLoadingTest {
  private static final String TOKEN_NAME = "AMPLITUDE_API_TOKEN";
  private final List<String> warnings = Fixtures.newWarnings();

  @BeforeEach
  @AfterEach
  void reset() {
    TestProviders.reset();
    System.clearProperty(ConnectorLoader.SECRETS_FILE_VARIABLE);
  }

  private static String renderedApiKey(ConnectorLoader loader) {
    loader.endpoint("http://127.0.0.1:9/x").configure();
    TestProviders.TransformCall call = TestProviders.TRANSFORM_CALLS.get(TestProviders.TRANSFORM_CALLS.size() - 1);
    return call.secrets.render(call.with.path("spec").path(2).path("spec").path("api_key").asText());
  }

  private ConnectorLoader seed() {
    return ConnectorLoader.fromFile(Fixtures.seed())
        .environment(Fixtures.env(Map.of()))
        .classLoader(TestProviders.classLoader())
        .warnings(warnings::add);
  }

  @Test
  void valueFromEnvironmentVariableByDefault() {
    ConnectorLoader loader = seed().environment(Fixtures.env(Map.of(TOKEN_NAME, "from-env")));
    assertThat(renderedApiKey(loader)).isEqualTo("from-env");
  }

  @Test
  void valueFromProviderInCodeReplacesTheEnvironment() {
    ConnectorLoader loader = seed()
        .environment(Fixtures.env(Map.of(TOKEN_NAME, "from-env")))
        .secrets(SecretProvider.of(Map.of(TOKEN_NAME, "from-code")));
    assertThat(renderedApiKey(loader)).isEqualTo("from-code");
  }

  @Test
  void valueFromSecretsFileGivenInCode(@TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("secrets.env");
    Files.writeString(file, "# comment\n\n  " + TOKEN_NAME + " = abc=def \n");
    assertThat(renderedApiKey(seed().secretsFile(file))).isEqualTo("abc=def");
  }

  @Test
  void environmentIsAskedBeforeTheSecretsFile(@TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("secrets.env");
    Files.writeString(file, TOKEN_NAME + "=from-file\n");
    ConnectorLoader loader = seed().secretsFile(file).environment(Fixtures.env(Map.of(TOKEN_NAME, "from-env")));
    assertThat(renderedApiKey(loader)).isEqualTo("from-env");
  }

  @Test
  void valueFromSecretsFileNamedByEnvironmentVariable(@TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("secrets.env");
    Files.writeString(file, TOKEN_NAME + "=from-env-named-file\n");
    ConnectorLoader loader = seed().environment(
        Fixtures.env(Map.of(ConnectorLoader.SECRETS_FILE_VARIABLE, file.toString())));
    assertThat(renderedApiKey(loader)).isEqualTo("from-env-named-file");
  }

  @Test
  void valueFromSecretsFileNamedBySystemPropertyWhichBeatsTheVariable(@TempDir Path tmp) throws Exception {
    Path byProperty = tmp.resolve("property.env");
    Path byVariable = tmp.resolve("variable.env");
    Files.writeString(byProperty, TOKEN_NAME + "=from-property-named-file\n");
    Files.writeString(byVariable, TOKEN_NAME + "=from-variable-named-file\n");
    System.setProperty(ConnectorLoader.SECRETS_FILE_VARIABLE, byProperty.toString());
    ConnectorLoader loader = seed().environment(
        Fixtures.env(Map.of(ConnectorLoader.SECRETS_FILE_VARIABLE, byVariable.toString())));
    assertThat(renderedApiKey(loader)).isEqualTo("from-property-named-file");
  }

  @Test
  void declaredSecretWithoutValueFailsNamingItAndWhereItLooked() {
    assertThatThrownBy(() -> seed().load())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("meta.secrets[0].name (line 9)")
        .hasMessageContaining("secret AMPLITUDE_API_TOKEN is declared but has no value")
        .hasMessageContaining("environment variables");
  }

  @Test
  void anEmptySecretValueIsRefusedLikeAMissingOne() {
    assertThatThrownBy(() -> seed().secrets(SecretProvider.of(Map.of("AMPLITUDE_API_TOKEN", ""))).load())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("meta.secrets[0].name (line 9)")
        .hasMessageContaining("secret AMPLITUDE_API_TOKEN is declared but has an empty value");
  }

  @Test
  void declaredButUnusedSecretWithoutValueStillFails() {
    String yaml = "apiVersion: 0.1.0\nmeta:\n  name: c\n  type: http-sink\n  topic: t\n"
        + "  secrets:\n    - name: USED\n    - name: UNUSED\nhttp:\n  endpoint: \"${{ secrets.USED }}\"\n";
    assertThatThrownBy(() -> Fixtures.loader(yaml, warnings).secrets(SecretProvider.of(Map.of("USED", "value-of-used"))).load())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("meta.secrets[1].name (line 8)")
        .hasMessageContaining("UNUSED is declared but has no value");
  }

  @Test
  void undeclaredReferenceFailsNamingTheLine() {
    String yaml = "apiVersion: 0.1.0\nmeta:\n  name: c\n  type: http-sink\n  topic: t\n"
        + "  secrets:\n    - name: A\nhttp:\n  endpoint: http://x\n  headers:\n    - \"Authorization: ${{secrets.B}}\"\n";
    assertThatThrownBy(() -> Fixtures.loader(yaml, warnings).secrets(SecretProvider.of(Map.of("A", "value-of-a"))).load())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("line 11")
        .hasMessageContaining("secret \"B\" is not declared");
  }

  @Test
  void referenceWithoutBracesWhitespaceIsRenderedInTheSinkSection() {
    String yaml = "apiVersion: 0.1.0\nmeta:\n  name: c\n  type: http-sink\n  topic: t\n"
        + "  secrets:\n    - name: KEY\nhttp:\n  endpoint: http://x\n  headers:\n"
        + "    - \"Authorization: Bearer ${{secrets.KEY}}\"\n    - \"X-Key: ${{   secrets.KEY   }}\"\n";
    ConnectorConfig config = Fixtures.loader(yaml, warnings).secrets(SecretProvider.of(Map.of("KEY", "k\"#: v"))).load();
    assertThat(config.sinkSection().path("headers").get(0).asText()).isEqualTo("Authorization: Bearer k\"#: v");
    assertThat(config.sinkSection().path("headers").get(1).asText()).isEqualTo("X-Key: k\"#: v");
  }

  @Test
  void invalidSecretNameFailsWithItsPath() {
    String yaml = "apiVersion: 0.1.0\nmeta:\n  name: c\n  type: http-sink\n  topic: t\n  secrets:\n    - name: 1BAD\n";
    assertThatThrownBy(() -> Fixtures.loader(yaml, warnings).load())
        .hasMessageContaining("meta.secrets[0].name (line 7)")
        .hasMessageContaining("invalid secret name \"1BAD\"");
  }

  @Test
  void secretsEntryThatIsNotAMappingFails() {
    String yaml = "apiVersion: 0.1.0\nmeta:\n  name: c\n  type: http-sink\n  topic: t\n  secrets:\n    - TOKEN\n";
    assertThatThrownBy(() -> Fixtures.loader(yaml, warnings).load())
        .hasMessageContaining("meta.secrets[0] (line 7): expected a mapping, got a string (\"TOKEN\")");
  }

  @Test
  void secretDeclaredTwiceFails() {
    String yaml = "apiVersion: 0.1.0\nmeta:\n  name: c\n  type: http-sink\n  topic: t\n"
        + "  secrets:\n    - name: A\n    - name: A\n";
    assertThatThrownBy(() -> Fixtures.loader(yaml, warnings).secrets(SecretProvider.of(Map.of("A", "value-of-a"))).load())
        .hasMessageContaining("meta.secrets[1].name (line 8): secret A is declared twice");
  }

  @Test
  void legacyFormatRejectsSecrets() {
    String declared = "meta:\n  name: c\n  type: http-sink\n  topic: t\n  secrets:\n    - name: A\n";
    assertThatThrownBy(() -> Fixtures.loader(declared, warnings).load())
        .hasMessageContaining("meta.secrets (line 5)")
        .hasMessageContaining("add apiVersion: 0.1.0");
    String referenced = "meta:\n  name: c\n  type: http-sink\n  topic: t\nhttp:\n  endpoint: \"${{ secrets.A }}\"\n";
    assertThatThrownBy(() -> Fixtures.loader(referenced, warnings).load())
        .hasMessageContaining("line 6")
        .hasMessageContaining("legacy format without apiVersion has no secrets");
  }

  @Test
  void aSecretValueNeverAppearsInLoaderErrors() {
    String secret = "s3cr3t-zz-value";
    String yaml = "apiVersion: 0.1.0\nmeta:\n  name: c\n  type: http-sink\n  topic: t\n"
        + "  secrets:\n    - name: KEY\nhttp:\n  endpoint: http://x\nanalytics:\n  when_full: \"${{ secrets.KEY }}\"\n";
    Throwable thrown = catchThrowable(() -> Fixtures.loader(yaml, warnings).secrets(SecretProvider.of(Map.of("KEY", secret))).load());
    assertThat(thrown).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("analytics.when_full (line 11)")
        .hasMessageContaining("****");
    assertThat(fullTrace(thrown)).doesNotContain(secret);
  }

  @Test
  void aSecretValueNeverAppearsInProviderErrors() {
    String secret = "s3cr3t-yy-value";
    String sinkYaml = "apiVersion: 0.1.0\nmeta:\n  name: c\n  type: failing-sink\n  topic: t\n"
        + "  secrets:\n    - name: KEY\nfailing:\n  token: \"${{ secrets.KEY }}\"\n";
    Throwable sinkError = catchThrowable(() -> Fixtures.loader(sinkYaml, warnings).secrets(SecretProvider.of(Map.of("KEY", secret))).configure());
    assertThat(sinkError).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("failing.token: not accepted: ****")
        .hasMessageContaining("(line 9)");
    assertThat(fullTrace(sinkError)).doesNotContain(secret);

    String transformYaml = "apiVersion: 0.1.0\nmeta:\n  name: c\n  type: http-sink\n  topic: t\n"
        + "  secrets:\n    - name: KEY\nhttp:\n  endpoint: http://x\ntransforms:\n  - uses: test/failing\n"
        + "    with:\n      spec: \"${{ secrets.KEY }}\"\n";
    Throwable transformError = catchThrowable(() -> Fixtures.loader(transformYaml, warnings).secrets(SecretProvider.of(Map.of("KEY", secret))).configure());
    assertThat(transformError).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("transforms[0] (test/failing)")
        .hasMessageContaining("bad spec ****");
    assertThat(fullTrace(transformError)).doesNotContain(secret);
  }

  @Test
  void referenceInAKeyIsNotRenderedSoTheWarningCarriesNoValue() {
    String secret = "s3cr3t-xx-value";
    String yaml = "apiVersion: 0.1.0\nmeta:\n  name: c\n  type: http-sink\n  topic: t\n"
        + "  secrets:\n    - name: KEY\nhttp:\n  endpoint: http://x\nanalytics:\n  \"${{ secrets.KEY }}\": 1\n";
    ConnectorConfig config = Fixtures.loader(yaml, warnings).secrets(SecretProvider.of(Map.of("KEY", secret))).load();
    assertThat(config.warnings()).hasSize(1);
    assertThat(String.join("\n", warnings)).contains("analytics.${{ secrets.KEY }} (line 11): unknown key").doesNotContain(secret);
  }

  private static String fullTrace(Throwable t) {
    StringWriter out = new StringWriter();
    t.printStackTrace(new PrintWriter(out));
    return out.toString();
  }
}
