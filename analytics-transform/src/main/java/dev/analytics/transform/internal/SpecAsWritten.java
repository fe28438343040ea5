package dev.analytics.transform.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.analytics.spi.Secrets;
import dev.analytics.transform.internal.json.SpecError;
import java.util.Iterator;
import java.util.Map;

/**
 * Tells a spec error about the spec as the user wrote it, before {@code ${{ secrets.NAME }}} references
 * were rendered. A message that quoted the rendered string, or an offset counted in it, would give away
 * a secret's text or its length; this one quotes the string with its references and counts offsets
 * there, and leaves out the reason when the offset falls inside a rendered value.
 */
public final class SpecAsWritten {
  private static final String OPEN = "${{";
  private static final String CLOSE = "}}";

  private SpecAsWritten() {}

  /**
   * @param written the chain entry as written, whose rendering gave the spec that failed
   * @return the error's message about the string as written; unchanged if that string had no reference
   */
  public static String message(SpecError error, JsonNode written, Secrets secrets) {
    if (error.text() == null) return error.getMessage();
    String template = find(written, error.text(), secrets);
    if (template == null) return error.getMessage();
    if (error.position() < 0) return error.messageAsWritten(template, -1, true);
    return locate(template, error, secrets);
  }

  /** A key or string value of {@code node} holding a reference and rendering to {@code rendered}. */
  private static String find(JsonNode node, String rendered, Secrets secrets) {
    if (node.isTextual()) return renders(node.textValue(), rendered, secrets) ? node.textValue() : null;
    if (node.isArray()) {
      for (JsonNode element : node) {
        String found = find(element, rendered, secrets);
        if (found != null) return found;
      }
    } else if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (renders(e.getKey(), rendered, secrets)) return e.getKey();
        String found = find(e.getValue(), rendered, secrets);
        if (found != null) return found;
      }
    }
    return null;
  }

  private static boolean renders(String template, String rendered, Secrets secrets) {
    return Secrets.hasReference(template) && secrets.render(template).equals(rendered);
  }

  /** Walks the template and its rendering side by side up to the error's offset. */
  private static String locate(String template, SpecError error, Secrets secrets) {
    int target = error.position();
    int rendered = 0;
    int t = 0;
    while (t < template.length() && rendered < target) {
      int end = referenceEnd(template, t);
      if (end < 0) {
        t++;
        rendered++;
        continue;
      }
      int valueLength = secrets.render(template.substring(t, end)).length();
      if (target < rendered + valueLength) return error.messageAsWritten(template, t, false);
      rendered += valueLength;
      t = end;
    }
    // The offset is at a character written as such, or at the start of a reference whose value's first
    // character the reason would quote; references rendered empty stand for nothing.
    for (int end = referenceEnd(template, t); end >= 0; end = referenceEnd(template, t)) {
      if (!secrets.render(template.substring(t, end)).isEmpty()) return error.messageAsWritten(template, t, false);
      t = end;
    }
    return error.messageAsWritten(template, t, true);
  }

  /** The end of the reference that starts at {@code i}, or -1 if none starts there. */
  private static int referenceEnd(String template, int i) {
    if (!template.startsWith(OPEN, i)) return -1;
    int close = template.indexOf(CLOSE, i + OPEN.length());
    if (close < 0) return -1;
    String candidate = template.substring(i, close + CLOSE.length());
    // A reference ends at the first "}}" (a name holds no '}'); it starts here if it is not a later one.
    return Secrets.hasReference(candidate) && !Secrets.hasReference(candidate.substring(1))
        ? close + CLOSE.length()
        : -1;
  }
}
