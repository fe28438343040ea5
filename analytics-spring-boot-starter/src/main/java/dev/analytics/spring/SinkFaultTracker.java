package dev.analytics.spring;

import dev.analytics.spi.Listener;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers which sinks are held by a configuration fault (401/403, an invalid API key, a wrong endpoint),
 * from {@link Listener#onSinkFault} until {@link Listener#onSinkFaultCleared}: the health indicator reports
 * DOWN while any is. The starter adds it to the listener of the {@link dev.analytics.Analytics} it builds;
 * an application that builds its own passes this bean to {@code Analytics.Builder.listener}, alone or
 * beside its own listener.
 */
public final class SinkFaultTracker implements Listener {
  private final Map<String, String> held = new ConcurrentHashMap<>();

  @Override
  public void onSinkFault(String sink, String message) {
    // The core masks secrets in fault messages before any listener sees them.
    held.put(sink, message == null ? "configuration fault" : message);
  }

  @Override
  public void onSinkFaultCleared(String sink) {
    held.remove(sink);
  }

  /** The sinks held now, by name, with the fault's message; sorted by name. */
  public Map<String, String> heldSinks() {
    return new TreeMap<>(held);
  }

  @Override
  public String toString() {
    return "SinkFaultTracker" + held.keySet();
  }
}
