package dev.analytics.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.analytics.Analytics;
import dev.analytics.Durability;
import dev.analytics.WhenFull;
import dev.analytics.http.HttpSink;
import dev.analytics.spi.Transform;
import dev.analytics.testing.RecordingSink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

/** The auto-configuration with {@link ApplicationContextRunner}: property variants, back-off, start-up failures. */
@ExtendWith(OutputCaptureExtension.class)
class AnalyticsAutoConfigurationTest {
  private static final String SECRET = "s3cr3t-Value-42";
  private static final String SPEC = "[{\"operation\":\"remove\",\"spec\":{\"timestamp\":\"\"}},"
      + "{\"operation\":\"shift\",\"spec\":{\"event\":\"events[0]\"}},"
      + "{\"operation\":\"default\",\"spec\":{\"api_key\":\"${{ secrets.AMPLITUDE_API_TOKEN }}\"}}]";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private final LoopbackReceiver receiver = new LoopbackReceiver();

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(AnalyticsAutoConfiguration.class));

  @AfterEach
  void stopReceiver() {
    receiver.close();
  }

  @Test
  void propertiesBuildAnHttpSinkWithHeadersBatchingAndJoltStepsThatDelivers(CapturedOutput output) {
    runner.withPropertyValues(
            "analytics.directory=" + dir,
            "analytics.durability=sync",
            "analytics.when-full=drop-oldest",
            "analytics.max-disk-size=4MB",
            "analytics.http.endpoint=" + receiver.endpoint(),
            "analytics.http.headers.X-Team=growth",
            "analytics.http.headers.Authorization=Bearer ${{ secrets.AMPLITUDE_API_TOKEN }}",
            "analytics.http.max-batch-records=50",
            "analytics.http.linger=20ms",
            "analytics.http.transforms[0].uses=infinyon/jolt@0.3.0",
            "analytics.http.transforms[0].spec=" + SPEC,
            "analytics.secrets.AMPLITUDE_API_TOKEN=" + SECRET)
        .run(context -> {
          assertThat(context).hasNotFailed().hasSingleBean(Analytics.class);
          // The library serializes with its own Jackson 2 mapper: the starter puts none in the context,
          // so an application's JSON (Jackson 3 on Boot 4) is left as it is.
          assertThat(context).doesNotHaveBean(ObjectMapper.class);
          Analytics analytics = context.getBean(Analytics.class);
          assertThat(analytics.directory()).isEqualTo(dir);
          String id = analytics.emit(Map.of("event_type", "Signed Up", "user_id", "user-00001"));

          Waits.until("the receiver gets the event", () -> !receiver.accepted().isEmpty());
          LoopbackReceiver.Request request = receiver.accepted().get(0);
          assertThat(request.headers).containsEntry("x-team", "growth")
              .containsEntry("authorization", "Bearer " + SECRET);
          JsonNode body = JSON.readTree(request.body);
          assertThat(body.path("api_key").asText()).isEqualTo(SECRET);
          assertThat(body.path("events").get(0).path("event_type").asText()).isEqualTo("Signed Up");
          assertThat(body.path("events").get(0).path("user_id").asText()).isEqualTo("user-00001");
          assertThat(id).isNotBlank();
        });
    assertThat(output.getAll()).doesNotContain(SECRET);
  }

  @Test
  void connectorFileIsReadUnchangedWithItsSecretFromTheEnvironment(CapturedOutput output) throws Exception {
    Path file = dir.resolve("amplitude-connector.yaml");
    Files.copy(Path.of("src/test/resources/amplitude-connector.yaml"), file);
    runner.withPropertyValues(
            "analytics.connector-file=" + file,
            "analytics.directory=" + dir.resolve("logs"),
            "analytics.endpoint=" + receiver.endpoint(),
            "analytics.close-timeout=2s",
            "AMPLITUDE_API_TOKEN=" + SECRET)
        .run(context -> {
          assertThat(context).hasNotFailed();
          Analytics analytics = context.getBean(Analytics.class);
          // The log lives in <analytics.directory>/<meta.topic>.
          assertThat(analytics.directory()).isEqualTo(dir.resolve("logs").resolve("service-events"));
          analytics.emit(Map.of("event_type", "Checkout", "user_id", "user-00002"));
          Waits.until("the receiver gets the event", () -> !receiver.accepted().isEmpty());
          JsonNode body = JSON.readTree(receiver.accepted().get(0).body);
          assertThat(body.path("api_key").asText()).isEqualTo(SECRET);
          assertThat(body.path("events").get(0).path("event_type").asText()).isEqualTo("Checkout");
        });
    assertThat(output.getAll()).doesNotContain(SECRET);
  }

  @Test
  void aUserAnalyticsBeanTakesPrecedenceAndIsClosedWithTheContext() {
    runner.withBean("myAnalytics", Analytics.class,
            () -> Analytics.builder().directory(dir).sink("mine", new RecordingSink()).build())
        .run(context -> {
          // No analytics.http.endpoint: the starter's own bean would have failed to start.
          assertThat(context).hasNotFailed().hasSingleBean(Analytics.class).hasBean("myAnalytics");
          Analytics analytics = context.getBean(Analytics.class);
          context.close();
          assertThatThrownBy(() -> analytics.emit(Map.of("event_type", "late")))
              .isInstanceOf(IllegalStateException.class);
        });
  }

  @Test
  void userSinkAndTransformBeansReplaceTheConfiguredSinkAndSteps() {
    runner.withUserConfiguration(SinkAndTransforms.class)
        .withPropertyValues("analytics.directory=" + dir)
        .run(context -> {
          assertThat(context).hasNotFailed();
          RecordingSink sink = context.getBean(RecordingSink.class);
          context.getBean(Analytics.class).emit(Map.of("event_type", "Opened"));
          Waits.until("the Sink bean gets the record", () -> !sink.delivered().isEmpty());
          JsonNode value = sink.delivered().get(0).value();
          // Transforms run in @Order: first adds "first", then second sees it.
          assertThat(value.path("event").path("event_type").asText()).isEqualTo("Opened");
          assertThat(value.path("first").asBoolean()).isTrue();
          assertThat(value.path("secondSawFirst").asBoolean()).isTrue();
        });
  }

  @Test
  void librarySettingsArePassedToTheBuilder() {
    runner.withUserConfiguration(SinkAndTransforms.class)
        .withPropertyValues("analytics.directory=" + dir, "analytics.max-record-size=1KB",
            "analytics.max-disk-size=1MB", "analytics.segment-size=256KB", "analytics.when-full=drop-newest",
            "analytics.durability=periodic", "analytics.sync-interval=50ms", "analytics.block-timeout=0s",
            "analytics.retry-backoff-min=10ms", "analytics.retry-backoff-max=1s")
        .run(context -> {
          assertThat(context).hasNotFailed();
          Analytics analytics = context.getBean(Analytics.class);
          // max-record-size is observable: a 2 KB event is refused with the library's message.
          assertThatThrownBy(() -> analytics.emit(Map.of("big", "x".repeat(2048))))
              .isInstanceOf(IllegalArgumentException.class);
          assertThat(analytics.emit(Map.of("small", "ok"))).isNotBlank();
          AnalyticsProperties properties = context.getBean(AnalyticsProperties.class);
          assertThat(properties.getWhenFull()).isEqualTo(WhenFull.DROP_NEWEST);
          assertThat(properties.getDurability()).isEqualTo(Durability.PERIODIC);
        });
  }

  @Test
  void disabledByPropertyCreatesNothing() {
    runner.withPropertyValues("analytics.enabled=false")
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(Analytics.class));
  }

  @Test
  void defaultsInTheMetadataMatchTheHttpSink() {
    AnalyticsProperties.Http http = new AnalyticsProperties().getHttp();
    assertThat(http.getMaxBatchRecords()).isEqualTo(HttpSink.DEFAULT_MAX_BATCH_RECORDS);
    assertThat(http.getMaxInFlight()).isEqualTo(HttpSink.DEFAULT_MAX_IN_FLIGHT);
    assertThat(http.getMaxConcurrentRequests()).isEqualTo(HttpSink.DEFAULT_MAX_CONCURRENT_REQUESTS);
    assertThat(http.getMaxAttempts()).isEqualTo(HttpSink.DEFAULT_MAX_ATTEMPTS);
    HttpSink sink = HttpSink.builder().endpoint("http://127.0.0.1:9/").build();
    try {
      assertThat(http.isAdaptiveConcurrency()).isEqualTo(sink.adaptiveConcurrency());
    } finally {
      sink.close();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class SinkAndTransforms {
    @Bean
    RecordingSink recording() {
      return new RecordingSink();
    }

    @Bean
    @Order(2)
    Transform second() {
      return value -> ((com.fasterxml.jackson.databind.node.ObjectNode) value.deepCopy())
          .put("secondSawFirst", value.path("first").asBoolean());
    }

    @Bean
    @Order(1)
    Transform first() {
      return value -> ((com.fasterxml.jackson.databind.node.ObjectNode) value.deepCopy()).put("first", true);
    }
  }

}
