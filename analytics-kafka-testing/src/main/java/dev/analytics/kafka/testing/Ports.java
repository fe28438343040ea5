package dev.analytics.kafka.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Free loopback ports, chosen before a child process binds them: a broker must know its port before it
 * starts, so that clients can be pointed at it early and it comes back on the same port after a kill.
 */
public final class Ports {
  private Ports() {}

  /** A loopback port that no socket was bound to a moment ago. */
  public static int free() {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
