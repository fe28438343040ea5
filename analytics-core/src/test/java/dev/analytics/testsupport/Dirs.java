package dev.analytics.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/** Directory copies and removal for tests that take crash images of a live log. */
public final class Dirs {
  private Dirs() {}

  /** Copies {@code from} recursively into the new directory {@code to}, skipping the lock file. */
  public static void copy(Path from, Path to) {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path source : (Iterable<Path>) paths::iterator) {
        Path target = to.resolve(from.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else if (!source.getFileName().toString().equals(".lock")) {
          try {
            Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
          } catch (java.nio.file.NoSuchFileException e) {
            // A temporary file the live instance renamed or deleted meanwhile.
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static void delete(Path dir) {
    if (!Files.exists(dir)) return;
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) Files.delete(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
