package dev.analytics.kafka.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PortsTest {
  @Test
  void portsChosenTogetherAreDifferentAndFree() throws IOException {
    int[] ports = Ports.free(20);

    assertThat(Arrays.stream(ports).distinct().count()).isEqualTo(20);
    for (int port : ports) {
      try (ServerSocket socket = new ServerSocket()) {
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        assertThat(socket.getLocalPort()).isEqualTo(port);
      }
    }
  }

  @Test
  void aPortIsHandedOutOncePerJvm() {
    int[] first = Ports.free(10);
    int[] second = Ports.free(10);
    int single = Ports.free();

    assertThat(Arrays.stream(second).boxed()).doesNotContainAnyElementsOf(Arrays.stream(first).boxed().toList());
    assertThat(first).doesNotContain(single);
    assertThat(second).doesNotContain(single);
  }

  @Test
  void aCountBelowOneIsRefused() {
    assertThatThrownBy(() -> Ports.free(0)).isInstanceOf(IllegalArgumentException.class).hasMessage("count < 1: 0");
  }
}
