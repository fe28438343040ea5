package dev.analytics.transform.internal.fluvio;

import dev.analytics.transform.internal.json.SpecError;
import java.util.ArrayList;
import java.util.List;

/**
 * Parser for Fluvio's shift key syntax. The 13 characters {@code @ $ # & [ ] | . , ( ) * \} are tokens
 * on both sides; a literal one is escaped with a backslash, and escaping anything else is an error.
 *
 * <pre>
 * LHS  := "$" | "$(" n ")" | "$(" n "," m ")"
 *       | "@" | "@(" n "," [rhs] ")" | "@(" rhs ")"
 *       | "#" literal
 *       | "&amp;" | "&amp;(" n ")" | "&amp;(" n "," m ")"
 *       | alternative ("|" alternative)*          alternative := (literal | "*")+
 * RHS  := "" | part ("." part | index)*  |  index ( "." part | index)*
 * part := (literal | "&amp;" [ "(" n ["," m] ")" ] | "@(" ... ")")+  [index]*
 * index:= "[" ( n | "" | "&amp;" ... | "@(" ... ")" ) "]"
 * </pre>
 */
final class ShiftSyntax {
  static final String TOKENS = "@$#&[]|.,()*\\";
  static final int MAX_AT_DEPTH = 4;
  /**
   * The largest array index a spec or a record may give: writing at index n pads the array with n
   * nulls, so an index must not be able to ask for billions of them (an out-of-memory error takes the
   * whole process down, where a bad index should fail one record).
   */
  static final int MAX_INDEX = 99_999;

  // ---- model ----

  /** A reference to a captured key: {@code &(level, group)} or {@code $(level, group)}. */
  static final class Capture {
    final int level;
    final int group;

    Capture(int level, int group) {
      this.level = level;
      this.group = group;
    }
  }

  /** {@code @(level, path)}: the value {@code level} levels up, navigated by {@code path} (null: itself). */
  static final class At {
    final int level;
    final Rhs path;
    final String text;

    At(int level, Rhs path, String text) {
      this.level = level;
      this.path = path;
      this.text = text;
    }
  }

  /** An output path: parts are {@link Key} or {@link Index}. */
  static final class Rhs {
    final List<Object> parts;
    final String text;

    Rhs(List<Object> parts, String text) {
      this.parts = parts;
      this.text = text;
    }
  }

  /** A key part: pieces are String, {@link Capture} or {@link At}, concatenated. */
  static final class Key {
    final List<Object> pieces;

    Key(List<Object> pieces) {
      this.pieces = pieces;
    }
  }

  /** An index part: {@code op} is an Integer, {@link Capture}, {@link At} or {@link #APPEND}. */
  static final class Index {
    final Object op;

    Index(Object op) {
      this.op = op;
    }
  }

  static final Object APPEND = new Object() {
    @Override
    public String toString() {
      return "[]";
    }
  };

  // ---- parser ----

  private final String text;
  private final String side;
  private int pos;

  private ShiftSyntax(String text, String side) {
    this.text = text;
    this.side = side;
  }

  /** Parses a whole RHS; {@code ""} is the root of the output, a path without parts. */
  static Rhs parseRhs(String text) {
    if (text.isEmpty()) return new Rhs(List.of(), text);
    ShiftSyntax p = new ShiftSyntax(text, "RHS");
    Rhs rhs = p.rhs(0, false);
    if (p.pos != text.length()) throw p.error("unexpected '" + text.charAt(p.pos) + "'");
    return rhs;
  }

  /** Parses a whole LHS key. */
  static Lhs parseLhs(String text) {
    ShiftSyntax p = new ShiftSyntax(text, "LHS");
    Lhs lhs = p.lhs();
    if (p.pos != text.length()) throw p.error("unexpected '" + text.charAt(p.pos) + "'");
    return lhs;
  }

  /** A parsed LHS key. */
  static final class Lhs {
    enum Kind { LITERAL, AMP, PATTERN, DOLLAR, AT, HASH }

    final Kind kind;
    final String literal; // LITERAL and HASH
    final Capture capture; // AMP and DOLLAR
    final At at; // AT
    final List<List<String>> alternatives; // PATTERN: literal segments split at stars

