package dev.analytics.examples;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/** How long each phase lasts and how many events the services emit. */
public final class DemoOptions {
  final int services;
  final int eventsPerService;
  final Duration emitWindow;
  final Duration startupDelay;
  final Duration outageAfter;
  final Duration outage;
  final Duration flushTimeout;
  final Path config;

  private DemoOptions(int services, int eventsPerService, Duration emitWindow, Duration startupDelay,
      Duration outageAfter, Duration outage, Duration flushTimeout, Path config) {
    this.services = services;
    this.eventsPerService = eventsPerService;
    this.emitWindow = emitWindow;
    this.startupDelay = startupDelay;
    this.outageAfter = outageAfter;
    this.outage = outage;
    this.flushTimeout = flushTimeout;
    this.config = config;
  }

  /** The full story: 3 services x 400 events over about 12 s, a 2 s start-up race, a 4 s outage. */
  public static DemoOptions full() {
    return new DemoOptions(3, 400, Duration.ofSeconds(12), Duration.ofSeconds(2), Duration.ofSeconds(3),
        Duration.ofSeconds(4), Duration.ofSeconds(40), null);
  }

  /** The same story in a few seconds: 3 services x 30 events, short race and outage. */
  public static DemoOptions shortRun() {
    return new DemoOptions(3, 30, Duration.ofMillis(1500), Duration.ofMillis(400), Duration.ofMillis(400),
        Duration.ofMillis(600), Duration.ofSeconds(30), null);
  }

  /** The same options reading another connector file. */
  public DemoOptions config(Path file) {
    return new DemoOptions(services, eventsPerService, emitWindow, startupDelay, outageAfter, outage,
        flushTimeout, Objects.requireNonNull(file, "file == null"));
  }

  /** {@code --short} and {@code --config <file>}. */
  public static DemoOptions parse(String... args) {
    DemoOptions options = full();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--short":
          Path config = options.config;
          options = shortRun();
          if (config != null) options = options.config(config);
          break;
        case "--config":
          if (i + 1 == args.length) throw new IllegalArgumentException("--config needs a file");
          options = options.config(Path.of(args[++i]));
          break;
        default:
          throw new IllegalArgumentException("unknown argument \"" + args[i] + "\"; use --short, --config <file>");
      }
    }
    return options;
  }
}
