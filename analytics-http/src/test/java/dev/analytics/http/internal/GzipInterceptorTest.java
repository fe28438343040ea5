package dev.analytics.http.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

class GzipInterceptorTest {
  final GzipInterceptor gzip = new GzipInterceptor(0);

  static byte[] gunzip(byte[] raw) throws IOException {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
      return in.readAllBytes();
    }
  }

  @Test
  void writesGzipThatTheJdkReadsBackForJsonAndForIncompressibleBytes() throws IOException {
    StringBuilder json = new StringBuilder("{\"events\":[");
    for (int i = 0; i < 3000; i++) json.append(i == 0 ? "" : ",").append("{\"user_id\":\"u").append(i).append("\"}");
    byte[] body = json.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    byte[] random = new byte[100_000];
    new Random(42).nextBytes(random); // larger once compressed: the output buffer must grow
    byte[] empty = new byte[0];
    for (int round = 0; round < 3; round++) { // the pooled Deflaters are reset between bodies
      byte[] zipped = gzip.gzip(body);
      assertThat(zipped.length).isLessThan(body.length / 5);
      assertThat(gunzip(zipped)).isEqualTo(body);
      assertThat(gunzip(gzip.gzip(random))).isEqualTo(random);
      assertThat(gunzip(gzip.gzip(empty))).isEmpty();
    }
  }
}