    Lhs(Kind kind, String literal, Capture capture, At at, List<List<String>> alternatives) {
      this.kind = kind;
      this.literal = literal;
      this.capture = capture;
      this.at = at;
      this.alternatives = alternatives;
    }

    boolean infallible() {
      return kind == Kind.DOLLAR || kind == Kind.AT || kind == Kind.HASH;
    }
  }

  private Lhs lhs() {
    if (text.isEmpty()) throw new SpecError("empty LHS key \"\"");
    char c = text.charAt(0);
    switch (c) {
      case '$': {
        pos++;
        Capture cap = captureArgs('$');
        return new Lhs(Lhs.Kind.DOLLAR, null, cap, null, null);
      }
      case '@': {
        pos++;
        At at = peek() == '(' ? atArgs(1) : new At(0, null, "@");
        return new Lhs(Lhs.Kind.AT, null, null, at, null);
      }
      case '#': {
        pos++;
        StringBuilder literal = new StringBuilder();
        while (pos < text.length()) {
          char ch = text.charAt(pos);
          if (ch == '\\') {
            literal.append(escaped());
          } else if (TOKENS.indexOf(ch) >= 0) {
            throw error("'" + ch + "' must be escaped in a #literal");
          } else {
            literal.append(ch);
            pos++;
          }
        }
        return new Lhs(Lhs.Kind.HASH, literal.toString(), null, null, null);
      }
      case '&': {
        pos++;
        Capture cap = captureArgs('&');
        return new Lhs(Lhs.Kind.AMP, null, cap, null, null);
      }
      default:
        break;
    }
    List<List<String>> alternatives = new ArrayList<>();
    boolean stars = false;
    while (true) {
      List<String> segments = new ArrayList<>();
      StringBuilder literal = new StringBuilder();
      while (pos < text.length() && text.charAt(pos) != '|') {
        char ch = text.charAt(pos);
        if (ch == '\\') {
          literal.append(escaped());
        } else if (ch == '*') {
          segments.add(literal.toString());
          literal.setLength(0);
          stars = true;
          pos++;
        } else if (TOKENS.indexOf(ch) >= 0) {
          throw error("'" + ch + "' must be escaped as \\" + ch + " in a key");
        } else {
          literal.append(ch);
          pos++;
        }
      }
      segments.add(literal.toString());
      if (segments.size() == 1 && segments.get(0).isEmpty()) throw error("empty alternative");
      alternatives.add(segments);
      if (pos == text.length()) break;
      pos++; // '|'
    }
    if (alternatives.size() == 1 && !stars) {
      return new Lhs(Lhs.Kind.LITERAL, alternatives.get(0).get(0), null, null, null);
    }
    return new Lhs(Lhs.Kind.PATTERN, null, null, null, alternatives);
  }

  /** After {@code &} or {@code $}: nothing, {@code (n)} or {@code (n,m)}. */
  private Capture captureArgs(char sigil) {
    if (peek() != '(') {
      if (sigil == '$' && pos < text.length()) {
        throw error("$ takes its arguments in parentheses, like $(1) or $(1,2)");
      }
      return new Capture(0, 0);
    }
    pos++;
    int level = number();
    int group = 0;
    if (peek() == ',') {
      pos++;
      group = number();
    }
    expect(')');
    return new Capture(level, group);
  }

  /** After {@code @}, at '(': {@code (n,rhs)}, {@code (n,)} or {@code (rhs)}. */
  private At atArgs(int depth) {
    if (depth > MAX_AT_DEPTH) throw error("@(...) nested deeper than " + MAX_AT_DEPTH);
    int atStart = pos - 1;
    expect('(');
    int level = 0;
    int save = pos;
    while (pos < text.length() && Character.isDigit(text.charAt(pos))) pos++;
    if (pos > save && peek() == ',') {
      level = parseInt(text.substring(save, pos));
      pos++;
    } else {
      pos = save;
    }
    Rhs path = null;
    if (peek() != ')') path = rhs(depth, true);
    expect(')');
    return new At(level, path, text.substring(atStart, pos));
  }

