package dev.analytics.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AmplitudeReceiverTest {
  private static final String KEY = "test-api-key";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final HttpClient client = HttpClient.newHttpClient();
  private AmplitudeReceiver receiver;

  @BeforeEach
  void setUp() {
    receiver = AmplitudeReceiver.create(KEY).start();
  }

  @AfterEach
  void tearDown() {
    receiver.close();
  }

  @Test
  void acceptsValidBatchWithAmplitudeResponseBody() throws Exception {
    String body = "{\"api_key\":\"" + KEY + "\",\"events\":["
        + "{\"event_type\":\"a\",\"user_id\":\"user@example.com\",\"insert_id\":\"i-1\"},"
        + "{\"event_type\":\"b\",\"device_id\":\"device-12345\"}]}";
    HttpResponse<String> response = post(body);

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode json = MAPPER.readTree(response.body());
    assertThat(json.get("code").asInt()).isEqualTo(200);
    assertThat(json.get("events_ingested").asInt()).isEqualTo(2);
    assertThat(json.get("payload_size_bytes").asInt()).isEqualTo(body.getBytes(StandardCharsets.UTF_8).length);
    assertThat(json.get("server_upload_time").asLong()).isPositive();
    assertThat(receiver.events()).extracting(e -> e.get("event_type").asText()).containsExactly("a", "b");
    assertThat(receiver.requests()).singleElement().satisfies(r -> {
      assertThat(r.body()).isEqualTo(body);
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.contentType()).isEqualTo("application/json");
    });
  }

  @Test
  void suppressesRepeatedInsertIdForSameUser() throws Exception {
    String event = "{\"event_type\":\"a\",\"user_id\":\"user@example.com\",\"insert_id\":\"same\"}";
    String other = "{\"event_type\":\"a\",\"user_id\":\"other@example.com\",\"insert_id\":\"same\"}";
    assertThat(post(batch(event)).statusCode()).isEqualTo(200);
    assertThat(post(batch(event, other)).statusCode()).isEqualTo(200);

    assertThat(receiver.events()).hasSize(2);
    assertThat(receiver.duplicatesSuppressed()).isEqualTo(1);
    assertThat(receiver.requests()).hasSize(2);
  }

  @Test
  void rejectsWrongContentType() throws Exception {
    HttpResponse<String> response = post(batch(valid()), "text/html", false);
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("Content-Type");
    assertThat(receiver.events()).isEmpty();
  }

  @Test
  void acceptsGzipAndCountsLimitAfterDecompression() throws Exception {
    HttpResponse<String> response = post(batch(valid()), "application/json", true);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(receiver.requests().get(0).contentEncoding()).isEqualTo("gzip");
    assertThat(receiver.requests().get(0).body()).isEqualTo(batch(valid()));

    // Compresses to a few KB but is over 1 MB once decompressed.
    String padding = "x".repeat(1000);
    StringBuilder events = new StringBuilder();
    for (int i = 0; i < 1100; i++) {
      if (i > 0) events.append(',');
      events.append("{\"event_type\":\"").append(padding).append("\",\"user_id\":\"user-").append(10000 + i)
          .append("\"}");
    }
    HttpResponse<String> tooLarge = post("{\"api_key\":\"" + KEY + "\",\"events\":[" + events + "]}",
        "application/json", true);
    assertThat(tooLarge.statusCode()).isEqualTo(413);
    assertThat(MAPPER.readTree(tooLarge.body()).get("error").asText()).isEqualTo("Payload too large");
    assertThat(receiver.events()).hasSize(1);
  }

  @Test
  void rejectsMoreThan2000Events() throws Exception {
    String[] events = new String[2001];
    for (int i = 0; i < events.length; i++) events[i] = "{\"event_type\":\"e\",\"user_id\":\"u" + (10000 + i) + "\"}";
    assertThat(post(batch(events)).statusCode()).isEqualTo(413);
    assertThat(post(batch(java.util.Arrays.copyOf(events, 2000))).statusCode()).isEqualTo(200);
    assertThat(receiver.events()).hasSize(2000);
  }

  @Test
  void missingApiKeyNamesTheField() throws Exception {
    HttpResponse<String> response = post("{\"events\":[" + valid() + "]}");
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(MAPPER.readTree(response.body()).get("missing_field").asText()).isEqualTo("api_key");
  }

  @Test
  void wrongApiKeyIsInvalidAndNotEchoed() throws Exception {
    HttpResponse<String> response = post("{\"api_key\":\"secret-wrong\",\"events\":[" + valid() + "]}");
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(MAPPER.readTree(response.body()).get("error").asText()).startsWith("Invalid API key");
    assertThat(response.body()).doesNotContain("secret-wrong");
    assertThat(receiver.events()).isEmpty();
  }

  @Test
  void badEventsAreListedByIndexAndNothingIsIngested() throws Exception {
    HttpResponse<String> response = post(batch(
        valid(),
        "{\"user_id\":\"user@example.com\"}",
        "{\"event_type\":\"a\",\"user_id\":\"anonymous\"}",
        "{\"event_type\":\"a\",\"user_id\":\"abc\"}",
        "{\"event_type\":\"a\"}"));

    assertThat(response.statusCode()).isEqualTo(400);
    JsonNode json = MAPPER.readTree(response.body());
    assertThat(json.get("code").asInt()).isEqualTo(400);
    assertThat(json.at("/events_with_missing_fields/event_type").toString()).isEqualTo("[1]");
    assertThat(json.at("/events_with_missing_fields/user_id").toString()).isEqualTo("[4]");
    assertThat(json.at("/events_with_invalid_fields/user_id").toString()).isEqualTo("[2]");
    assertThat(json.at("/events_with_invalid_id_lengths/user_id").toString()).isEqualTo("[3]");
    assertThat(receiver.events()).isEmpty();
  }

  @Test
  void minIdLengthOptionIsHonoured() throws Exception {
    String body = "{\"api_key\":\"" + KEY + "\",\"events\":[{\"event_type\":\"a\",\"user_id\":\"abc\"}],"
        + "\"options\":{\"min_id_length\":3}}";
    assertThat(post(body).statusCode()).isEqualTo(200);
  }

  @Test
  void invalidJsonAndWrongPathAreRejected() throws Exception {
    assertThat(post("{not json").statusCode()).isEqualTo(400);
    HttpResponse<String> wrongPath = client.send(
        HttpRequest.newBuilder(receiver.endpoint().resolve("/batch"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(batch(valid()))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(wrongPath.statusCode()).isEqualTo(404);
  }

  @Test
  void stopRefusesConnectionsAndRestartKeepsPortAndData() throws Exception {
    int port = receiver.port();
    assertThat(post(batch(valid())).statusCode()).isEqualTo(200);

    receiver.stop();
    assertThat(receiver.isRunning()).isFalse();
    assertThatThrownBy(() -> post(batch(valid()))).isInstanceOf(ConnectException.class);

    receiver.start();
    assertThat(receiver.port()).isEqualTo(port);
    String second = "{\"event_type\":\"b\",\"user_id\":\"user@example.com\"}";
    assertThat(post(batch(second)).statusCode()).isEqualTo(200);
    assertThat(receiver.events()).hasSize(2);
  }

  @Test
  void failAfterIngestingStoresEventsButAnswers504() throws Exception {
    receiver.failAfterIngesting(1);
    String event = "{\"event_type\":\"a\",\"user_id\":\"user@example.com\",\"insert_id\":\"x-1\"}";
    HttpResponse<String> lost = post(batch(event));
    assertThat(lost.statusCode()).isEqualTo(504);
    assertThat(lost.headers().firstValue("Content-Type")).hasValue("text/html");

    HttpResponse<String> retry = post(batch(event));
    assertThat(retry.statusCode()).isEqualTo(200);
    assertThat(receiver.events()).hasSize(1);
    assertThat(receiver.duplicatesSuppressed()).isEqualTo(1);
  }

  @Test
  void rejectsBadArguments() {
    assertThatThrownBy(() -> AmplitudeReceiver.create("")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AmplitudeReceiver.create(KEY, 70000))
        .hasMessage("port out of range [0, 65535]: 70000");
    assertThatThrownBy(() -> receiver.failAfterIngesting(-1)).hasMessage("count < 0: -1");
  }

  private static String valid() {
    return "{\"event_type\":\"a\",\"user_id\":\"user@example.com\"}";
  }

  private static String batch(String... events) {
    return "{\"api_key\":\"" + KEY + "\",\"events\":[" + String.join(",", events) + "]}";
  }

  private HttpResponse<String> post(String body) throws IOException, InterruptedException {
    return post(body, "application/json", false);
  }

  private HttpResponse<String> post(String body, String contentType, boolean gzip)
      throws IOException, InterruptedException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    HttpRequest.Builder request = HttpRequest.newBuilder(receiver.endpoint()).header("Content-Type", contentType);
    if (gzip) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
        zip.write(bytes);
      }
      bytes = out.toByteArray();
      request.header("Content-Encoding", "gzip");
    }
    return client.send(request.POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
