package dev.analytics.internal.log;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.SplittableRandom;

/**
 * Stamps records with their id and timestamp. Not thread-safe: the log calls it under its append lock,
 * which is what makes ids increase in log order.
 *
 * <p>Ids are UUIDv7 strings (RFC 9562): 48 bits of Unix milliseconds, then a 12-bit counter that keeps
 * ids strictly increasing within a millisecond (and borrows the next millisecond when it overflows or
 * the clock steps back), then 62 random bits, so ids from different processes never collide in
 * practice. Timestamps are ISO-8601 UTC with milliseconds, always 24 characters.
 */
final class Stamper {
  static final int ID_LENGTH = 36;
  static final int TIMESTAMP_LENGTH = 24;
  private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private final Clock clock;
  private final SplittableRandom random = new SplittableRandom(new SecureRandom().nextLong());
  private long lastMillis = Long.MIN_VALUE;
  private int counter;
  private long cachedSecond = Long.MIN_VALUE;
  private final byte[] cachedSecondText = new byte[19];

  final byte[] id = new byte[ID_LENGTH];
  final byte[] timestamp = new byte[TIMESTAMP_LENGTH];

  Stamper(Clock clock) {
    this.clock = clock;
  }

  /** Fills {@link #id} and {@link #timestamp} for the next record. */
  void next() {
    long now = clock.millis();
    if (now > lastMillis) {
      lastMillis = now;
      counter = random.nextInt(1 << 11); // random start leaves room to count up within the millisecond
    } else if (++counter >= (1 << 12)) {
      lastMillis++;
      counter = 0;
    }
    long high = (lastMillis << 16) | 0x7000L | counter;
    long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    writeUuid(high, low);
    writeTimestamp(now);
  }

  private void writeUuid(long high, long low) {
    int p = 0;
    p = hex(high >>> 32, 8, p);
    id[p++] = '-';
    p = hex(high >>> 16, 4, p);
    id[p++] = '-';
    p = hex(high, 4, p);
    id[p++] = '-';
    p = hex(low >>> 48, 4, p);
    id[p++] = '-';
    hex(low, 12, p);
  }

  private int hex(long value, int digits, int at) {
    for (int i = digits - 1; i >= 0; i--) {
      id[at + i] = HEX[(int) (value & 0xF)];
      value >>>= 4;
    }
    return at + digits;
  }

  private void writeTimestamp(long millis) {
    long second = Math.floorDiv(millis, 1000);
    if (second != cachedSecond) {
      String text = LocalDateTime.ofEpochSecond(second, 0, ZoneOffset.UTC).toString();
      // LocalDateTime omits ":00" seconds; pad to the fixed yyyy-MM-ddTHH:mm:ss form.
      if (text.length() == 16) text += ":00";
      for (int i = 0; i < 19; i++) cachedSecondText[i] = (byte) text.charAt(i);
      cachedSecond = second;
    }
    System.arraycopy(cachedSecondText, 0, timestamp, 0, 19);
    int ms = (int) Math.floorMod(millis, 1000);
    timestamp[19] = '.';
    timestamp[20] = (byte) ('0' + ms / 100);
    timestamp[21] = (byte) ('0' + ms / 10 % 10);
    timestamp[22] = (byte) ('0' + ms % 10);
    timestamp[23] = 'Z';
  }
}
