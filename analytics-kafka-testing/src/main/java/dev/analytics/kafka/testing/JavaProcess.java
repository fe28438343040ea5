package dev.analytics.kafka.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A main class of this program's class path run in a child JVM, its output appended to a file, so that a
 * test can {@linkplain #kill() kill -9} it. The broker and the Connect workers run this way; so can any
 * process a test wants to crash.
 *
 * <pre>{@code
 * try (JavaProcess child = JavaProcess.builder("com.example.Writer").output(dir.resolve("writer.log"))
 *     .args(dir.toString()).start()) {
 *   ...
 *   child.kill();
 * }
 * }</pre>
 *
 * <p>The child is small and polite on a shared machine: a serial GC and the C1 compiler only.
 */
public final class JavaProcess implements AutoCloseable {
  private static final Duration KILL_TIMEOUT = Duration.ofSeconds(30);
  private static final int TAIL_LINES = 40;

  private final String name;
  private final Process process;
  private final Path output;

  private JavaProcess(String name, Process process, Path output) {
    this.name = name;
    this.process = process;
    this.output = output;
  }

  /** A child JVM that will run {@code mainClass}, found on this program's class path. */
  public static Builder builder(String mainClass) {
    return new Builder(mainClass);
  }

  /** The child's process id. */
  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** {@code kill -9}, then waits until the process is gone. */
  public void kill() {
    process.toHandle().destroyForcibly();
    awaitExit(KILL_TIMEOUT);
  }

  /** SIGTERM (Kafka and Connect shut down cleanly on it), waiting up to {@code timeout}, then SIGKILL. */
  public void stop(Duration timeout) {
    process.toHandle().destroy();
    if (!awaitExit(timeout)) kill();
  }

  /** True if the process ended within {@code timeout}. */
  public boolean awaitExit(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The last 40 lines of the output, for failure messages. */
  public String tail() {
    try {
      List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(output of " + name + " unreadable: " + e + ")";
    }
  }

  /** Kills the process ({@code kill -9}) if it still runs. */
  @Override
  public void close() {
    if (process.isAlive()) kill();
  }

  @Override
  public String toString() {
    return name + " (pid " + process.pid() + ")";
  }

  /** How to start a {@link JavaProcess}: only the main class and the output file are required. */
  public static final class Builder {
    private final String mainClass;
    private String name;
    private int heapMegabytes = 256;
    private Path output;
    private final List<String> jvmOptions = new ArrayList<>();
    private final Map<String, String> environment = new LinkedHashMap<>();
    private final List<String> args = new ArrayList<>();

    private Builder(String mainClass) {
      this.mainClass = Objects.requireNonNull(mainClass, "mainClass == null");
      this.name = mainClass.substring(mainClass.lastIndexOf('.') + 1);
    }

    /** The name in messages and {@link #toString()}; default: the main class's simple name. */
    public Builder name(String name) {
      this.name = Objects.requireNonNull(name, "name == null");
      return this;
    }

    /** The maximum heap ({@code -Xmx}), in megabytes; default 256. */
    public Builder heapMegabytes(int heapMegabytes) {
      if (heapMegabytes < 16) throw new IllegalArgumentException("heapMegabytes < 16: " + heapMegabytes);
      this.heapMegabytes = heapMegabytes;
      return this;
    }

    /** The file that stdout and stderr are appended to (required; its directory must exist). */
    public Builder output(Path output) {
      this.output = Objects.requireNonNull(output, "output == null");
      return this;
    }

    /** An extra JVM option, such as {@code -Dkey=value}. */
    public Builder jvmOption(String option) {
      jvmOptions.add(Objects.requireNonNull(option, "option == null"));
      return this;
    }

    /** Environment variables added to this process's for the child. */
    public Builder environment(Map<String, String> variables) {
      environment.putAll(Objects.requireNonNull(variables, "variables == null"));
      return this;
    }

    /** The main class's arguments. */
    public Builder args(String... arguments) {
      args.addAll(List.of(arguments));
      return this;
    }

    /** Starts the child without waiting for it. */
    public JavaProcess start() {
      if (output == null) throw new IllegalStateException(name + ": output(Path) is required");
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.add("-Xmx" + heapMegabytes + "m");
      command.add("-XX:+UseSerialGC"); // two cores shared by everything: no parallel GC threads
      command.add("-XX:TieredStopAtLevel=1");
      command.add("-Djava.net.preferIPv4Stack=true");
      command.addAll(jvmOptions);
      command.add("-cp");
      command.add(classPath());
      command.add(mainClass);
      command.addAll(args);
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
      builder.environment().putAll(environment);
      try {
        return new JavaProcess(name, builder.start(), output);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start " + name, e);
      }
    }

    /**
     * Runs the child to completion: returns if it exits with 0 within {@code timeout}; otherwise kills it
     * and throws {@link IllegalStateException} with the end of its output.
     */
    public void run(Duration timeout) {
      try (JavaProcess child = start()) {
        if (!child.awaitExit(timeout)) {
          throw new IllegalStateException(name + " did not finish within " + timeout + ":\n" + child.tail());
        }
        int exit = child.process.exitValue();
        if (exit != 0) throw new IllegalStateException(name + " exited with " + exit + ":\n" + child.tail());
      }
    }

    /**
     * This program's class path. Under {@code mvn exec:java} the project's classes are in the context
     * class loader, not in {@code java.class.path} (which is Maven's own); under Surefire and a plain
     * {@code java -cp}, {@code java.class.path} is the one.
     */
    private static String classPath() {
      ClassLoader loader = Thread.currentThread().getContextClassLoader();
      if (loader instanceof URLClassLoader && ((URLClassLoader) loader).getURLs().length > 0) {
        List<String> entries = new ArrayList<>();
        for (URL url : ((URLClassLoader) loader).getURLs()) {
          try {
            entries.add(Path.of(url.toURI()).toString());
          } catch (URISyntaxException | IllegalArgumentException e) {
            // Not a file: the child could not use it anyway.
          }
        }
        return String.join(File.pathSeparator, entries);
      }
      return System.getProperty("java.class.path");
    }
  }
}
