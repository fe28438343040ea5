package dev.analytics.http.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the interceptors pass along: the planned request, the body bytes as they will go on the wire,
 * and the headers (configured ones, {@code User-Agent}, and any a link adds).
 */
record Call(Request request, byte[] body, List<Map.Entry<String, String>> headers) {
  Call {
    headers = List.copyOf(headers);
  }

  /** This call with another body and one more header. */
  Call with(byte[] newBody, String name, String value) {
    List<Map.Entry<String, String>> h = new ArrayList<>(headers);
    h.add(Map.entry(name, value));
    return new Call(request, newBody, h);
  }
}
