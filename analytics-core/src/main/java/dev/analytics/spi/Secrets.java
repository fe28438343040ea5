package dev.analytics.spi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A resolved set of declared secrets, held in memory only: renders {@code ${{ secrets.NAME }}}
 * references in text and masks the values in anything that may be logged or stored.
 *
 * <pre>{@code
 * Secrets secrets = Secrets.resolve(List.of("AMPLITUDE_API_TOKEN"), SecretProvider.environment());
 * String spec = secrets.render(specTemplate);
 * }</pre>
 *
 * <p>Messages name secrets, never their values.
 */
public final class Secrets {
  /** Names: ASCII letters, digits and {@code _}, not starting with a digit. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  /** Whitespace inside the braces is free: {@code ${{secrets.X}}} works too. */
  private static final Pattern REFERENCE = Pattern.compile("\\$\\{\\{\\s*secrets\\.([^}\\s]*)\\s*}}");

  private static final String MASK = "****";

  private static final Secrets NONE = new Secrets(Map.of());

  private final Map<String, String> values;

  private Secrets(Map<String, String> values) {
    this.values = values;
  }

  /** No declared secrets: any reference fails to render. */
  public static Secrets none() {
    return NONE;
  }

  /**
   * Resolves every declared name now.
   *
   * @throws IllegalArgumentException if a name is malformed or has no value or an empty one (even if unused)
   */
  public static Secrets resolve(Collection<String> declared, SecretProvider provider) {
    Objects.requireNonNull(declared, "declared == null");
    Objects.requireNonNull(provider, "provider == null");
    Map<String, String> values = new LinkedHashMap<>();
    for (String name : declared) {
      Objects.requireNonNull(name, "secret name == null");
      if (!NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "invalid secret name \"" + name + "\": use ASCII letters, digits and _, not starting with a digit");
      }
      String value = provider.get(name).orElseThrow(
          () -> new IllegalArgumentException("secret " + name + " is declared but has no value"));
      // An empty value would render requests that fail later, far from the cause (and cannot be masked).
      if (value.isEmpty()) throw new IllegalArgumentException("secret " + name + " is declared but its value is empty");
      values.put(name, value);
    }
    return new Secrets(values);
  }

  /** True if {@code text} contains at least one {@code ${{ secrets.X }}} reference. */
  public static boolean hasReference(String text) {
    return REFERENCE.matcher(text).find();
  }

  /**
   * Replaces every {@code ${{ secrets.NAME }}} in {@code template} with its value (plain text).
   *
   * @throws IllegalArgumentException naming the secret and its line if it is not declared
   */
  public String render(String template) {
    return render(template, true);
  }

  /**
   * A copy of {@code node} with the references in its string values rendered, and in its object keys
   * too if {@code keys}; subtrees without references are shared, never copied needlessly.
   *
   * @throws IllegalArgumentException naming an undeclared secret, or a key that rendering made a duplicate
   */
  public JsonNode render(JsonNode node, boolean keys) {
    if (node.isTextual()) {
      String text = node.textValue();
      return hasReference(text) ? JsonNodeFactory.instance.textNode(render(text, false)) : node;
    }
    if (node.isObject()) {
      ObjectNode copy = JsonNodeFactory.instance.objectNode();
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String key = keys && hasReference(e.getKey()) ? render(e.getKey(), false) : e.getKey();
        if (copy.has(key)) throw new IllegalArgumentException("duplicate key after rendering secrets");
        copy.set(key, render(e.getValue(), keys));
      }
      return copy;
    }
    if (node.isArray()) {
      ArrayNode copy = JsonNodeFactory.instance.arrayNode(node.size());
      for (JsonNode element : node) copy.add(render(element, keys));
      return copy;
    }
    return node;
  }

  /** {@code withLine}: name the line of a multi-line text; a single value has only one. */
  private String render(String template, boolean withLine) {
    Matcher m = REFERENCE.matcher(template);
    StringBuilder out = new StringBuilder(template.length());
    while (m.find()) {
      String name = m.group(1);
      String value = values.get(name);
      if (value == null) {
        throw new IllegalArgumentException(
            (withLine ? "line " + lineOf(template, m.start()) + ": " : "") + "secret \"" + name
                + "\" is not declared (declared: " + values.keySet() + ")");
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** Masks every secret value found in {@code text}. */
  public String redact(String text) {
    if (text == null) return null;
    String result = text;
    for (String value : values.values()) {
      if (!value.isEmpty()) result = result.replace(value, MASK);
    }
    return result;
  }

  /** The declared names. */
  public java.util.Set<String> names() {
    return values.keySet();
  }

  private static int lineOf(String text, int index) {
    int line = 1;
    for (int i = 0; i < index; i++) if (text.charAt(i) == '\n') line++;
    return line;
  }

  @Override
  public String toString() {
    return "Secrets" + values.keySet();
  }
}
