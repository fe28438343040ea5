package dev.analytics.spring;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.zip.GZIPInputStream;

/** A plain HTTP endpoint on 127.0.0.1 that records each request and answers with a settable status. */
final class LoopbackReceiver implements AutoCloseable {
  /** One request as received: its headers (names lower-cased) and its body, gunzipped. */
  static final class Request {
    final Map<String, String> headers;
    final String body;

    Request(Map<String, String> headers, String body) {
      this.headers = headers;
      this.body = body;
    }
  }

  private final HttpServer server;
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private volatile int status = 200;
  private volatile String response = "{\"code\":200}";

  LoopbackReceiver() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(Executors.newFixedThreadPool(2));
    server.createContext("/", exchange -> {
      byte[] raw;
      try (InputStream in = exchange.getRequestBody()) {
        raw = in.readAllBytes();
      }
      if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
        raw = new GZIPInputStream(new java.io.ByteArrayInputStream(raw)).readAllBytes();
      }
      Map<String, String> headers = new java.util.TreeMap<>();
      exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v.get(0)));
      int answer = status;
      if (answer < 300) requests.add(new Request(headers, new String(raw, StandardCharsets.UTF_8)));
      byte[] out = response.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(answer, out.length);
      exchange.getResponseBody().write(out);
      exchange.close();
    });
    server.start();
  }

  String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/2/httpapi";
  }

  /** Requests answered with a 2xx. */
  List<Request> accepted() {
    return requests;
  }

  void answer(int status, String response) {
    this.status = status;
    this.response = response;
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }
}
