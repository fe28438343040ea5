package dev.analytics.spring;

import dev.analytics.http.RequestListener;
import java.util.List;

/**
 * Tells every {@link RequestListener} bean of each HTTP exchange, in order; one that throws is logged and
 * cannot keep the others (the starter's meters among them) from hearing it.
 */
final class RequestListeners implements RequestListener {
  private final List<RequestListener> listeners;

  private RequestListeners(List<RequestListener> listeners) {
    this.listeners = listeners;
  }

  static RequestListener of(List<RequestListener> listeners) {
    if (listeners.isEmpty()) return RequestListener.NONE;
    if (listeners.size() == 1) return listeners.get(0);
    return new RequestListeners(List.copyOf(listeners));
  }

  @Override
  public void onExchange(Exchange exchange) {
    CompositeListener.tellEach(listeners, listener -> listener.onExchange(exchange), "analytics request listener");
  }
}
