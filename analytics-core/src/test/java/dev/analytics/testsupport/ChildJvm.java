package dev.analytics.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM running a main class of the test class path with the same java binary, read line by line
 * and killed with SIGKILL ({@link ProcessHandle#destroyForcibly()}).
 */
public final class ChildJvm implements AutoCloseable {
  /** The child's heap: small, so a child that allocates from a corrupt length fails loudly. */
  public static final int HEAP_MEGABYTES = 128;

  private final Process process;
  private final BufferedReader stdout;
  private final Path stderr;
  private final Thread watchdog;

  private ChildJvm(Process process, Path stderr, long timeoutMillis) {
    this.process = process;
    this.stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
    this.stderr = stderr;
    // A hang guard, not a timing assertion: a child that stops talking is killed so reads end.
    this.watchdog = new Thread(() -> {
      try {
        if (!process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) process.destroyForcibly();
      } catch (InterruptedException e) {
        // The test is done with the child.
      }
    }, "child-jvm-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
  }

  /** Starts {@code mainClass} with {@code args}; its stderr goes to {@code stderr}. */
  public static ChildJvm start(Class<?> mainClass, Path stderr, long timeoutMillis, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // Start quickly: this JVM lives for a second or so.
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-XX:+UseSerialGC");
    command.add("-Xmx" + HEAP_MEGABYTES + "m");
    command.add("-Xss512k");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass.getName());
    command.addAll(List.of(args));
    try {
      Process process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
      return new ChildJvm(process, stderr, timeoutMillis);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The next line of stdout, or null at its end. */
  public String readLine() {
    try {
      return stdout.readLine();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * SIGKILL, then waits for the process to be gone. Through the process handle: {@code
   * Process.destroyForcibly()} sends the same signal but also closes our end of the pipes, which would
   * throw away lines the child wrote before it died.
   */
  public void kill() {
    process.toHandle().destroyForcibly();
    try {
      process.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public String stderr() {
    try {
      String text = Files.readString(stderr);
      return text.length() > 4000 ? text.substring(0, 4000) + "..." : text;
    } catch (IOException e) {
      return "(stderr unreadable: " + e + ")";
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) kill();
    watchdog.interrupt();
    try {
      stdout.close();
    } catch (IOException e) {
      // Nothing more to do.
    }
  }
}
