package dev.analytics.benchmarks.peers;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;
import javax.net.ssl.SSLContext;

/**
 * The collector every library in the comparison sends to: the JDK HTTP(S) server on loopback, in the
 * same JVM as the library, with TCP_NODELAY ({@code -Dsun.net.httpserver.nodelay=true}; without it the
 * server's separate header and body writes meet delayed ACKs and every response stalls ~40 ms, which
 * would understate the peers about 2x). It counts events by {@link SampleEvent#NAME} in the (gunzipped)
 * body and answers each library its expected success: Segment's {@code /v1/...} gets
 * {@code {"success":true}}, anything else Amplitude's HTTP V2 JSON with {@code "code":200}. When
 * {@linkplain #down() down} it answers 503 to everything, counting nothing.
 */
final class Receiver implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor;
  private final String scheme;
  private final AtomicLong events = new AtomicLong();
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong wireBytes = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private volatile boolean down;

  private Receiver(HttpServer server, String scheme) {
    this.server = server;
    this.scheme = scheme;
    this.executor = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "peers-receiver");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  static Receiver start(boolean https) throws Exception {
    if (!"true".equals(System.getProperty("sun.net.httpserver.nodelay"))) {
      throw new IllegalStateException("start the JVM with -Dsun.net.httpserver.nodelay=true (Nagle would distort the peers)");
    }
    InetSocketAddress loopback = new InetSocketAddress("127.0.0.1", 0);
    if (!https) return new Receiver(HttpServer.create(loopback, 512), "http");
    HttpsServer server = HttpsServer.create(loopback, 512);
    SSLContext context = SelfSignedCertificate.serverContext();
    server.setHttpsConfigurator(new HttpsConfigurator(context));
    return new Receiver(server, "https");
  }

  /** {@code http(s)://127.0.0.1:port} without a path. */
  String base() {
    return scheme + "://127.0.0.1:" + server.getAddress().getPort();
  }

  void down() {
    down = true;
  }

  long events() {
    return events.get();
  }

  long requests() {
    return requests.get();
  }

  /** Requests answered 503 while {@linkplain #down() down}. */
  long refused() {
    return refused.get();
  }

  long wireBytes() {
    return wireBytes.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      if (down) {
        refused.incrementAndGet();
        exchange.sendResponseHeaders(503, -1);
        return;
      }
      wireBytes.addAndGet(body.length);
      if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
          body = in.readAllBytes();
        }
      }
      int count = count(body, SampleEvent.NAME_BYTES);
      String answer = exchange.getRequestURI().getPath().startsWith("/v1")
          ? "{\"success\":true}"
          : "{\"code\":200,\"events_ingested\":" + count + ",\"payload_size_bytes\":" + body.length
              + ",\"server_upload_time\":" + System.currentTimeMillis() + "}";
      byte[] response = answer.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, response.length);
      exchange.getResponseBody().write(response);
      requests.incrementAndGet();
      events.addAndGet(count);
    }
  }

  /**
   * Occurrences of {@code needle}, not overlapping. Through {@link String#indexOf} on a Latin-1 copy,
   * which the JVM vectorizes: the receiver shares two cores with the library it measures, and a byte
   * by byte scan of every body took more CPU than the library's own delivery.
   */
  static int count(byte[] haystack, byte[] needle) {
    String text = new String(haystack, StandardCharsets.ISO_8859_1);
    String word = new String(needle, StandardCharsets.ISO_8859_1);
    int count = 0;
    for (int at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + word.length())) count++;
    return count;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
