package dev.analytics.internal.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class HumanDurationTest {
  @Test
  void parsesFluvioForms() {
    assertThat(HumanDuration.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(HumanDuration.parse("15s")).isEqualTo(Duration.ofSeconds(15));
    assertThat(HumanDuration.parse("1m")).isEqualTo(Duration.ofMinutes(1));
    assertThat(HumanDuration.parse("1h 30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(HumanDuration.parse("2days")).isEqualTo(Duration.ofDays(2));
    assertThat(HumanDuration.parse(" 1s ")).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void rejectsWhatIsNotADuration() {
    assertThatThrownBy(() -> HumanDuration.parse("15")).hasMessageContaining("\"15\"");
    assertThatThrownBy(() -> HumanDuration.parse("15 parsecs")).hasMessageContaining("unknown unit \"parsecs\"");
    assertThatThrownBy(() -> HumanDuration.parse("")).hasMessageContaining("empty");
    assertThatThrownBy(() -> HumanDuration.parse("s15")).isInstanceOf(IllegalArgumentException.class);
  }
}
