package dev.analytics.kafka.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Free loopback ports, chosen before a child process binds them: a broker must know its port before it
 * starts, so that clients can be pointed at it early and it comes back on the same port after a kill.
 *
 * <p>A port is handed out once per JVM. The kernel may give a port again as soon as the socket that
 * found it is closed, so two brokers or workers created one after the other, before either binds, could
 * otherwise get the same one (a broker refuses to start with its two listeners on one port).
 */
public final class Ports {
  /** Sockets bound while looking for a port this JVM has not handed out yet, at the most. */
  private static final int MAX_ATTEMPTS = 1_000;
  private static final Set<Integer> HANDED_OUT = new HashSet<>();

  private Ports() {}

  /** A loopback port that no socket was bound to a moment ago, and that this JVM has not handed out before. */
  public static int free() {
    return free(1)[0];
  }

  /** {@code count} different loopback ports, each as {@link #free()}. */
  public static synchronized int[] free(int count) {
    if (count < 1) throw new IllegalArgumentException("count < 1: " + count);
    // Every socket stays bound until all ports are chosen, so the kernel cannot offer one of them twice.
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      int[] ports = new int[count];
      int found = 0;
      while (found < count) {
        if (sockets.size() == MAX_ATTEMPTS) {
          throw new IllegalStateException("no loopback port this JVM has not handed out in " + MAX_ATTEMPTS + " tries");
        }
        ServerSocket socket = new ServerSocket();
        sockets.add(socket);
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        if (HANDED_OUT.add(socket.getLocalPort())) ports[found++] = socket.getLocalPort();
      }
      return ports;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find " + count + " free loopback ports", e);
    } finally {
      for (ServerSocket socket : sockets) closeQuietly(socket);
    }
  }

  private static void closeQuietly(ServerSocket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // Closing a bound, unaccepted server socket does not fail in practice; the port is free either way.
    }
  }
}
