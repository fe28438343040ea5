package dev.analytics.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.analytics.Analytics;
import dev.analytics.testing.RecordingSink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.io.support.SpringFactoriesLoader;

/** Missing and bad settings stop the start-up with a message naming the property as the user wrote it. */
class StartupFailureTest {
  private static final String SECRET = "Pa55-word-never-shown";

  @TempDir Path dir;

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(AnalyticsAutoConfiguration.class));

  private ApplicationContextRunner withEndpoint(String... more) {
    List<String> values = new ArrayList<>(List.of("analytics.directory=" + dir,
        "analytics.http.endpoint=http://127.0.0.1:9/2/httpapi"));
    values.addAll(List.of(more));
    return runner.withPropertyValues(values.toArray(new String[0]));
  }

  @Test
  void missingEndpointNamesTheProperty() {
    runner.withPropertyValues("analytics.directory=" + dir)
        .run(context -> assertFailure(context, "analytics.http.endpoint", "required"));
  }

  @Test
  void endpointThatIsNotHttpNamesTheProperty() {
    runner.withPropertyValues("analytics.directory=" + dir, "analytics.http.endpoint=ftp://example.com/x")
        .run(context -> assertFailure(context, "analytics.http.endpoint", "http or https"));
  }

  @Test
  void tooSmallDiskCapNamesTheProperty() {
    withEndpoint("analytics.max-disk-size=1KB")
        .run(context -> assertFailure(context, "analytics.max-disk-size", "131072"));
  }

  @Test
  void outOfRangeBatchSizeNamesTheProperty() {
    withEndpoint("analytics.http.max-batch-records=0")
        .run(context -> assertFailure(context, "analytics.http.max-batch-records", "maxBatchRecords"));
  }

  @Test
  void unknownEnumValueNamesTheProperty() {
    withEndpoint("analytics.when-full=sometimes")
        .run(context -> assertFailure(context, "analytics.when-full", "sometimes"));
  }

  @Test
  void unknownJoltDialectNamesTheStep() {
    withEndpoint("analytics.http.transforms[0].uses=acme/jolt@9", "analytics.http.transforms[0].spec=[]")
        .run(context -> assertFailure(context, "analytics.http.transforms[0].uses", "acme/jolt@9"));
  }

  @Test
  void badJoltSpecNamesTheStepAndNeverTheRenderedSecret() {
    withEndpoint("analytics.http.transforms[0].uses=infinyon/jolt@0.3.0",
            "analytics.http.transforms[0].spec=[{\"operation\":\"shift\",\"spec\":{\"${{ secrets.K }}\":\"#2\"}}]",
            "K=" + SECRET)
        .run(context -> {
          assertFailure(context, "analytics.http.transforms[0].spec", "step 1");
          assertThat(messages(context)).doesNotContain(SECRET);
        });
  }

  @Test
  void secretWithoutValueNamesThePropertyAndTheSecret() {
    withEndpoint("analytics.http.headers.Authorization=Bearer ${{ secrets.MISSING_TOKEN }}")
        .run(context -> assertFailure(context, "analytics.http.headers.Authorization", "MISSING_TOKEN"));
  }

  @Test
  void restrictedHeaderNamesTheHeaderAndNotItsValue() {
    withEndpoint("analytics.http.headers.Host=" + SECRET)
        .run(context -> {
          assertFailure(context, "analytics.http.headers.Host", "not allowed");
          assertThat(messages(context)).doesNotContain(SECRET);
        });
  }

  @Test
  void theStartupReportNamesAHeaderButNeverPrintsItsValue() {
    withEndpoint("analytics.http.headers.Authorization=Bearer " + SECRET + " ${{ secrets.NOT_SET }}")
        .run(context -> {
          assertFailure(context, "analytics.http.headers.Authorization", "NOT_SET");
          // Boot's analyzer for InvalidConfigurationPropertyValueException prints the value from the
          // property source; the starter's own exception and analyzer do not.
          FailureAnalysis analysis = new AnalyticsPropertyFailureAnalyzer().analyze(context.getStartupFailure());
          assertThat(analysis).isNotNull();
          assertThat(analysis.getDescription()).contains("analytics.http.headers.Authorization").contains("NOT_SET")
              .doesNotContain(SECRET);
          assertThat(analysis.getAction()).doesNotContain(SECRET);
        });
  }

  @Test
  void theFailureAnalyzerIsRegistered() throws Exception {
    List<String> registered = new ArrayList<>();
    for (java.net.URL url : java.util.Collections.list(
        getClass().getClassLoader().getResources(SpringFactoriesLoader.FACTORIES_RESOURCE_LOCATION))) {
      java.util.Properties factories = new java.util.Properties();
      try (java.io.InputStream in = url.openStream()) {
        factories.load(in);
      }
      registered.add(factories.getProperty(FailureAnalyzer.class.getName(), ""));
    }
    assertThat(registered).anyMatch(names -> names.contains(AnalyticsPropertyFailureAnalyzer.class.getName()));
  }

  @Test
  void missingConnectorFileNamesTheProperty() {
    runner.withPropertyValues("analytics.connector-file=" + dir.resolve("nope.yaml"))
        .run(context -> assertFailure(context, "analytics.connector-file", "nope.yaml"));
  }

  @Test
  void badConnectorFileNamesThePropertyTheKeyAndTheLine() throws Exception {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, "apiVersion: 0.1.0\nmeta:\n  name: x\n  type: http-sink\n  topic: [1, 2]\n"
        + "http:\n  endpoint: http://127.0.0.1:9/\n");
    runner.withPropertyValues("analytics.connector-file=" + file, "analytics.directory=" + dir)
        .run(context -> assertFailure(context, "analytics.connector-file", "meta.topic"));
  }

  @Test
  void connectorFileSecretWithoutValueNamesTheSecret() throws Exception {
    Path file = dir.resolve("amplitude-connector.yaml");
    Files.copy(Path.of("src/test/resources/amplitude-connector.yaml"), file);
    runner.withPropertyValues("analytics.connector-file=" + file, "analytics.directory=" + dir)
        .run(context -> {
          if (System.getenv("AMPLITUDE_API_TOKEN") != null) return; // the environment has one: nothing to prove
          assertFailure(context, "analytics.connector-file", "AMPLITUDE_API_TOKEN");
        });
  }

  @Test
  void connectorFileAndHttpPropertiesAreExclusive() throws Exception {
    Path file = dir.resolve("amplitude-connector.yaml");
    Files.copy(Path.of("src/test/resources/amplitude-connector.yaml"), file);
    runner.withPropertyValues("analytics.connector-file=" + file, "analytics.http.endpoint=http://127.0.0.1:9/")
        .run(context -> assertFailure(context, "analytics.connector-file", "analytics.http.endpoint"));
  }

  @Test
  void endpointOverrideWithoutConnectorFileNamesTheProperty() {
    withEndpoint("analytics.endpoint=http://127.0.0.1:9/")
        .run(context -> assertFailure(context, "analytics.endpoint", "analytics.connector-file"));
  }

  @Test
  void aDirectoryHeldByAnotherInstanceNamesTheProperty() {
    try (Analytics holder = Analytics.builder().directory(dir).sink("other", new RecordingSink()).build()) {
      assertThat(holder.directory()).isEqualTo(dir);
      withEndpoint().run(context -> assertFailure(context, "analytics.directory", dir.toString()));
    }
  }

  static void assertFailure(AssertableApplicationContext context, String property, String detail) {
    assertThat(context).hasFailed();
    String text = messages(context);
    assertThat(text).as("start-up failure names the property").contains(property).contains(detail);
  }

  /** The failure's messages down the cause chain, and the property name if Boot's exception carries it. */
  static String messages(AssertableApplicationContext context) {
    StringBuilder text = new StringBuilder();
    for (Throwable t = context.getStartupFailure(); t != null; t = t.getCause()) {
      text.append(t.getMessage()).append('\n');
      if (t instanceof InvalidConfigurationPropertyValueException) {
        text.append("property ").append(((InvalidConfigurationPropertyValueException) t).getName()).append('\n');
      }
    }
    return text.toString();
  }
}
