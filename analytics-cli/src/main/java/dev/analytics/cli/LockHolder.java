package dev.analytics.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Who holds a directory's {@code .lock}, found without touching the lock: on Linux the kernel lists every
 * file lock with its process in {@code /proc/locks}. Trying the lock instead would take it for a moment
 * and could make a service that starts at that instant fail.
 */
final class LockHolder {
  private static final Path PROC_LOCKS = Path.of("/proc/locks");

  /** What is known about the lock. */
  record State(boolean known, boolean held, long pid, String command) {
    static final State UNKNOWN = new State(false, false, -1, null);
    static final State FREE = new State(true, false, -1, null);

    String describe() {
      if (!known) return "unknown (no /proc/locks on this system)";
      if (!held) return "free";
      return "held by process " + pid + (command == null ? "" : " (" + command + ")")
          + (pid == ProcessHandle.current().pid() ? ", this process" : "");
    }
  }

  private LockHolder() {}

  static State of(Path directory) {
    Path lockFile = directory.resolve(".lock");
    if (!Files.exists(lockFile)) return State.FREE;
    if (!Files.isReadable(PROC_LOCKS)) return State.UNKNOWN;
    long inode;
    long device;
    try {
      inode = ((Number) Files.getAttribute(lockFile, "unix:ino")).longValue();
      device = ((Number) Files.getAttribute(lockFile, "unix:dev")).longValue();
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return State.UNKNOWN;
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(PROC_LOCKS, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      return State.UNKNOWN;
    }
    String wanted = deviceText(device) + ":" + inode;
    for (String line : lines) {
      // "1: POSIX  ADVISORY  WRITE 12345 fe:00:2146521 0 EOF"; waiters have "->" after the number.
      String[] fields = line.trim().split("\\s+");
      if (fields.length < 6 || fields[1].equals("->")) continue;
      if (!fields[5].equals(wanted)) continue;
      long pid;
      try {
        pid = Long.parseLong(fields[4]);
      } catch (NumberFormatException e) {
        continue;
      }
      return new State(true, true, pid, command(pid).orElse(null));
    }
    return State.FREE;
  }

  /** st_dev as /proc/locks prints it: major:minor in hex (Linux's new_encode_dev layout). */
  static String deviceText(long dev) {
    long major = (dev >>> 8) & 0xfff;
    long minor = (dev & 0xff) | ((dev >>> 12) & 0xfff00);
    return String.format("%02x:%02x", major, minor);
  }

  /**
   * The holder's program and, for a JVM, its jar or main class: never its other arguments, which may
   * carry secrets ({@code -Dtoken=...}).
   */
  private static Optional<String> command(long pid) {
    Optional<ProcessHandle.Info> info = ProcessHandle.of(pid).map(ProcessHandle::info);
    Optional<String> executable = info.flatMap(ProcessHandle.Info::command);
    if (executable.isEmpty()) return Optional.empty();
    String program = Path.of(executable.get()).getFileName().toString();
    String[] args = info.flatMap(ProcessHandle.Info::arguments).orElse(new String[0]);
    return Optional.of(Format.excerpt(program + mainOf(args), 120));
  }

  static String mainOf(String[] args) {
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("-jar") && i + 1 < args.length) return " -jar " + args[i + 1];
      if (List.of("-cp", "-classpath", "--class-path", "-p", "--module-path", "--add-opens", "--add-exports",
          "--add-modules").contains(arg)) {
        i++;
      } else if (arg.equals("-m") || arg.equals("--module")) {
        return i + 1 < args.length ? " -m " + args[i + 1] : "";
      } else if (!arg.startsWith("-")) {
        return " " + arg;
      }
    }
    return "";
  }
}
