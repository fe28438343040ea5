package dev.analytics.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An Amplitude HTTP V2 compatible receiver on loopback, for the demo and for tests: no account, no
 * network. It validates bodies the way Amplitude documents it and answers with Amplitude's response
 * bodies:
 *
 * <ul>
 *   <li>{@code POST /2/httpapi} only; {@code Content-Type: application/json} required; a gzip body
 *       ({@code Content-Encoding: gzip}) is accepted and the limits are counted after decompression.
 *   <li>413 {@code {"code":413,"error":"Payload too large"}} for more than {@value #MAX_EVENTS} events or
 *       a body of {@value #MAX_BODY_BYTES} bytes or more.
 *   <li>400 with {@code missing_field} when {@code api_key} or {@code events} is missing,
 *       {@code "Invalid API key"} when the key is not the expected one, and
 *       {@code events_with_missing_fields} / {@code events_with_invalid_fields} /
 *       {@code events_with_invalid_id_lengths} (field to event indexes) for bad events; like Amplitude,
 *       a 400 ingests nothing.
 *   <li>200 {@code {"code":200,"events_ingested":n,"payload_size_bytes":b,"server_upload_time":t}}
 *       otherwise, where an event whose {@code insert_id} was already ingested for the same
 *       {@code device_id} (or {@code user_id} when there is none) is counted as a suppressed duplicate
 *       and not stored again.
 * </ul>
 *
 * <p>It records every request exactly as received ({@link #requests()}), can be {@linkplain #stop()
 * stopped} and {@linkplain #start() started again} on the same port to simulate an outage, and can
 * {@linkplain #failAfterIngesting(int) lose its next responses} after ingesting, the way a load balancer
 * times out on a request that did go through, which is what makes {@code insert_id} matter.
 *
 * <pre>{@code
 * try (AmplitudeReceiver receiver = AmplitudeReceiver.create("demo-key")) {
 *   receiver.start();
 *   URI endpoint = receiver.endpoint();   // http://127.0.0.1:<port>/2/httpapi
 *   ...
 *   receiver.events();                    // the distinct events ingested, in arrival order
 * }
 * }</pre>
 */
public final class AmplitudeReceiver implements Closeable {
  /** The path of Amplitude's HTTP V2 API. */
  public static final String PATH = "/2/httpapi";
  /** The most events Amplitude accepts in one request. */
  public static final int MAX_EVENTS = 2000;
  /** Amplitude's "under 1 MB" body limit, counted after decompression. */
  public static final int MAX_BODY_BYTES = 1_000_000;
  /** Ids shorter than this are invalid unless the request's {@code options.min_id_length} says otherwise. */
  public static final int DEFAULT_MIN_ID_LENGTH = 5;


  private final ObjectMapper mapper = new ObjectMapper();
  private final AmplitudeRules rules;
  private final Clock clock;
  private final Object lock = new Object();

  // Guarded by lock.
  private int port;
  private HttpServer server;
  private ExecutorService executor;
  private final List<Received> requests = new ArrayList<>();
  private final List<JsonNode> events = new ArrayList<>();
  private final Set<String> seenInsertIds = new HashSet<>();
  private long duplicatesSuppressed;
  private int responsesToLose;

  private AmplitudeReceiver(String apiKey, int port, Clock clock) {
    this.rules = new AmplitudeRules(apiKey);
    this.port = port;
    this.clock = clock;
  }

  /** A receiver that expects {@code apiKey} and will listen on a free loopback port once started. */
  public static AmplitudeReceiver create(String apiKey) {
    return create(apiKey, 0);
  }

  /**
   * A receiver that expects {@code apiKey} and will listen on loopback {@code port} once started (0: a
   * free port, chosen at the first {@link #start()} and kept for later restarts).
   */
  public static AmplitudeReceiver create(String apiKey, int port) {
    Objects.requireNonNull(apiKey, "apiKey == null");
    if (apiKey.isEmpty()) throw new IllegalArgumentException("apiKey is empty");
    if (port < 0 || port > 65535) throw new IllegalArgumentException("port out of range [0, 65535]: " + port);
    return new AmplitudeReceiver(apiKey, port, Clock.systemUTC());
  }

  /** Picks a free loopback port now, so a client can be configured before the receiver is up. */
  public static int freePort() {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port", e);
    }
  }

  /**
   * Starts listening (again, after {@link #stop()}, on the same port). Everything received so far is
   * kept. Idempotent while running.
   *
   * @throws UncheckedIOException if the port cannot be bound
   */
  public AmplitudeReceiver start() {
    synchronized (lock) {
      if (server != null) return this;
      HttpServer s;
      try {
        s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
      } catch (IOException e) {
        throw new UncheckedIOException("amplitude receiver cannot bind 127.0.0.1:" + port, e);
      }
      ExecutorService pool = Executors.newFixedThreadPool(2, runnable -> {
        Thread thread = new Thread(runnable, "amplitude-receiver-" + s.getAddress().getPort());
        thread.setDaemon(true);
        return thread;
      });
      s.createContext("/", this::handle);
      s.setExecutor(pool);
      s.start();
      port = s.getAddress().getPort();
      server = s;
      executor = pool;
      return this;
    }
  }

  /** Stops listening at once (connections are refused, as when the service is down). Keeps the data. */
  public void stop() {
    HttpServer s;
    ExecutorService pool;
    synchronized (lock) {
      s = server;
      pool = executor;
      server = null;
      executor = null;
    }
    if (s == null) return;
    s.stop(0);
    pool.shutdownNow();
  }

  /** True between {@link #start()} and {@link #stop()}. */
  public boolean isRunning() {
    synchronized (lock) {
      return server != null;
    }
  }

  @Override
  public void close() {
    stop();
  }

  /** The port; 0 until the first {@link #start()} when created with port 0. */
  public int port() {
    synchronized (lock) {
      return port;
    }
  }

  /** {@code http://127.0.0.1:<port>/2/httpapi}. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port() + PATH);
  }

  /**
   * The next {@code count} requests are ingested normally (events stored, insert ids remembered), then
   * answered with a 504 HTML page instead of the 200, the way a load balancer answers when the upstream
   * was too slow: the client cannot know the events arrived and sends them again.
   */
  public void failAfterIngesting(int count) {
    if (count < 0) throw new IllegalArgumentException("count < 0: " + count);
    synchronized (lock) {
      responsesToLose = count;
    }
  }

  /** Every request received, in order, exactly as it came (and what it was answered). */
  public List<Received> requests() {
    synchronized (lock) {
      return List.copyOf(requests);
    }
  }

  /** The distinct events ingested (duplicates by {@code insert_id} not repeated), in arrival order. */
  public List<JsonNode> events() {
    synchronized (lock) {
      return List.copyOf(events);
    }
  }

  /** Events that repeated an already ingested {@code insert_id} for the same user or device. */
  public long duplicatesSuppressed() {
    synchronized (lock) {
      return duplicatesSuppressed;
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] raw = exchange.getRequestBody().readAllBytes();
      String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
      String contentEncoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
      AmplitudeRules.Response response;
      byte[] body = null;
      if (!"POST".equals(exchange.getRequestMethod()) || !PATH.equals(exchange.getRequestURI().getPath())) {
        response = new AmplitudeRules.Response(404, rules.error(404, "Not found: " + exchange.getRequestMethod() + " "
            + exchange.getRequestURI().getPath()));
      } else if (contentType == null
          || !contentType.toLowerCase(Locale.ROOT).split(";")[0].trim().equals("application/json")) {
        response = new AmplitudeRules.Response(400, rules.error(400, "Invalid Content-Type: expected application/json, got "
            + contentType));
      } else {
        try {
          body = AmplitudeRules.decode(raw, contentEncoding);
          response = body.length >= MAX_BODY_BYTES ? new AmplitudeRules.Response(413, rules.error(413, "Payload too large"))
              : ingest(body);
        } catch (IOException e) {
          response = new AmplitudeRules.Response(400, rules.error(400, "Invalid gzip body: " + e.getMessage()));
        }
      }
      synchronized (lock) {
        requests.add(new Received(
            exchange.getRequestMethod(), exchange.getRequestURI().getPath(), contentType, contentEncoding,
            exchange.getRequestHeaders().getFirst("User-Agent"), raw,
            body == null ? null : new String(body, StandardCharsets.UTF_8),
            response.status(), response.body()));
      }
      byte[] out = response.body().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", response.status() == 504 ? "text/html" : "application/json");
      exchange.sendResponseHeaders(response.status(), out.length);
      exchange.getResponseBody().write(out);
    }
  }

  private AmplitudeRules.Response ingest(byte[] body) {
    JsonNode[] valid = new JsonNode[1];
    AmplitudeRules.Response refused = rules.check(body, valid);
    if (refused != null) return refused;
    JsonNode events = valid[0];
    boolean loseResponse;
    synchronized (lock) {
      for (JsonNode event : events) {
        JsonNode insertId = event.get("insert_id");
        if (insertId != null && !insertId.isNull()) {
          String who = event.hasNonNull("device_id")
              ? "device:" + event.get("device_id").asText()
              : "user:" + event.get("user_id").asText();
          if (!seenInsertIds.add(who + "\u0000" + insertId.asText())) {
            duplicatesSuppressed++;
            continue;
          }
        }
        this.events.add(event);
      }
      loseResponse = responsesToLose > 0;
      if (loseResponse) responsesToLose--;
    }
    if (loseResponse) {
      return new AmplitudeRules.Response(504, "<html><body><h1>504 Gateway Time-out</h1></body></html>");
    }
    ObjectNode ok = mapper.createObjectNode();
    ok.put("code", 200);
    ok.put("events_ingested", events.size());
    ok.put("payload_size_bytes", body.length);
    ok.put("server_upload_time", clock.millis());
    return new AmplitudeRules.Response(200, ok.toString());
  }


  /** One request as the receiver saw it, and its answer. */
  public static final class Received {
    private final String method;
    private final String path;
    private final String contentType;
    private final String contentEncoding;
    private final String userAgent;
    private final byte[] raw;
    private final String body;
    private final int status;
    private final String response;

    Received(String method, String path, String contentType, String contentEncoding, String userAgent,
        byte[] raw, String body, int status, String response) {
      this.method = method;
      this.path = path;
      this.contentType = contentType;
      this.contentEncoding = contentEncoding;
      this.userAgent = userAgent;
      this.raw = raw;
      this.body = body;
      this.status = status;
      this.response = response;
    }

    public String method() {
      return method;
    }

    public String path() {
      return path;
    }

    /** The {@code Content-Type} header, or null. */
    public String contentType() {
      return contentType;
    }

    /** The {@code Content-Encoding} header, or null. */
    public String contentEncoding() {
      return contentEncoding;
    }

    /** The {@code User-Agent} header, or null. */
    public String userAgent() {
      return userAgent;
    }

    /** The bytes on the wire (compressed, if they were). */
    public byte[] raw() {
      return raw.clone();
    }

    /** The body as text after decompression; null if it could not be decoded. */
    public String body() {
      return body;
    }

    /** The status the receiver answered. */
    public int status() {
      return status;
    }

    /** The response body the receiver answered. */
    public String response() {
      return response;
    }

    @Override
    public String toString() {
      return method + " " + path + " -> " + status + " " + response;
    }
  }
}
