package dev.analytics.transform.internal;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The two Jolt dialects, found from a {@code uses:} name. */
public enum Dialect {
  /** bazaarvoice jolt-core semantics, run on jolt-core. */
  JOLT_CORE("jolt"),
  /** Fluvio's {@code infinyon/jolt} SmartModule semantics (0.3.x and 0.4.x). */
  FLUVIO("infinyon/jolt");

  private static final Pattern FLUVIO_USES = Pattern.compile("infinyon/jolt(?:@(.*))?");
  private static final Pattern SUPPORTED_VERSION = Pattern.compile("0\\.[34]\\.\\d+");

  private final String label;

  Dialect(String label) {
    this.label = label;
  }

  /** The name used in messages: {@code jolt} or {@code infinyon/jolt}. */
  public String label() {
    return label;
  }

  /** True if {@code uses} names a Jolt transform at all, even in a version we then reject. */
  public static boolean isJolt(String uses) {
    return uses != null && (uses.equals("jolt") || FLUVIO_USES.matcher(uses).matches());
  }

  /**
   * @throws IllegalArgumentException naming {@code uses} and the supported versions
   */
  public static Dialect of(String uses) {
    if (uses == null) throw new NullPointerException("uses == null");
    if (uses.equals("jolt")) return JOLT_CORE;
    Matcher m = FLUVIO_USES.matcher(uses);
    if (m.matches()) {
      String version = m.group(1);
      if (version == null) {
        throw new IllegalArgumentException(
            "uses \"" + uses + "\": a version is required, like infinyon/jolt@0.3.0 (supported: 0.3.x, 0.4.x)");
      }
      if (!SUPPORTED_VERSION.matcher(version).matches()) {
        throw new IllegalArgumentException(
            "uses \"" + uses + "\": unsupported version \"" + version + "\" (supported: 0.3.x, 0.4.x)");
      }
      return FLUVIO;
    }
    throw new IllegalArgumentException(
        "uses \"" + uses + "\": not a Jolt transform (expected jolt or infinyon/jolt@0.3.x / @0.4.x)");
  }
}
