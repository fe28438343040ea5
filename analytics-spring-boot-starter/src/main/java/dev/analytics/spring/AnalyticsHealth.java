package dev.analytics.spring;

import dev.analytics.Analytics;
import dev.analytics.Stats;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * The health of an {@link Analytics} instance, independent of Actuator's types: DOWN while a sink is held
 * by a configuration fault, the configured stale status while the oldest queued record has waited longer
 * than the threshold, else UP; details with the queue and the counters.
 */
final class AnalyticsHealth {
  static final String DOWN = "DOWN";
  static final String UP = "UP";

  private final Analytics analytics;
  private final SinkFaultTracker faults;
  private final Duration maxQueueAge;
  private final String staleStatus;

  /**
   * The assessment of {@code analytics} with the {@code analytics.health.*} settings, checked here so both
   * Actuator generations reject a bad one the same way.
   */
  static AnalyticsHealth from(Analytics analytics, SinkFaultTracker faults, AnalyticsProperties properties) {
    AnalyticsProperties.Health health = properties.getHealth();
    if (health.getStaleStatus() == null || health.getStaleStatus().isBlank()) {
      throw new InvalidConfigurationPropertyValueException("analytics.health.stale-status",
          health.getStaleStatus(), "required: a status code such as OUT_OF_SERVICE or DOWN");
    }
    if (health.getMaxQueueAge() != null && health.getMaxQueueAge().isNegative()) {
      throw new InvalidConfigurationPropertyValueException("analytics.health.max-queue-age",
          health.getMaxQueueAge(), "must not be negative");
    }
    return new AnalyticsHealth(analytics, faults, health.getMaxQueueAge(), health.getStaleStatus().trim());
  }

  AnalyticsHealth(Analytics analytics, SinkFaultTracker faults, Duration maxQueueAge, String staleStatus) {
    this.analytics = analytics;
    this.faults = faults;
    this.maxQueueAge = maxQueueAge;
    this.staleStatus = staleStatus;
  }

  /** A status code and its details, in the order they are shown. */
  static final class Assessment {
    final String status;
    final Map<String, Object> details;

    Assessment(String status, Map<String, Object> details) {
      this.status = status;
      this.details = details;
    }
  }

  Assessment assess() {
    Stats stats = analytics.stats();
    Map<String, String> held = faults == null ? Map.of() : faults.heldSinks();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("queuedRecords", stats.queuedRecords());
    details.put("queuedBytes", stats.queuedBytes());
    details.put("oldestQueuedAge", stats.oldestQueuedAge().toString());
    details.put("deadLettered", stats.deadLettered());
    details.put("dropped", stats.dropped());
    details.put("storageErrors", stats.storageErrors());
    String status = UP;
    if (!held.isEmpty()) {
      status = DOWN;
      details.put("sinkFaults", held);
    } else if (maxQueueAge != null && stats.oldestQueuedAge().compareTo(maxQueueAge) > 0) {
      status = staleStatus;
      details.put("reason", "the oldest queued record has waited " + stats.oldestQueuedAge()
          + ", more than analytics.health.max-queue-age " + maxQueueAge);
    }
    return new Assessment(status, details);
  }
}
