package dev.analytics.benchmarks.peers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SampleEventTest {

  @Test
  void isAboutTwoHundredFiftyBytesOfAmplitudeShapedJson() throws Exception {
    String json = SampleEvent.json(12345);
    JsonNode event = new ObjectMapper().readTree(json);

    assertThat(json.getBytes(StandardCharsets.UTF_8).length).isBetween(230, 270);
    assertThat(event.get("event_type").asText()).isEqualTo(SampleEvent.NAME);
    assertThat(event.get("event_id").asInt()).isEqualTo(12345);
    assertThat(event.get("event_properties").size()).isEqualTo(3);
  }

  @Test
  void receiverCountsEachEventOnceByItsName() {
    byte[] body = ("{\"events\":[" + SampleEvent.json(1) + "," + SampleEvent.json(2) + "," + SampleEvent.json(3) + "]}")
        .getBytes(StandardCharsets.UTF_8);

    assertThat(Receiver.count(body, SampleEvent.NAME_BYTES)).isEqualTo(3);
    assertThat(Receiver.count("{\"code\":200}".getBytes(StandardCharsets.UTF_8), SampleEvent.NAME_BYTES)).isZero();
    assertThat(Receiver.count("aaaa".getBytes(StandardCharsets.UTF_8), "aa".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(2);
  }
}
