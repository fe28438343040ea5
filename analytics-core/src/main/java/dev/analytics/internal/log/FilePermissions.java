package dev.analytics.internal.log;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** The log's files hold user data: readable by the owner only, where the file system has POSIX modes. */
public final class FilePermissions {
  private static final boolean POSIX =
      java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

  private FilePermissions() {}

  public static void restrictDirectory(Path directory) throws IOException {
    if (POSIX) Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
  }

  /** Creates {@code path} with mode 0600, or leaves an existing file as it is. */
  public static void createOwnerOnlyFile(Path path) throws IOException {
    try {
      if (POSIX) {
        Files.createFile(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } else {
        Files.createFile(path);
      }
    } catch (FileAlreadyExistsException e) {
      // Reused as it is.
    }
  }
}
