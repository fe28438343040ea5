package dev.analytics.http.internal;

import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Compresses bodies of at least {@code minBytes} and says so in {@code Content-Encoding}. Outside the
 * retry link, so a body is compressed once however often it is sent.
 *
 * <p>At Deflater's fastest level: measured on a 2000-event Amplitude body ({@code GzipLevelHarness},
 * docs/BENCHMARKS.md), level 6 took 3x the CPU of level 1 for 7% fewer bytes, and that CPU competes with
 * the host service for cores. Deflaters (each holds about 300 KB of native zlib state) are kept for the
 * next request instead of being set up per body.
 */
final class GzipInterceptor implements Interceptor {
  static final int LEVEL = Deflater.BEST_SPEED;
  /** Deflaters kept for reuse: more are created when more bodies compress at once, then dropped. */
  private static final int POOLED = 8;
  private static final byte[] HEADER = {0x1f, (byte) 0x8b, Deflater.DEFLATED, 0, 0, 0, 0, 0, 0, 0};

  private final int minBytes;
  private final ConcurrentLinkedQueue<Deflater> pool = new ConcurrentLinkedQueue<>();

  GzipInterceptor(int minBytes) {
    this.minBytes = minBytes;
  }

  @Override
  public CompletableFuture<HttpResponse<String>> intercept(Chain chain) {
    Call call = chain.call();
    if (call.body().length < minBytes) return chain.proceed(call);
    return chain.proceed(call.with(gzip(call.body()), "Content-Encoding", "gzip"));
  }

  /** {@code body} as a gzip member (RFC 1952): header, raw deflate, CRC-32 and length. */
  byte[] gzip(byte[] body) {
    Deflater deflater = pool.poll();
    if (deflater == null) deflater = new Deflater(LEVEL, true);
    try {
      deflater.setInput(body);
      deflater.finish();
      // JSON events shrink 5-10x: start at a quarter, grow if needed.
      byte[] out = Arrays.copyOf(HEADER, Math.max(64, body.length / 4 + HEADER.length + 8));
      int n = HEADER.length;
      while (!deflater.finished()) {
        if (n == out.length - 8) out = Arrays.copyOf(out, out.length * 2);
        n += deflater.deflate(out, n, out.length - 8 - n);
      }
      CRC32 crc = new CRC32();
      crc.update(body);
      n = putIntLittleEndian(out, n, (int) crc.getValue());
      n = putIntLittleEndian(out, n, body.length);
      return n == out.length ? out : Arrays.copyOf(out, n);
    } finally {
      deflater.reset();
      if (pool.size() < POOLED) {
        pool.offer(deflater);
      } else {
        deflater.end();
      }
    }
  }

  private static int putIntLittleEndian(byte[] out, int at, int value) {
    out[at] = (byte) value;
    out[at + 1] = (byte) (value >>> 8);
    out[at + 2] = (byte) (value >>> 16);
    out[at + 3] = (byte) (value >>> 24);
    return at + 4;
  }
}
