package dev.analytics.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.analytics.Analytics;
import dev.analytics.testing.AmplitudeReceiver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestExecutionListeners;
import org.springframework.test.context.support.DependencyInjectionTestExecutionListener;
import org.springframework.test.context.support.DirtiesContextTestExecutionListener;

/**
 * The example application under load, shut down gracefully mid-stream while the receiver is down: every
 * request that completed had its event accepted, and every such event is delivered, by the first context
 * or, from the same directory, by a restarted one.
 */
@SpringBootTest(
    classes = ShopApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"server.shutdown=graceful", "server.address=127.0.0.1", "analytics.close-timeout=1s",
        "spring.lifecycle.timeout-per-shutdown-phase=20s"})
// The test closes its own context: only the listeners that inject and then discard it, none that would
// publish events to it after it is closed.
@TestExecutionListeners(
    listeners = {DependencyInjectionTestExecutionListener.class, DirtiesContextTestExecutionListener.class},
    mergeMode = TestExecutionListeners.MergeMode.REPLACE_DEFAULTS)
@DirtiesContext
class GracefulShutdownTest {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");
  private static final AmplitudeReceiver RECEIVER = AmplitudeReceiver.create(ShopApplication.DEMO_KEY).start();

  @TempDir static Path directory;

  @LocalServerPort int port;
  @Autowired ConfigurableApplicationContext context;
  @Autowired Analytics analytics;

  @DynamicPropertySource
  static void analyticsProperties(DynamicPropertyRegistry registry) {
    registry.add("analytics.directory", () -> directory.toString());
    registry.add("analytics.http.endpoint", () -> RECEIVER.endpoint().toString());
    registry.add("analytics.http.amplitude", () -> "on");
    registry.add("analytics.secrets.AMPLITUDE_API_TOKEN", () -> ShopApplication.DEMO_KEY);
  }

  @AfterAll
  static void stopReceiver() {
    RECEIVER.close();
  }

  @Test
  void shutdownMidStreamLosesNoEventOfACompletedRequest() throws Exception {
    assertAnalyticsStopsAfterTheWebServer();

    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    Set<String> completed = ConcurrentHashMap.newKeySet();
    AtomicLong completedAfterShutdownBegan = new AtomicLong();
    AtomicBoolean shuttingDown = new AtomicBoolean();
    List<String> refused = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<Thread> clients = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int thread = t;
      clients.add(new Thread(() -> {
        for (int n = 0; n < 10_000; n++) {
          HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                  + "/checkout?user=user-" + thread + "-" + n + "&cents=" + n + "&workMillis=40"))
              .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(15)).build();
          try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
              refused.add(response.statusCode() + " " + response.body());
              return;
            }
            Matcher m = ID.matcher(response.body());
            assertThat(m.find()).as(response.body()).isTrue();
            completed.add(m.group(1));
            if (shuttingDown.get()) completedAfterShutdownBegan.incrementAndGet();
          } catch (java.io.IOException e) {
            return; // connection refused or closed: the server has stopped
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
      }, "client-" + t));
    }
    clients.forEach(Thread::start);

    waitFor("some events delivered", () -> completed.size() >= 40 && RECEIVER.events().size() >= 10, clients);
    RECEIVER.stop(); // an outage: from now on events queue on disk
    int beforeOutage = completed.size();
    waitFor("requests completed during the outage", () -> completed.size() >= beforeOutage + 40, clients);

    shuttingDown.set(true);
    context.close(); // graceful: in-flight requests finish, then the web server stops, then Analytics closes
    for (Thread c : clients) c.join(DEADLINE.toMillis());
    assertThat(clients).noneMatch(Thread::isAlive);
    assertThat(completedAfterShutdownBegan.get()).as("requests in flight when shutdown began still emitted")
        .isPositive();
    // A stopping server refuses connections; it never answers an accepted request with an error, as it
    // would if emit() threw because Analytics had closed before the web server.
    assertThat(refused).isEmpty();
    long queuedAtClose = analytics.stats().queuedRecords();
    assertThat(queuedAtClose).as("the outage left events queued on disk").isPositive();

    // Restart on the same directory with the receiver back: the queued events are delivered.
    RECEIVER.start();
    // Command-line arguments: they take precedence over application.yml, as the test's properties do.
    try (ConfigurableApplicationContext restarted = new SpringApplicationBuilder(ShopApplication.class).run(
        "--server.port=0", "--server.address=127.0.0.1",
        "--analytics.directory=" + directory,
        "--analytics.http.endpoint=" + RECEIVER.endpoint(),
        "--analytics.http.amplitude=on",
        "--analytics.secrets.AMPLITUDE_API_TOKEN=" + ShopApplication.DEMO_KEY)) {
      assertThat(restarted.getBean(Analytics.class).directory()).isEqualTo(directory);
      waitFor("every completed request's event delivered", () -> delivered().containsAll(completed), List.of());
    }
    assertThat(delivered()).containsAll(completed);
    assertThat(completed.size()).isGreaterThanOrEqualTo(80);
    System.out.printf("graceful shutdown: %d requests completed, %d of them after shutdown began, %d queued at"
        + " close, %d distinct events delivered%n", completed.size(), completedAfterShutdownBegan.get(),
        queuedAtClose, delivered().size());
  }

  /** Spring Boot's own lifecycle beans of the web server stop before the starter's. */
  private void assertAnalyticsStopsAfterTheWebServer() {
    Map<String, SmartLifecycle> lifecycles = context.getBeansOfType(SmartLifecycle.class);
    int analyticsPhase = lifecycles.get("analyticsLifecycle").getPhase();
    assertThat(lifecycles).containsKeys("webServerGracefulShutdown", "webServerStartStop");
    assertThat(analyticsPhase).isLessThan(lifecycles.get("webServerGracefulShutdown").getPhase())
        .isLessThan(lifecycles.get("webServerStartStop").getPhase());
  }

  private static Set<String> delivered() {
    return RECEIVER.events().stream().map(e -> e.path("insert_id")).filter(JsonNode::isTextual)
        .map(JsonNode::asText).collect(Collectors.toSet());
  }

  /** Polls until {@code condition}; fails at the deadline, or at once if every one of {@code clients} has quit. */
  private static void waitFor(String what, BooleanSupplier condition, List<Thread> clients) throws InterruptedException {
    long end = System.nanoTime() + DEADLINE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) throw new AssertionError("timed out after " + DEADLINE + " waiting for " + what);
      if (!clients.isEmpty() && clients.stream().noneMatch(Thread::isAlive)) {
        throw new AssertionError("every client quit (a request failed) before " + what);
      }
      Thread.sleep(20);
    }
  }
}
