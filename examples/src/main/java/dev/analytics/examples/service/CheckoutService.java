package dev.analytics.examples.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.analytics.Analytics;
import dev.analytics.connector.ConnectorLoader;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A typical wiring: a small HTTP service that owns <em>one</em> {@link Analytics} instance, built at
 * start-up and shared by every request thread, emits an event in its request handler, and closes it on
 * shutdown after it stops taking requests.
 *
 * <p>{@code POST /checkout} with {@code {"user_id": "...", "order_id": "...", "total": 12.5}} answers 202
 * and emits an {@code Order Placed} event. The order never waits for, or fails because of, analytics:
 * {@code emit()} only appends to the local log.
 *
 * <p>Run it with a connector file: {@code CheckoutService amplitude-connector.yaml [port]}, the key in
 * {@code AMPLITUDE_API_TOKEN}.
 */
public final class CheckoutService implements Closeable {
  private static final System.Logger LOG = System.getLogger(CheckoutService.class.getName());

  private final ObjectMapper mapper = new ObjectMapper();
  private final Analytics analytics;
  private final HttpServer server;
  private final ExecutorService workers;

  private CheckoutService(Analytics analytics, HttpServer server, ExecutorService workers) {
    this.analytics = analytics;
    this.server = server;
    this.workers = workers;
  }

  /** Starts serving on loopback {@code port} (0: any free port); the service owns {@code analytics} from now on. */
  public static CheckoutService start(Analytics analytics, int port) throws IOException {
    Objects.requireNonNull(analytics, "analytics == null");
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
    ExecutorService workers = Executors.newFixedThreadPool(4, runnable -> {
      Thread thread = new Thread(runnable, "checkout-http");
      thread.setDaemon(true);
      return thread;
    });
    CheckoutService service = new CheckoutService(analytics, server, workers);
    server.createContext("/checkout", service::checkout);
    server.setExecutor(workers);
    server.start();
    return service;
  }

  /** The port the service listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  private void checkout(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!"POST".equals(exchange.getRequestMethod())) {
        respond(exchange, 405, "{\"error\":\"POST only\"}");
        return;
      }
      JsonNode order;
      try {
        order = mapper.readTree(exchange.getRequestBody());
      } catch (IOException e) {
        respond(exchange, 400, "{\"error\":\"invalid JSON\"}");
        return;
      }
      if (order == null || !order.hasNonNull("user_id") || !order.hasNonNull("order_id")) {
        respond(exchange, 400, "{\"error\":\"user_id and order_id are required\"}");
        return;
      }
      // ... the real work of the checkout happens here ...

      Map<String, Object> properties = new LinkedHashMap<>();
      properties.put("order_id", order.get("order_id").asText());
      properties.put("total", order.path("total").asDouble());
      Map<String, Object> event = new LinkedHashMap<>();
      event.put("event_type", "Order Placed");
      event.put("user_id", order.get("user_id").asText());
      event.put("time", System.currentTimeMillis());
      event.put("event_properties", properties);
      try {
        analytics.emit(event); // a local append: no network, never throws for a delivery problem
      } catch (RuntimeException e) {
        // Only a full disk or a full queue (BLOCK timed out) lands here; the order itself succeeded.
        LOG.log(System.Logger.Level.WARNING, "analytics event not recorded: " + e.getMessage());
      }
      respond(exchange, 202, "{\"order_id\":" + mapper.writeValueAsString(order.get("order_id").asText()) + "}");
    }
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  /**
   * Stops taking requests first, so nothing is emitted after, then closes {@link Analytics}: it
   * delivers what it can within its close timeout and keeps the rest on disk for the next start.
   */
  @Override
  public void close() {
    server.stop(1);
    workers.shutdown();
    analytics.close();
  }

  public static void main(String[] args) throws IOException {
    if (args.length < 1) {
      System.err.println("usage: CheckoutService <connector.yaml> [port]   (secrets from the environment)");
      System.exit(2);
    }
    Analytics analytics = ConnectorLoader.fromFile(Path.of(args[0])).build();
    CheckoutService service = start(analytics, args.length > 1 ? Integer.parseInt(args[1]) : 8080);
    Runtime.getRuntime().addShutdownHook(new Thread(service::close, "checkout-shutdown"));
    System.out.println("POST http://127.0.0.1:" + service.port() + "/checkout; Ctrl-C stops");
  }
}
