package dev.analytics.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TimestampsTest {
  @Test
  void fixedFormAgreesWithInstantParseAcrossCenturies() {
    SplittableRandom random = new SplittableRandom(42);
    for (int i = 0; i < 100_000; i++) {
      Instant instant = Instant.ofEpochMilli(random.nextLong(-2_000_000_000_000L, 250_000_000_000_000L));
      String text = instant.toString();
      if (text.length() != 24) continue; // Instant.toString drops zero millis: the hand parser needs all 24
      assertThat(Timestamps.parse(text)).isEqualTo(instant);
    }
    assertThat(Timestamps.parse("2024-02-29T23:59:59.999Z")).isEqualTo(Instant.parse("2024-02-29T23:59:59.999Z"));
  }

  @Test
  void otherFormsFallBackToInstantParse() {
    assertThat(Timestamps.parse("2023-09-06T12:02:29.658014825Z")).isEqualTo(Instant.parse("2023-09-06T12:02:29.658014825Z"));
    assertThat(Timestamps.parse("2023-09-06T12:02:29Z")).isEqualTo(Instant.parse("2023-09-06T12:02:29Z"));
    assertThatThrownBy(() -> Timestamps.parse("2023-13-06T12:02:29.658Z")).isInstanceOf(java.time.format.DateTimeParseException.class);
  }
}
