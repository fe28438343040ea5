package dev.analytics.connector.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * A YAML document read into a Jackson tree together with the line of every key path, so that errors
 * can say "meta.topic (line 6)". Jackson's own tree drops positions, hence this small reader. It also
 * rejects what the tree reader would silently accept: duplicate keys (last one wins in Jackson, an
 * error in YAML) and aliases (Jackson's tree would keep the alias name as a string).
 */
public final class YamlDocument {
  private static final YAMLFactory FACTORY = new YAMLFactory();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final JsonNode root;
  private final Map<String, Integer> lines;

  private YamlDocument(JsonNode root, Map<String, Integer> lines) {
    this.root = root;
    this.lines = lines;
  }

  /**
   * @return the document; its root is {@code null} when the text holds no document at all
   * @throws IllegalArgumentException with the line on a syntax error, a duplicate key, an alias or a second
   *     document
   */
  public static YamlDocument parse(String text, Problems problems) {
    Map<String, Integer> lines = new HashMap<>();
    try (JsonParser parser = FACTORY.createParser(text)) {
      JsonToken first = parser.nextToken();
      if (first == null) return new YamlDocument(null, lines);
      JsonNode root = read(parser, "", lines, problems);
      if (parser.nextToken() != null) {
        throw problems.error("", line(parser), "more than one YAML document; a connector file holds one");
      }
      return new YamlDocument(root, lines);
    } catch (JsonProcessingException e) {
      int line = e.getLocation() == null ? -1 : e.getLocation().getLineNr();
      // The original message only: the full one quotes the offending source line.
      throw problems.error("", line, "invalid YAML: " + firstLine(e.getOriginalMessage()));
    } catch (IOException e) {
      throw problems.error("", -1, "cannot parse YAML: " + e.getMessage());
    }
  }

  public JsonNode root() {
    return root;
  }

  /** The line of {@code path} (1-based), or -1 when unknown. */
  public int line(String path) {
    return lines.getOrDefault(path, -1);
  }

  /** Every path with a known line. */
  public Map<String, Integer> lines() {
    return lines;
  }

  private static JsonNode read(JsonParser p, String path, Map<String, Integer> lines, Problems problems)
      throws IOException {
    JsonToken token = p.currentToken();
    if (p instanceof YAMLParser && ((YAMLParser) p).isCurrentAlias()) {
      throw problems.error(path, line(p), "YAML aliases (*name) are not supported in connector files");
    }
    lines.putIfAbsent(path, line(p));
    switch (token) {
      case START_OBJECT: {
        ObjectNode object = NODES.objectNode();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String key = p.currentName();
          String child = path.isEmpty() ? key : path + "." + key;
          int keyLine = line(p);
          if (object.has(key)) {
            throw problems.error(child, keyLine, "duplicate key");
          }
          lines.put(child, keyLine);
          p.nextToken();
          object.set(key, read(p, child, lines, problems));
        }
        return object;
      }
      case START_ARRAY: {
        ArrayNode array = NODES.arrayNode();
        int i = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
          array.add(read(p, path + "[" + i++ + "]", lines, problems));
        }
        return array;
      }
      case VALUE_STRING:
        return NODES.textNode(p.getText());
      case VALUE_NUMBER_INT:
        switch (p.getNumberType()) {
          case INT: return NODES.numberNode(p.getIntValue());
          case LONG: return NODES.numberNode(p.getLongValue());
          default: return NODES.numberNode(p.getBigIntegerValue());
        }
      case VALUE_NUMBER_FLOAT:
        return NODES.numberNode(p.getDecimalValue());
      case VALUE_TRUE:
        return NODES.booleanNode(true);
      case VALUE_FALSE:
        return NODES.booleanNode(false);
      case VALUE_NULL:
        return NODES.nullNode();
      default:
        throw problems.error(path, line(p), "unexpected YAML token " + token);
    }
  }

  private static int line(JsonParser p) {
    return p.currentTokenLocation() == null ? -1 : p.currentTokenLocation().getLineNr();
  }

  private static String firstLine(String message) {
    if (message == null) return "syntax error";
    int nl = message.indexOf('\n');
    return (nl < 0 ? message : message.substring(0, nl)).trim();
  }
}
