package dev.analytics.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.analytics.http.testing.HttpTesting.API_KEY;
import static dev.analytics.http.testing.HttpTesting.seedRecords;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import dev.analytics.http.testing.HttpTesting.LogCapture;
import dev.analytics.http.testing.HttpTesting.RecordingContext;
import dev.analytics.http.testing.HttpTesting.RecordingScheduler;
import dev.analytics.spi.Outcome;
import dev.analytics.spi.Secrets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** No credential reaches a log line, a fault message or a rejection reason, whatever the server echoes. */
class SecretsInLogsTest {
  static final String TOKEN = "tok-9f8e7d6c5b4a";
  static final String DECLARED = "declared-secret-value-42";

  @Test
  void noSecretInAnyLogLineOrMessage() throws Exception {
    WireMockServer server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    server.start();
    RecordingScheduler scheduler = new RecordingScheduler();
    RecordingContext context = new RecordingContext();
    Secrets secrets = Secrets.resolve(List.of("X"), name -> Optional.of(DECLARED));
    List<Outcome> outcomes = new ArrayList<>();
    try (LogCapture logs = new LogCapture()) {
      String echo = "{\"error\":\"Invalid API key: " + API_KEY + " with Bearer " + TOKEN + " and " + DECLARED + "\"}";
      HttpSink.Builder base = HttpSink.builder()
          .endpoint("http://127.0.0.1:" + server.port() + "/2/httpapi")
          .header("Authorization", "Bearer " + TOKEN)
          .header("X-Api-Key", DECLARED)
          .secrets(secrets)
          .scheduler(scheduler)
          .backoff(Duration.ofMillis(1), Duration.ofMillis(5));
      for (AmplitudeMode mode : new AmplitudeMode[] {AmplitudeMode.ON, AmplitudeMode.OFF}) {
        HttpSink sink = base.amplitude(mode).build();
        sink.open(context);
        for (int status : new int[] {400, 401, 403, 404, 413, 429, 500}) {
          server.resetAll();
          server.stubFor(post(urlEqualTo("/2/httpapi")).willReturn(aResponse().withStatus(status).withBody(echo)));
          outcomes.addAll(sink.send(seedRecords(2)).toCompletableFuture().get(10, TimeUnit.SECONDS));
        }
        server.resetAll();
        server.stubFor(post(urlEqualTo("/2/httpapi")).willReturn(aResponse().withFault(Fault.RANDOM_DATA_THEN_CLOSE)));
        outcomes.addAll(sink.send(seedRecords(2)).toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertThat(sink.redact("Bearer " + TOKEN + " / " + DECLARED + " / " + API_KEY))
            .doesNotContain(TOKEN).doesNotContain(DECLARED);
        sink.close();
      }
      assertThat(logs.lines).isNotEmpty();
      assertThat(logs.lines).anySatisfy(l -> assertThat(l).contains("Invalid API key"));
      for (String line : logs.lines) {
        assertThat(line).doesNotContain(TOKEN).doesNotContain(DECLARED).doesNotContain(API_KEY);
      }
    } finally {
      server.stop();
      scheduler.shutdownNow();
    }
    assertThat(context.faults).isNotEmpty();
    for (String fault : context.faults) {
      assertThat(fault).doesNotContain(TOKEN).doesNotContain(DECLARED).doesNotContain(API_KEY);
    }
    assertThat(outcomes).anySatisfy(o -> assertThat(o.kind()).isEqualTo(Outcome.Kind.REJECTED));
    for (Outcome o : outcomes) {
      assertThat(o.reason().orElse("")).doesNotContain(TOKEN).doesNotContain(DECLARED).doesNotContain(API_KEY);
    }
  }

  @Test
  void credentialHeadersAreRecognised() {
    for (String name : new String[] {"Authorization", "Proxy-Authorization", "X-Api-Key", "X-Auth-Token", "Cookie"}) {
      assertThat(HttpSink.isCredentialHeader(name)).as(name).isTrue();
    }
    assertThat(HttpSink.isCredentialHeader("Content-Type")).isFalse();
  }
}
