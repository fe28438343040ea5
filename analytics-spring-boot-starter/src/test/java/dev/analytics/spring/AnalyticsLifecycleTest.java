package dev.analytics.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.analytics.Analytics;
import dev.analytics.testing.RecordingSink;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The instance is closed after the lifecycle beans of the web server's phases have stopped. */
class AnalyticsLifecycleTest {
  /** Spring Boot's web server start/stop lifecycle phase, the lower of the two web server phases. */
  static final int WEB_SERVER_PHASE = SmartLifecycle.DEFAULT_PHASE - 2048;

  @TempDir Path dir;

  @Test
  void anEventEmittedWhileTheWebServerStopsIsAcceptedAndDeliveredByTheClose() {
    AtomicReference<Object> emittedAtStop = new AtomicReference<>();
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(AnalyticsAutoConfiguration.class))
        .withUserConfiguration(FakeWebServer.class)
        .withBean(AtomicReference.class, () -> emittedAtStop)
        // close() returns as soon as the event is delivered: the timeout is only how long a busy machine may take.
        .withPropertyValues("analytics.directory=" + dir, "analytics.close-timeout=20s")
        .run(context -> {
          RecordingSink sink = context.getBean(RecordingSink.class);
          Analytics analytics = context.getBean(Analytics.class);
          context.close();
          assertThat(emittedAtStop.get()).as("emit() during the web server's stop").isInstanceOf(String.class);
          // close() flushed before returning: the last request's event was delivered.
          assertThat(sink.deliveredIds()).contains((String) emittedAtStop.get());
          assertThat(analytics.stats().queuedRecords()).isZero();
        });
  }

  @Test
  void thePhaseIsBelowTheWebServerPhases() {
    assertThat(AnalyticsLifecycle.PHASE).isLessThan(WEB_SERVER_PHASE);
  }

  @Configuration(proxyBeanMethods = false)
  static class FakeWebServer {
    @Bean
    RecordingSink recording() {
      return new RecordingSink();
    }

    /** Stands for the web server: its last in-flight request emits while it stops. */
    @Bean
    SmartLifecycle fakeWebServer(ObjectProvider<Analytics> analytics, AtomicReference<Object> emittedAtStop) {
      return new SmartLifecycle() {
        private volatile boolean running;

        @Override
        public void start() {
          running = true;
        }

        @Override
        public void stop() {
          try {
            emittedAtStop.set(analytics.getObject().emit(Map.of("event_type", "Last request")));
          } catch (RuntimeException e) {
            emittedAtStop.set(e);
          }
          running = false;
        }

        @Override
        public boolean isRunning() {
          return running;
        }

        @Override
        public int getPhase() {
          return WEB_SERVER_PHASE;
        }
      };
    }
  }
}
