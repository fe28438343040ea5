package dev.analytics.http.internal;

import dev.analytics.spi.Sink;
import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Tells the core (and the log) that the sink holds records for a reason outside them, and when that is
 * over. Two kinds: a configuration fault (credentials, endpoint, redirects), reported on every answer
 * that shows it (the core logs it loudly once and relays each report to the listener), and an endpoint
 * incident (413 for records within the size limit), reported once per incident.
 */
final class Faults {
  private static final Sink.Context NO_CONTEXT = new Sink.Context() {
    @Override
    public String name() {
      return "http-sink";
    }

    @Override
    public void reportFault(String message) {}

    @Override
    public void clearFault() {}
  };

  private final String name;
  private final AtomicBoolean configuration = new AtomicBoolean();
  private final AtomicBoolean incident = new AtomicBoolean();
  private volatile Sink.Context context = NO_CONTEXT;

  Faults(String name) {
    this.name = name;
  }

  void open(Sink.Context context) {
    this.context = context == null ? NO_CONTEXT : context;
  }

  /**
   * A configuration fault; {@code safeMessage} is already redacted. The core logs it (once when it
   * starts, a summary a minute, once when it ends): logged here at DEBUG only, not twice.
   */
  void configuration(String safeMessage) {
    configuration.set(true);
    Delivery.LOG.log(Level.DEBUG, "{0}: configuration fault, holding records: {1}", name, safeMessage);
    report(safeMessage);
  }

  /** A request succeeded: a configuration fault, if any, is over. */
  void configurationCleared() {
    if (configuration.compareAndSet(true, false)) {
      Delivery.LOG.log(Level.DEBUG, "{0}: requests succeed again; fault cleared", name);
      clearIfNone();
    }
  }

  /** The endpoint refuses records it should take; reported and logged only at the incident's start. */
  void incident(String safeMessage) {
    if (!incident.compareAndSet(false, true)) return;
    Delivery.LOG.log(Level.WARNING, "{0}: endpoint fault, holding records: {1}", name, safeMessage);
    report(safeMessage);
  }

  /** The incident is over: nothing is held for it any more. */
  void incidentCleared() {
    if (incident.compareAndSet(true, false)) {
      Delivery.LOG.log(Level.INFO, "{0}: the endpoint takes the held records again; fault cleared", name);
      clearIfNone();
    }
  }

  private void report(String safeMessage) {
    try {
      context.reportFault(safeMessage);
    } catch (RuntimeException e) {
      Delivery.LOG.log(Level.WARNING, "{0}: reportFault threw {1}", name, e.toString());
    }
  }

  private void clearIfNone() {
    if (configuration.get() || incident.get()) return;
    try {
      context.clearFault();
    } catch (RuntimeException e) {
      Delivery.LOG.log(Level.WARNING, "{0}: clearFault threw {1}", name, e.toString());
    }
  }
}
