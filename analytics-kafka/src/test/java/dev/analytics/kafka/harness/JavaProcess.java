package dev.analytics.kafka.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A main class of the test class path run in a child JVM, its output in a file, killed with SIGKILL.
 * The broker and the Connect workers of the tests run this way, so a test can {@code kill -9} them.
 */
public final class JavaProcess implements AutoCloseable {
  private final String name;
  private final Process process;
  private final Path output;

  private JavaProcess(String name, Process process, Path output) {
    this.name = name;
    this.process = process;
    this.output = output;
  }

  /** Starts {@code mainClass args} with a heap of {@code heapMegabytes}; stdout and stderr go to {@code output}. */
  public static JavaProcess start(String name, String mainClass, int heapMegabytes, Path output, List<String> jvmOptions,
      String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx" + heapMegabytes + "m");
    command.add("-XX:+UseSerialGC"); // two cores shared by everything: no parallel GC threads
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-Djava.net.preferIPv4Stack=true");
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass);
    command.addAll(List.of(args));
    try {
      Process process = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()))
          .start();
      return new JavaProcess(name, process, output);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name, e);
    }
  }

  /** Runs {@code mainClass args} to completion within {@code timeout}; fails with its output otherwise. */
  public static void run(String name, String mainClass, Path output, Duration timeout, String... args) {
    try (JavaProcess p = start(name, mainClass, 256, output, List.of(), args)) {
      if (!p.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError(name + " did not finish within " + timeout + ":\n" + p.tail());
      }
      if (p.process.exitValue() != 0) {
        throw new AssertionError(name + " exited with " + p.process.exitValue() + ":\n" + p.tail());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** {@code kill -9}, then waits until the process is gone. */
  public void kill() {
    process.toHandle().destroyForcibly();
    awaitExit(Duration.ofSeconds(30));
  }

  /** SIGTERM (a clean shutdown), waiting up to {@code timeout}, then SIGKILL. */
  public void stop(Duration timeout) {
    process.toHandle().destroy();
    if (!awaitExit(timeout)) kill();
  }

  private boolean awaitExit(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The last lines of the output, for failure messages. */
  public String tail() {
    try {
      List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(output unreadable: " + e + ")";
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) kill();
  }

  @Override
  public String toString() {
    return name + " (pid " + process.pid() + ")";
  }
}
