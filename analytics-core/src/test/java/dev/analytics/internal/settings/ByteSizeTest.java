package dev.analytics.internal.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ByteSizeTest {
  @Test
  void byteSizesInEveryUnit() {
    assertThat(ByteSize.parse("1048576")).isEqualTo(1048576L);
    assertThat(ByteSize.parse("10B")).isEqualTo(10L);
    assertThat(ByteSize.parse("2kB")).isEqualTo(2000L);
    assertThat(ByteSize.parse("2KiB")).isEqualTo(2048L);
    assertThat(ByteSize.parse("2k")).isEqualTo(2048L);
    assertThat(ByteSize.parse("512MiB")).isEqualTo(512L << 20);
    assertThat(ByteSize.parse("3 mb")).isEqualTo(3_000_000L);
    assertThat(ByteSize.parse("1GiB")).isEqualTo(1L << 30);
    assertThat(ByteSize.parse("1GB")).isEqualTo(1_000_000_000L);
    assertThat(ByteSize.parse("1TiB")).isEqualTo(1L << 40);
    assertThatThrownBy(() -> ByteSize.parse("1.5GiB")).hasMessageContaining("invalid byte size \"1.5GiB\"");
    assertThatThrownBy(() -> ByteSize.parse("-1")).hasMessageContaining("invalid byte size");
    assertThatThrownBy(() -> ByteSize.parse("99999999999TiB")).hasMessageContaining("too large");
  }
}
