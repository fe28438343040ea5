package dev.analytics.internal;

/**
 * Finds where a JSON object ends in stored bytes, checking its syntax on the way, without building
 * anything: the test that lets {@link EnvelopeReader} keep an event as its bytes only when parsing them
 * would have succeeded.
 *
 * <p>A mapper given to {@code emit()} can write bytes that are not JSON ({@code NaN} with
 * {@code WRITE_NAN_AS_STRINGS} off, a {@code @JsonRawValue} holding anything, a custom serializer's
 * {@code writeNumber(String)}). Parsed, such a record is reported unreadable on its own; kept as bytes,
 * it went out raw inside a request body and the endpoint refused the whole request, with every good
 * event in it. So the scan is strict where it must be: standard JSON as Jackson's default parser reads
 * it (no comments, no leading zeros, no unquoted names, only JSON's escapes, well-formed UTF-8), and
 * anything it is unsure of makes the caller parse the whole payload, as before. Iterative, so nesting of
 * any depth is fine.
 */
final class JsonObjectScan {
  private static final int VALUE = 0;
  private static final int KEY = 1;
  private static final int AFTER_VALUE = 2;
  private static final int KEY_OR_CLOSE = 3;
  private static final int VALUE_OR_CLOSE = 4;
  private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
  private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};
  private static final byte[] NULL = {'n', 'u', 'l', 'l'};

  private JsonObjectScan() {}

  /**
   * The index of the brace closing the object that opens at {@code at}, or -1 if no object opens there
   * or what follows is not valid JSON up to its end.
   */
  static int objectEnd(byte[] p, int at) {
    if (at < 0 || at >= p.length || p[at] != '{') return -1;
    boolean[] inObject = new boolean[16];
    int depth = 0;
    int state = VALUE;
    int i = at;
    while (true) {
      i = skipSpace(p, i);
      if (i >= p.length) return -1;
      byte b = p[i];
      if (state == KEY_OR_CLOSE || state == VALUE_OR_CLOSE) {
        if (b == (state == KEY_OR_CLOSE ? '}' : ']')) {
          if (--depth == 0) return i;
          i++;
          state = AFTER_VALUE;
          continue;
        }
        state = state == KEY_OR_CLOSE ? KEY : VALUE;
      }
      switch (state) {
        case KEY:
          if (b != '"') return -1;
          i = skipSpace(p, stringEnd(p, i + 1));
          if (i < 0 || i >= p.length || p[i] != ':') return -1;
          i++;
          state = VALUE;
          break;
        case VALUE:
          if (b == '{' || b == '[') {
            if (depth == inObject.length) inObject = java.util.Arrays.copyOf(inObject, depth * 2);
            inObject[depth++] = b == '{';
            i++;
            state = b == '{' ? KEY_OR_CLOSE : VALUE_OR_CLOSE;
            break;
          }
          i = scalarEnd(p, i);
          if (i < 0) return -1;
          state = AFTER_VALUE;
          break;
        default: // AFTER_VALUE
          boolean object = inObject[depth - 1];
          if (b == ',') {
            i++;
            state = object ? KEY : VALUE;
          } else if (b == (object ? '}' : ']')) {
            if (--depth == 0) return i;
            i++;
          } else {
            return -1;
          }
      }
    }
  }

  /**
   * The index of the quote closing a string that starts at {@code at} (after its opening quote) and has
   * no escapes nor control characters, or -1.
   */
  static int plainStringEnd(byte[] p, int at) {
    if (at < 0) return -1;
    int i = at;
    while (i < p.length) {
      byte b = p[i];
      if (b == '"') return i;
      if (b == '\\' || (b >= 0 && b < 0x20)) return -1;
      i = b < 0 ? utf8End(p, i) : i + 1;
      if (i < 0) return -1;
    }
    return -1;
  }

  /** The index after a string's closing quote, for a string whose content starts at {@code at}; or -1. */
  private static int stringEnd(byte[] p, int at) {
    int i = at;
    while (i < p.length) {
      byte b = p[i];
      if (b == '"') return i + 1;
      if (b >= 0 && b < 0x20) return -1; // raw control characters: Jackson's parser refuses them
      if (b == '\\') {
        if (i + 1 >= p.length) return -1;
        byte e = p[i + 1];
        if (e == 'u') {
          if (i + 5 >= p.length) return -1;
          for (int k = i + 2; k < i + 6; k++) if (Character.digit(p[k], 16) < 0) return -1;
          i += 6;
        } else if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' || e == 'r' || e == 't') {
          i += 2;
        } else {
          return -1;
        }
      } else {
        i = b < 0 ? utf8End(p, i) : i + 1;
        if (i < 0) return -1;
      }
    }
    return -1;
  }

  /** The index after a string, number or literal starting at {@code at}, or -1. */
  private static int scalarEnd(byte[] p, int at) {
    byte b = p[at];
    if (b == '"') return stringEnd(p, at + 1);
    if (b == 't') return literalEnd(p, at, TRUE);
    if (b == 'f') return literalEnd(p, at, FALSE);
    if (b == 'n') return literalEnd(p, at, NULL);
    return numberEnd(p, at);
  }

  private static int literalEnd(byte[] p, int at, byte[] literal) {
    if (at + literal.length > p.length) return -1;
    for (int k = 0; k < literal.length; k++) if (p[at + k] != literal[k]) return -1;
    return at + literal.length;
  }

  /** {@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?}: the end of the number at {@code at}, or -1. */
  private static int numberEnd(byte[] p, int at) {
    int i = at;
    if (i < p.length && p[i] == '-') i++;
    if (i >= p.length || !isDigit(p[i])) return -1;
    if (p[i] == '0') i++;
    else i = digitsEnd(p, i);
    if (i < p.length && p[i] == '.') {
      int digits = i + 1;
      i = digitsEnd(p, digits);
      if (i == digits) return -1;
    }
    if (i < p.length && (p[i] == 'e' || p[i] == 'E')) {
      i++;
      if (i < p.length && (p[i] == '+' || p[i] == '-')) i++;
      int digits = i;
      i = digitsEnd(p, digits);
      if (i == digits) return -1;
    }
    return i;
  }

  private static int digitsEnd(byte[] p, int at) {
    int i = at;
    while (i < p.length && isDigit(p[i])) i++;
    return i;
  }

  private static boolean isDigit(byte b) {
    return b >= '0' && b <= '9';
  }

  private static int skipSpace(byte[] p, int at) {
    if (at < 0) return at;
    int i = at;
    while (i < p.length && (p[i] == ' ' || p[i] == '\n' || p[i] == '\r' || p[i] == '\t')) i++;
    return i;
  }

  /**
   * The index after the well-formed UTF-8 sequence (RFC 3629: no overlong forms, no surrogates, nothing
   * above U+10FFFF) whose lead byte is at {@code at}, or -1.
   */
  private static int utf8End(byte[] p, int at) {
    int lead = p[at] & 0xFF;
    int more;
    int low = 0x80;
    int high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
      more = 1;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      more = 2;
      if (lead == 0xE0) low = 0xA0;
      if (lead == 0xED) high = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      more = 3;
      if (lead == 0xF0) low = 0x90;
      if (lead == 0xF4) high = 0x8F;
    } else {
      return -1;
    }
    if (at + more >= p.length) return -1;
    int second = p[at + 1] & 0xFF;
    if (second < low || second > high) return -1;
    for (int k = at + 2; k <= at + more; k++) if ((p[k] & 0xC0) != 0x80) return -1;
    return at + more + 1;
  }
}
