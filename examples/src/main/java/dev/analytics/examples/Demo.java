package dev.analytics.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.analytics.Analytics;
import dev.analytics.Stats;
import dev.analytics.connector.ConnectorLoader;
import dev.analytics.http.HttpSink;
import dev.analytics.spi.DeadLetter;
import dev.analytics.spi.SecretProvider;
import dev.analytics.testing.AmplitudeReceiver;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The problem and its fix, in under a minute, on this machine, with no account anywhere.
 *
 * <p>A few "service" threads emit analytics events through an {@link Analytics} instance loaded from
 * the unchanged Fluvio connector file {@code amplitude-connector.yaml}, with the endpoint pointed at an
 * {@link AmplitudeReceiver} on loopback. The receiver starts <em>after</em> the services (the start-up
 * race that loses events with an "analytics microservice"), loses a response after ingesting it (so
 * the batch is sent again and {@code insert_id} deduplication shows), goes down in the middle and comes
 * back. At the end the demo compares what was emitted with what the receiver got, body by body, and
 * exits 0 only if nothing was lost and every body is exactly what the seed spec produces:
 * {@code {"events":[<event as emitted>, ...],"api_key":"<key>"}}.
 *
 * <p>Run from the repository root:
 * {@code mvn -B -q install -DskipTests && mvn -B -q -pl examples exec:java}.
 * Arguments: {@code --short} (a few seconds; what the tests run), {@code --config <file>} (another
 * connector file). The API key is {@code AMPLITUDE_API_TOKEN} from the environment if set, else a demo
 * value.
 */
// Why this class is long (~460 lines): the demo stages a whole scenario (receiver faults, a restart,
// the progress table) in one readable file; its options and summary are records of their own.
public final class Demo {
  /** The secret's value when {@code AMPLITUDE_API_TOKEN} is not in the environment. */
  public static final String DEMO_API_KEY = "demo-0123456789abcdef";

  static final String SEED_RESOURCE = "amplitude-connector.yaml";
  private static final String[] SERVICES = {"checkout-service", "search-service", "billing-service"};
  private static final String[] EVENT_TYPES = {"Page Viewed", "Item Added", "Order Placed", "Search"};

  private final DemoOptions options;
  private final PrintStream out;
  private final ObjectMapper mapper = new ObjectMapper();
  private volatile long startNanos = System.nanoTime();
  /** In-request retries of the HTTP sink, which the core's stats().retried() does not see. */
  private final AtomicLong httpRetries = new AtomicLong();
  private volatile String receiverState = "not started";

