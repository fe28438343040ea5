package dev.analytics.internal.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Every file operation of the event log, the cursors and the dead-letter log. The real one
 * ({@link #DEFAULT}) is the file system; tests replace it to inject faults or to simulate a power loss
 * (what was fsynced survives, what was only written may not).
 */
public interface Storage {
  Storage DEFAULT = new FileStorage();

  /** How {@link #open} opens a file. */
  enum Access {
    /** Reads only; the file must exist. */
    READ,
    /** Reads and writes; the file must exist. */
    WRITE,
    /** Reads and writes; an absent file is created, readable by the owner only. */
    CREATE
  }

  /** Creates the directory and its parents if needed, readable by the owner only. */
  void createDirectories(Path directory) throws IOException;

  /** The entries of {@code directory}, in no particular order. */
  List<Path> list(Path directory) throws IOException;

  /** The size of {@code file}; {@link java.nio.file.NoSuchFileException} if it does not exist. */
  long size(Path file) throws IOException;

  /** Opens {@code file}; {@link java.nio.file.NoSuchFileException} if it must exist and does not. */
  StorageFile open(Path file, Access access) throws IOException;

  /** Deletes {@code file} if it exists. Durable only after {@link #syncDirectory}. */
  void delete(Path file) throws IOException;

  /** Renames {@code source} over {@code target} atomically. Durable only after {@link #syncDirectory}. */
  void move(Path source, Path target) throws IOException;

  /** Makes the files created, renamed or deleted in {@code directory} durable. */
  void syncDirectory(Path directory) throws IOException;

  /** The whole file; {@link java.nio.file.NoSuchFileException} if it does not exist. */
  default byte[] readAll(Path path) throws IOException {
    try (StorageFile file = open(path, Access.READ)) {
      long size = file.size();
      if (size > Integer.MAX_VALUE - 16) throw new IOException(path + " is too large to read: " + size + " bytes");
      ByteBuffer bytes = ByteBuffer.allocate((int) size);
      while (bytes.hasRemaining() && file.read(bytes, bytes.position()) > 0) {
        // reads until full or the end of the file
      }
      return bytes.hasRemaining() ? Arrays.copyOf(bytes.array(), bytes.position()) : bytes.array();
    }
  }
}
