package dev.analytics.spring;

import dev.analytics.Analytics;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;

/**
 * Closes the context's {@link Analytics} beans when the application shuts down, after the web server.
 *
 * <p>Spring stops lifecycle beans from the highest phase to the lowest. Spring Boot's
 * {@code WebServerGracefulShutdownLifecycle} runs at {@code DEFAULT_PHASE - 1024}: it stops accepting
 * requests and waits for the in-flight ones ({@code server.shutdown=graceful}); the web server itself
 * stops at {@code DEFAULT_PHASE - 2048}. {@value #PHASE_OFFSET} below the default phase, this bean stops
 * after both, so an event emitted by the last in-flight request is still accepted, and then
 * {@link Analytics#close()} flushes for {@code analytics.close-timeout} and leaves the rest on disk for the
 * next start. Message listeners and schedulers at the default phase have stopped before it too. It starts
 * before the web server, though the instance already runs from its creation as a bean.
 *
 * <p>{@code stop()} is synchronous: Spring's {@code spring.lifecycle.timeout-per-shutdown-phase} does not
 * cut the close short; {@code close-timeout} bounds it.
 */
final class AnalyticsLifecycle implements SmartLifecycle {
  static final int PHASE_OFFSET = 4096;
  static final int PHASE = SmartLifecycle.DEFAULT_PHASE - PHASE_OFFSET;
  private static final Log LOG = LogFactory.getLog(AnalyticsLifecycle.class);

  private final ObjectProvider<Analytics> analytics;
  private volatile boolean running;

  AnalyticsLifecycle(ObjectProvider<Analytics> analytics) {
    this.analytics = analytics;
  }

  @Override
  public void start() {
    running = true;
  }

  @Override
  public void stop() {
    running = false;
    analytics.orderedStream().forEach(instance -> {
      try {
        instance.close(); // idempotent: the bean's destroy method calls it again, harmlessly
      } catch (RuntimeException e) {
        LOG.warn("analytics: closing " + instance.directory() + " failed; undelivered events stay on disk", e);
      }
    });
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }
}