  private Demo(DemoOptions options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  /** Held so the setting is not garbage-collected with the logger. */
  private static final java.util.logging.Logger LIBRARY_LOG = java.util.logging.Logger.getLogger("dev.analytics");

  public static void main(String[] args) throws Exception {
    // The sink logs each retry at INFO; the progress line tells the same story without the noise.
    LIBRARY_LOG.setLevel(java.util.logging.Level.WARNING);
    DemoSummary summary = run(DemoOptions.parse(args), System.out);
    System.exit(summary.success() ? 0 : 1);
  }

  /** Runs the demo, printing to {@code out}, and returns its summary. */
  public static DemoSummary run(DemoOptions options, PrintStream out) throws IOException, InterruptedException {
    Objects.requireNonNull(options, "options == null");
    Objects.requireNonNull(out, "out == null");
    return new Demo(options, out).run();
  }

  private DemoSummary run() throws IOException, InterruptedException {
    String apiKey = System.getenv("AMPLITUDE_API_TOKEN") != null && !System.getenv("AMPLITUDE_API_TOKEN").isBlank()
        ? System.getenv("AMPLITUDE_API_TOKEN")
        : DEMO_API_KEY;
    Path work = Files.createTempDirectory("analytics-demo-");
    try {
      return run(apiKey, work);
    } finally {
      deleteRecursively(work);
    }
  }

  private DemoSummary run(String apiKey, Path work) throws IOException, InterruptedException {
    Path config = options.config != null ? options.config : seedConfig(work);
    AmplitudeReceiver receiver = AmplitudeReceiver.create(apiKey, AmplitudeReceiver.freePort());
    introduce(config, receiver, work);
    Analytics analytics = ConnectorLoader.fromFile(config)
        .secrets(SecretProvider.of(Map.of("AMPLITUDE_API_TOKEN", apiKey)))
        .onSink(this::countHttpRetries)
        .endpoint(receiver.endpoint().toString())
        .baseDirectory(work)
        .build();
    Services services = new Services(analytics, receiver);
    Progress progress = new Progress(analytics);
    startNanos = System.nanoTime();
    progress.start();
    DemoSummary summary;
    try {
      timeline("services start emitting; the receiver is not up yet (the start-up race)");
      services.start();
      playReceiverTimeline(receiver);
      services.awaitDone();
      timeline("services done emitting; waiting for delivery (flush)");
      boolean flushed = analytics.flush(options.flushTimeout);
      if (!flushed) timeline("flush did not finish within " + options.flushTimeout.toSeconds() + " s");
      progress.stopAndPrint();
      summary = summarize(apiKey, services.emitted, receiver, analytics.deadLetters().list(), analytics.stats(),
          services.emittedWhileDown.get());
    } finally {
      progress.stopAndPrint();
      analytics.close();
      receiver.close();
    }
    summary.print(out);
    return summary;
  }

  /** The HTTP sink retries in-request before the core sees a "retry later": the progress line counts both. */
  private void countHttpRetries(dev.analytics.spi.Sink sink) {
    if (sink instanceof HttpSink http) {
      http.retryRegistry().getAllRetries()
          .forEach(retry -> retry.getEventPublisher().onRetry(event -> httpRetries.incrementAndGet()));
    }
  }

  /**
   * True where the progress line may be redrawn in place with terminal escape codes: a console whose
   * {@code TERM} is known and not {@code dumb}. In a log, under {@code mvn -B} with output captured, or
   * on a dumb terminal, lines are printed one after the other instead.
   */
  static boolean redraws(boolean console, String term) {
    return console && term != null && !term.isBlank() && !term.equalsIgnoreCase("dumb");
  }

  private void introduce(Path config, AmplitudeReceiver receiver, Path work) {
    out.println("== The problem ==");
    out.println("Services send analytics events to an \"analytics microservice\". It starts after them, has no");
    out.println("retries, and goes down now and then: every event sent meanwhile is gone.");
    out.println();
    out.println("== This demo ==");
    out.println("connector file : " + config + " (unchanged)");
    out.println("endpoint       : " + receiver.endpoint() + " (overridden in code; the file says api2.amplitude.com)");
    out.println("local log      : " + work);
    out.println("services       : " + options.services + " threads x " + options.eventsPerService + " events");
    out.println();
  }

  /** Up late, a lost response, an outage, back: what an "analytics microservice" goes through. */
  private void playReceiverTimeline(AmplitudeReceiver receiver) throws IOException {
    sleep(options.startupDelay);
    // The first request after start-up is ingested but its response is lost, as with a load balancer
    // timing out: the batch is sent again and the receiver drops the repeats by insert_id.
    receiver.failAfterIngesting(1);
    receiver.start();
    receiverState = "up";
    timeline("receiver up on port " + receiver.port() + "; its first response will be lost (504 after ingesting)");

    sleep(options.outageAfter);
    receiver.stop();
    receiverState = "DOWN";
    timeline("receiver down (outage); services keep emitting");

    sleep(options.outage);
    receiver.start();
    receiverState = "up";
    timeline("receiver back on the same port");
  }

  /** The service threads: each emits its events spread over the run, and records what it emitted. */
  private final class Services {
    final Map<String, Emitted> emitted = new ConcurrentHashMap<>();
    final AtomicLong emittedWhileDown = new AtomicLong();
    private final CountDownLatch done = new CountDownLatch(options.services);
    private final List<Thread> threads = new ArrayList<>();

    Services(Analytics analytics, AmplitudeReceiver receiver) {
      for (int s = 0; s < options.services; s++) {
        String service = SERVICES[s % SERVICES.length] + (s < SERVICES.length ? "" : "-" + s);
        Thread thread = new Thread(() -> {
          try {
            emitEvents(analytics, service, emitted, receiver, emittedWhileDown);
          } finally {
            done.countDown();
          }
        }, service);
        thread.setDaemon(true);
        threads.add(thread);
      }
    }

    void start() {
      threads.forEach(Thread::start);
    }

    void awaitDone() throws InterruptedException {
      done.await();
    }
  }

  private void emitEvents(
      Analytics analytics, String service, Map<String, Emitted> emitted, AmplitudeReceiver receiver,
      AtomicLong emittedWhileDown) {
    long pauseNanos = options.emitWindow.toNanos() / Math.max(1, options.eventsPerService);
    for (int seq = 0; seq < options.eventsPerService; seq++) {
      Map<String, Object> properties = new LinkedHashMap<>();
      properties.put("service", service);
      properties.put("seq", seq);
      Map<String, Object> event = new LinkedHashMap<>();
      event.put("user_id", "user-" + (1000 + (seq * 7 + service.length()) % 50) + "@example.com");
      event.put("event_type", EVENT_TYPES[seq % EVENT_TYPES.length]);
      event.put("time", System.currentTimeMillis());
      event.put("app_version", "c738ca3");
      event.put("event_properties", properties);
      // A stable insert_id, stored with the event in the local log, makes every resend idempotent.
      event.put("insert_id", UUID.randomUUID().toString());
      boolean down = !receiver.isRunning();
      String id = analytics.emit(event);
      if (down) emittedWhileDown.incrementAndGet();
      emitted.put(key(service, seq), new Emitted(id, toJson(event)));
      // Spread the events over the run so some meet each phase (before start-up, up, outage, back).
      sleep(Duration.ofNanos(pauseNanos));
    }
  }

  private DemoSummary summarize(
      String apiKey, Map<String, Emitted> emitted, AmplitudeReceiver receiver, List<DeadLetter> deadLetters,
      Stats stats, long emittedWhileDown) {
    // 1. Every body on the wire has the seed spec's shape: {"events":[...],"api_key":"<key>"}.
    int requests = 0;
    int malformedBodies = 0;
    List<String> problems = new ArrayList<>();
    Map<Integer, Integer> statuses = new java.util.TreeMap<>();
    int largestRequest = 0;
    for (AmplitudeReceiver.Received request : receiver.requests()) {
      requests++;
      statuses.merge(request.status(), 1, Integer::sum);
      largestRequest = Math.max(largestRequest, eventCount(request.body()));
      String shapeProblem = shapeProblem(request.body(), apiKey);
      if (shapeProblem != null) {
        malformedBodies++;
        if (problems.size() < 5) problems.add("body " + requests + ": " + shapeProblem);
      }
    }

    // 2. Every distinct event the receiver ingested is an emitted event, unchanged.
    Set<String> delivered = new java.util.HashSet<>();
    int unexpected = 0;
    for (JsonNode event : receiver.events()) {
      String key = key(event.path("event_properties").path("service").asText(),
          event.path("event_properties").path("seq").asInt(-1));
      Emitted sent = emitted.get(key);
      String problem = sent == null ? "not emitted by this demo" : sent.mismatch(event);
      if (problem != null) {
        unexpected++;
        if (problems.size() < 10) problems.add("event " + key + ": " + problem);
      } else if (!delivered.add(key)) {
        unexpected++;
        if (problems.size() < 10) problems.add("event " + key + ": ingested twice");
      }
    }

    // 3. What was emitted but neither delivered nor dead-lettered is lost.
    // A dead letter keeps the id emit() returned, so it is matched by that id.
    Map<String, String> keyById = new java.util.HashMap<>();
    emitted.forEach((key, sent) -> keyById.put(sent.id, key));
    Set<String> deadLettered = new java.util.HashSet<>();
    for (DeadLetter letter : deadLetters) {
      String key = keyById.get(letter.id());
      if (key != null) deadLettered.add(key);
      if (problems.size() < 15) problems.add("dead letter " + letter.id() + ": " + letter.reason());
    }
    long lost = emitted.keySet().stream()
        .filter(k -> !delivered.contains(k) && !deadLettered.contains(k))
        .count();
    return new DemoSummary(
        new DemoSummary.Outcomes(emitted.size(), emittedWhileDown, delivered.size(),
            receiver.duplicatesSuppressed(), deadLetters.size(), lost),
        new DemoSummary.Wire(requests, largestRequest, statuses, malformedBodies, unexpected),
        stats, problems);
  }

  private int eventCount(String body) {
    try {
      return body == null ? 0 : mapper.readTree(body).path("events").size();
    } catch (IOException e) {
      return 0;
    }
  }

  private String shapeProblem(String body, String apiKey) {
    if (body == null) return "not decodable";
    JsonNode root;
    try {
      root = mapper.readTree(body);
    } catch (IOException e) {
      return "not JSON";
    }
    if (root == null || !root.isObject()) return "not a JSON object";
    Set<String> fields = new java.util.TreeSet<>();
    root.fieldNames().forEachRemaining(fields::add);
    // Key order carries no meaning in JSON; the batching sink writes the merged array last.
    if (!fields.equals(Set.of("api_key", "events"))) return "fields " + fields + ", expected [api_key, events]";
    if (!root.get("events").isArray() || root.get("events").isEmpty()) return "events is not a non-empty array";
    if (!apiKey.equals(root.get("api_key").asText())) return "api_key is not the configured secret";
    return null;
  }

  private JsonNode toJson(Map<String, Object> event) {
    try {
      // Through text, so numbers compare the way the receiver parses them.
      return mapper.readTree(mapper.writeValueAsString(event));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String key(String service, int seq) {
    return service + "#" + seq;
  }

  /**
   * The seed file: {@code ../shared/fixtures/amplitude-connector.yaml} next to the repository when there
   * is one (the demo then proves the shared fixture itself loads), else the byte-identical copy shipped
   * in this module's resources, written to the demo's work directory.
   */
  static Path seedConfig(Path work) throws IOException {
    return seedConfig(work, Path.of("").toAbsolutePath());
  }

  static Path seedConfig(Path work, Path start) throws IOException {
    Path dir = start;
    for (int i = 0; i < 3 && dir != null; i++, dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("pom.xml")) && Files.isDirectory(dir.resolve("examples"))
          && dir.getParent() != null) {
        Path shared = dir.getParent().resolve("shared/fixtures/amplitude-connector.yaml");
        if (Files.isRegularFile(shared)) return shared;
      }
    }
    Path copy = work.resolve(SEED_RESOURCE);
    try (InputStream in = Demo.class.getResourceAsStream(SEED_RESOURCE)) {
      if (in == null) throw new IOException("resource " + SEED_RESOURCE + " missing from the examples jar");
      Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
    }
    return copy;
  }

  private void timeline(String message) {
    synchronized (out) {
      out.printf("%s[%5.1fs] %s%n", Progress.CONSOLE ? "\r\033[K" : "", elapsedSeconds(), message);
    }
  }

  private double elapsedSeconds() {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  private static void sleep(Duration duration) {
    try {
      TimeUnit.NANOSECONDS.sleep(duration.toNanos());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Iterator<Path> it = paths.sorted(Comparator.reverseOrder()).iterator(); it.hasNext(); ) {
        Files.deleteIfExists(it.next());
      }
    } catch (IOException e) {
      // A leftover temp directory is harmless; the demo's result does not depend on it.
    }
  }

  /** An emitted event and the id {@code emit()} returned for it. */
  private static final class Emitted {
    final String id;
    final JsonNode event;

    Emitted(String id, JsonNode event) {
      this.id = id;
      this.event = event;
    }

    /** Null if {@code received} is this event exactly as emitted, else what differs. */
    String mismatch(JsonNode received) {
      return received.equals(event) ? null : "differs from the emitted event " + event + ": " + received;
    }
  }

  /** A progress line from {@link Analytics#stats()}, rewritten in place on a terminal. */
  private final class Progress {
    static final boolean CONSOLE = redraws(System.console() != null, System.getenv("TERM"));

    private final Analytics analytics;
    private final Thread thread;
    private volatile boolean running = true;
    private String last = "";

    Progress(Analytics analytics) {
      this.analytics = analytics;
      this.thread = new Thread(this::loop, "demo-progress");
      this.thread.setDaemon(true);
    }

    void start() {
      thread.start();
    }

    private void loop() {
      long tick = 0;
      while (running) {
        // On a terminal the line is redrawn 5 times a second; in a log, one line a second.
        if (CONSOLE || tick % 5 == 0) print(CONSOLE ? "\r\033[K" : "", CONSOLE ? "" : System.lineSeparator());
        tick++;
        sleep(Duration.ofMillis(200));
      }
    }

    private void print(String prefix, String suffix) {
      Stats stats;
      try {
        stats = analytics.stats();
      } catch (RuntimeException e) {
        return; // closed meanwhile
      }
      String line = String.format("[%5.1fs] receiver %-11s emitted %5d  queued %5d  delivered %5d  retried %5d",
          elapsedSeconds(), receiverState, stats.emitted(), stats.queuedRecords(), stats.delivered(),
          stats.retried() + httpRetries.get());
      synchronized (out) {
        out.print(prefix + line + suffix);
        out.flush();
        last = line;
      }
    }

    void stopAndPrint() throws InterruptedException {
      if (!running) return;
      running = false;
      thread.join();
      print(CONSOLE ? "\r\033[K" : "", System.lineSeparator());
    }
  }
}
