package dev.analytics.http.internal;

import dev.analytics.spi.Secrets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Masks, in every message the sink produces, the declared secrets, the values of credential headers
 * and the API keys seen in bodies (servers echo them back in error messages).
 */
public final class Redactor {
  private static final int MAX_LEARNED_KEYS = 32;
  private static final String MASK = "****";

  private final Secrets secrets;
  private final List<String> credentialValues = new ArrayList<>();
  /** Credentials seen in bodies, most recently used last; the oldest are forgotten beyond MAX_LEARNED_KEYS. */
  private final Map<String, Boolean> learnedKeys = Collections.synchronizedMap(
      new LinkedHashMap<String, Boolean>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
          return size() > MAX_LEARNED_KEYS;
        }
      });

  /** Masks {@code secrets}, the values of credential headers among {@code headers}, and {@code values}. */
  public Redactor(Secrets secrets, List<Map.Entry<String, String>> headers, List<String> values) {
    this.secrets = secrets;
    for (Map.Entry<String, String> h : headers) {
      if (isCredentialName(h.getKey()) && !h.getValue().isBlank()) {
        credentialValues.add(h.getValue().trim());
        // "Bearer abc": the token alone may show up in an echoed message too.
        String[] words = h.getValue().trim().split("\\s+");
        if (words.length > 1 && words[words.length - 1].length() >= 4) credentialValues.add(words[words.length - 1]);
      }
    }
    for (String v : values) {
      if (!v.isEmpty()) credentialValues.add(v);
    }
  }

  /** Header or field names whose values are credentials: never logged, always masked. */
  public static boolean isCredentialName(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.equals("authorization") || n.equals("proxy-authorization") || n.equals("cookie")
        || n.contains("key") || n.contains("token") || n.contains("secret") || n.contains("auth")
        || n.contains("password") || n.contains("signature") || n.contains("session");
  }

  /**
   * Remembers a credential found in a body. Very short values would mask unrelated text; the set is
   * bounded so a stream of distinct keys cannot grow memory, and the keys of the requests being sent
   * are always the most recent, so an error response echoing one is masked even after many rotations.
   */
  void learn(String key) {
    if (key.length() >= 4) learnedKeys.put(key, Boolean.TRUE);
  }

  /** {@code text} with every known secret replaced by {@code ****}; null stays null. */
  public String redact(String text) {
    if (text == null) return null;
    String result = secrets.redact(text);
    for (String v : credentialValues) result = result.replace(v, MASK);
    List<String> keys;
    synchronized (learnedKeys) {
      keys = new ArrayList<>(learnedKeys.keySet());
    }
    for (String v : keys) result = result.replace(v, MASK);
    return result;
  }
}