  /** Parses an output path up to the end, or up to ')' when {@code nested}. */
  private Rhs rhs(int depth, boolean nested) {
    int start = pos;
    List<Object> parts = new ArrayList<>();
    boolean needPart = true;
    while (pos < text.length() && !(nested && peek() == ')')) {
      char c = text.charAt(pos);
      if (c == '[') {
        parts.add(index(depth));
        needPart = false;
      } else if (c == '.') {
        if (needPart) throw error("empty path part");
        pos++;
        if (peek() == '[') throw error("append and indexes are written x[] / x[0], not x.[]");
        needPart = true;
      } else {
        if (!needPart) throw error("expected '.' or '['");
        parts.add(key(depth, nested));
        needPart = false;
      }
    }
    if (needPart) throw error(parts.isEmpty() ? "empty path" : "path ends with '.'");
    return new Rhs(parts, text.substring(start, pos));
  }

  private Key key(int depth, boolean nested) {
    List<Object> pieces = new ArrayList<>();
    StringBuilder literal = new StringBuilder();
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c == '.' || c == '[' || (nested && c == ')')) break;
      if (c == '\\') {
        literal.append(escaped());
      } else if (c == '&') {
        flush(pieces, literal);
        pos++;
        pieces.add(captureArgs('&'));
      } else if (c == '@') {
        flush(pieces, literal);
        pos++;
        if (peek() == '(') {
          pieces.add(atArgs(depth + 1));
        } else {
          pieces.add(new At(0, null, "@"));
        }
      } else if (TOKENS.indexOf(c) >= 0) {
        if (side.equals("RHS") && !nested && c == '#') throw SpecError.in("unsupported RHS", text);
        throw error("'" + c + "' must be escaped as \\" + c);
      } else {
        literal.append(c);
        pos++;
      }
    }
    flush(pieces, literal);
    if (pieces.isEmpty()) throw error("empty path part");
    return new Key(pieces);
  }

  private Index index(int depth) {
    expect('[');
    Object op;
    char c = peek();
    if (c == ']') {
      op = APPEND;
    } else if (Character.isDigit(c)) {
      op = arrayIndex();
    } else if (c == '&') {
      pos++;
      op = captureArgs('&');
    } else if (c == '@') {
      pos++;
      if (peek() != '(') throw error("an index @ needs arguments, like [@(1,index)]");
      op = atArgs(depth + 1);
    } else if (c == '#') {
      throw SpecError.in("unsupported RHS", text);
    } else {
      throw error("an index must be a number, [], [&(n)] or [@(...)]");
    }
    expect(']');
    return new Index(op);
  }

  private static void flush(List<Object> pieces, StringBuilder literal) {
    if (literal.length() > 0) {
      pieces.add(literal.toString());
      literal.setLength(0);
    }
  }

  private char escaped() {
    if (pos + 1 >= text.length()) throw error("dangling escape '\\'");
    char next = text.charAt(pos + 1);
    if (TOKENS.indexOf(next) < 0) {
      pos++; // at the escaped character, which the reason quotes
      throw error("'\\" + next + "' escapes a character that needs no escape");
    }
    pos += 2;
    return next;
  }

  private int number() {
    int start = pos;
    while (pos < text.length() && Character.isDigit(text.charAt(pos))) pos++;
    if (pos == start) throw error("expected a number");
    return parseInt(text.substring(start, pos));
  }

  private int parseInt(String digits) {
    try {
      return Integer.parseInt(digits);
    } catch (NumberFormatException e) {
      throw error("number too large");
    }
  }

  /** An array index written in a spec: [n] pads the output array with nulls up to n. */
  private int arrayIndex() {
    int start = pos;
    int n = number();
    if (n > MAX_INDEX) {
      pos = start;
      throw error("index " + n + " is over the limit of " + MAX_INDEX);
    }
    return n;
  }

  private void expect(char c) {
    if (peek() != c) throw error("expected '" + c + "'");
    pos++;
  }

  private char peek() {
    return pos < text.length() ? text.charAt(pos) : '\0';
  }

  /** The reason may quote only the character at {@code pos}, so that it can be left out where that is a secret's. */
  private SpecError error(String reason) {
    return SpecError.at("invalid " + side, text, pos, reason);
  }
}
