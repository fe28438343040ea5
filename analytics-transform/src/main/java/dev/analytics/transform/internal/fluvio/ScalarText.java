package dev.analytics.transform.internal.fluvio;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * The text a scalar has where Fluvio uses it as a key: a string is itself, {@code null}, {@code true}
 * and {@code false} are those words, and a number is written as Fluvio's JSON library writes it. That
 * library holds integers up to 64 bits and anything else as a double, written in the shortest form that
 * reads back the same, plainly for 1e-5 <= |x| < 1e16 ({@code 1.5}, {@code 100.0}, {@code 0.0001}) and
 * as {@code 1e-7} / {@code 1.5e300} outside; Java's own {@code 1.0E-7} would match different keys.
 */
final class ScalarText {
  private static final BigInteger U64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
  private static final BigInteger I64_MIN = BigInteger.valueOf(Long.MIN_VALUE);
  /** Doubles with more digits before the point than this are written with an exponent. */
  private static final int MAX_PLAIN_DIGITS = 16;
  /** Doubles with more zeros than this after the point are written with an exponent. */
  private static final int MAX_LEADING_ZEROS = 4;

  private ScalarText() {}

  static String of(JsonNode scalar) {
    if (scalar.isNull()) return "null";
    if (!scalar.isNumber()) return scalar.asText();
    if (scalar.isIntegralNumber()) {
      BigInteger value = scalar.bigIntegerValue();
      if (value.compareTo(I64_MIN) >= 0 && value.compareTo(U64_MAX) <= 0) return value.toString();
    }
    // Parsed from its text, as Fluvio would parse the record: the double nearest to the number written.
    return ofDouble(Double.parseDouble(scalar.asText()));
  }

  private static String ofDouble(double value) {
    if (value == 0) return (1 / value < 0) ? "-0.0" : "0.0";
    String sign = value < 0 ? "-" : "";
    BigDecimal shortest = new BigDecimal(Double.toString(Math.abs(value))).stripTrailingZeros();
    String digits = shortest.unscaledValue().toString();
    int pointAt = digits.length() - shortest.scale(); // value = 0.digits x 10^pointAt
    if (pointAt > MAX_PLAIN_DIGITS || -pointAt > MAX_LEADING_ZEROS) {
      String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
      return sign + mantissa + "e" + (pointAt - 1);
    }
    if (pointAt <= 0) return sign + "0." + "0".repeat(-pointAt) + digits;
    if (pointAt >= digits.length()) return sign + digits + "0".repeat(pointAt - digits.length()) + ".0";
    return sign + digits.substring(0, pointAt) + "." + digits.substring(pointAt);
  }
}
