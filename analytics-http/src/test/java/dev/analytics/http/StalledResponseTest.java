package dev.analytics.http;

import static dev.analytics.http.testing.HttpTesting.seedRecords;
import static org.assertj.core.api.Assertions.assertThat;

import dev.analytics.spi.Outcome;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A server that sends its headers and then stalls mid-body (a hung proxy, a half-open connection):
 * the JDK's request timeout does not cover the body, so without a deadline of its own the batch
 * would never complete and its records would be held forever.
 */
class StalledResponseTest {
  @Test
  void aBodyThatStallsAfterTheHeadersEndsInRetryLater() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    java.util.concurrent.atomic.AtomicBoolean headersSent = new java.util.concurrent.atomic.AtomicBoolean();
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread stalling = new Thread(() -> {
        try (Socket socket = server.accept()) {
          InputStream in = socket.getInputStream();
          byte[] buffer = new byte[8192];
          in.read(buffer); // the request (small enough for one read here)
          OutputStream out = socket.getOutputStream();
          out.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\nContent-Type: application/json\r\n\r\n{"
              .getBytes(StandardCharsets.US_ASCII));
          out.flush();
          headersSent.set(true);
          release.await(30, TimeUnit.SECONDS); // ...and nothing more
        } catch (Exception e) {
          // The client gave up: expected.
        }
      }, "stalling-server");
      stalling.setDaemon(true);
      stalling.start();
      HttpSink sink = HttpSink.builder()
          .endpoint("http://127.0.0.1:" + server.getLocalPort() + "/collect")
          .connectTimeout(Duration.ofSeconds(10)) // a loaded machine must not end it before the body stalls
          .requestTimeout(Duration.ofMillis(200))
          .maxAttempts(1)
          .build();
      try {
        List<Outcome> outcomes = sink.send(seedRecords(2)).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(outcomes).extracting(Outcome::kind).containsExactly(Outcome.Kind.RETRY, Outcome.Kind.RETRY);
        assertThat(headersSent).as("the server sent its headers: the body stalled, not the connection").isTrue();
      } finally {
        release.countDown();
        sink.close();
      }
    }
  }
}
