package dev.analytics.kafka.testing;

import java.time.Duration;

/**
 * The main class JavaProcessTest runs in a child JVM. {@code exit N}: prints its argument list and an
 * environment variable, then exits with N. {@code hold}: says it is ready and waits forever; on SIGTERM its
 * shutdown hook says so and holds the JVM, so only SIGKILL ends it.
 */
final class Child {
  private Child() {}

  public static void main(String[] args) throws InterruptedException {
    switch (args[0]) {
      case "exit":
        System.out.println("args " + String.join(" ", args) + "; CHILD_GREETING=" + System.getenv("CHILD_GREETING"));
        System.out.flush();
        System.exit(Integer.parseInt(args[1]));
        break;
      case "hold":
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          System.out.println("term received");
          System.out.flush();
          sleep(Duration.ofMinutes(10));
        }));
        System.out.println("ready");
        System.out.flush();
        sleep(Duration.ofMinutes(10));
        break;
      default:
        throw new IllegalArgumentException("unknown mode " + args[0]);
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
