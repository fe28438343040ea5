package dev.analytics;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.analytics.testing.RecordingSink;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A directory that cannot hold the log fails build() saying what is wrong with it. */
class DirectoryErrorsTest {
  @TempDir Path dir;

  @Test
  void aFileWhereTheDirectoryShouldBeIsNamed() throws Exception {
    Path file = Files.writeString(dir.resolve("analytics"), "not a directory");
    assertThatThrownBy(() -> Analytics.builder().directory(file).sink("a", new RecordingSink()).build())
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("cannot open analytics directory " + file)
        .hasMessageContaining("is a file, not a directory");
  }

  @Test
  void aFileInThePathIsNamed() throws Exception {
    Path file = Files.writeString(dir.resolve("data"), "not a directory");
    Path below = file.resolve("analytics");
    assertThatThrownBy(() -> Analytics.builder().directory(below).sink("a", new RecordingSink()).build())
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining(file + " is a file, not a directory");
  }
}
