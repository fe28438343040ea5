package dev.analytics.kafka.testing;

import java.time.Duration;

/**
 * What the broker and a Connect worker share: one child JVM at a time, started again after a kill, and
 * how a test ends it or reads its output. Package-private: its public methods are the subclasses' API.
 */
abstract class ChildService implements AutoCloseable {
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

  private JavaProcess process;

  /** Records the process that {@code start()} just started. */
  final synchronized void started(JavaProcess process) {
    this.process = process;
  }

  /** Throws {@link IllegalStateException} if the process runs already. */
  final synchronized void requireNotRunning() {
    if (isRunning()) throw new IllegalStateException(this + " already runs");
  }

  /** The process that runs, or ran last; throws {@link IllegalStateException} if none was started. */
  final synchronized JavaProcess current() {
    if (process == null) throw new IllegalStateException(this + " was not started");
    return process;
  }

  /** {@code kill -9} of the process; {@code start()} brings it back with its data. */
  public final synchronized void kill() {
    if (process != null) process.kill();
  }

  /** True while the process started last is alive. */
  public final synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** The end of the output of the process started last, for failure messages. */
  public final synchronized String tail() {
    return process == null ? "(not started)" : process.tail();
  }

  /** Stops the process (SIGTERM, then SIGKILL after 10 s). */
  @Override
  public final synchronized void close() {
    if (process != null) process.stop(STOP_TIMEOUT);
  }
}
