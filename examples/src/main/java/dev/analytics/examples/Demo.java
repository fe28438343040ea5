package dev.analytics.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.analytics.Analytics;
import dev.analytics.DeadLetter;
import dev.analytics.SecretProvider;
import dev.analytics.Stats;
import dev.analytics.connector.ConnectorLoader;
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
public final class Demo {
  /** The secret's value when {@code AMPLITUDE_API_TOKEN} is not in the environment. */
  public static final String DEMO_API_KEY = "demo-0123456789abcdef";

  static final String SEED_RESOURCE = "amplitude-connector.yaml";
  private static final String[] SERVICES = {"checkout-service", "search-service", "billing-service"};
  private static final String[] EVENT_TYPES = {"Page Viewed", "Item Added", "Order Placed", "Search"};

  private final Options options;
  private final PrintStream out;
  private final ObjectMapper mapper = new ObjectMapper();
  private volatile long startNanos = System.nanoTime();
  private volatile String receiverState = "not started";

  private Demo(Options options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  /** Held so the setting is not garbage-collected with the logger. */
  private static final java.util.logging.Logger LIBRARY_LOG = java.util.logging.Logger.getLogger("dev.analytics");

  public static void main(String[] args) throws Exception {
    // The sink logs each retry at INFO; the progress line tells the same story without the noise.
    LIBRARY_LOG.setLevel(java.util.logging.Level.WARNING);
    Summary summary = run(Options.parse(args), System.out);
    System.exit(summary.success() ? 0 : 1);
  }

  /** Runs the demo, printing to {@code out}, and returns its summary. */
  public static Summary run(Options options, PrintStream out) throws IOException, InterruptedException {
    Objects.requireNonNull(options, "options == null");
    Objects.requireNonNull(out, "out == null");
    return new Demo(options, out).run();
  }

  private Summary run() throws IOException, InterruptedException {
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

  private Summary run(String apiKey, Path work) throws IOException, InterruptedException {
    Path config = options.config != null ? options.config : seedConfig(work);
    AmplitudeReceiver receiver = AmplitudeReceiver.create(apiKey, AmplitudeReceiver.freePort());
    introduce(config, receiver, work);
    Analytics analytics = ConnectorLoader.fromFile(config)
        .secrets(SecretProvider.of(Map.of("AMPLITUDE_API_TOKEN", apiKey)))
        .endpoint(receiver.endpoint().toString())
        .baseDirectory(work)
        .build();
    Services services = new Services(analytics, receiver);
    Progress progress = new Progress(analytics);
    startNanos = System.nanoTime();
    progress.start();
    Summary summary;
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

  private Summary summarize(
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
    return new Summary(emitted.size(), emittedWhileDown, delivered.size(), receiver.duplicatesSuppressed(),
        deadLetters.size(), lost, requests, largestRequest, statuses, malformedBodies, unexpected, stats,
        problems);
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

  private static void deleteRecursively(Path dir) {
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
    static final boolean CONSOLE = System.console() != null;

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
          stats.retried());
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

  /** How long each phase lasts and how many events the services emit. */
  public static final class Options {
    final int services;
    final int eventsPerService;
    final Duration emitWindow;
    final Duration startupDelay;
    final Duration outageAfter;
    final Duration outage;
    final Duration flushTimeout;
    final Path config;

    private Options(int services, int eventsPerService, Duration emitWindow, Duration startupDelay,
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
    public static Options full() {
      return new Options(3, 400, Duration.ofSeconds(12), Duration.ofSeconds(2), Duration.ofSeconds(3),
          Duration.ofSeconds(4), Duration.ofSeconds(40), null);
    }

    /** The same story in a few seconds: 3 services x 30 events, short race and outage. */
    public static Options shortRun() {
      return new Options(3, 30, Duration.ofMillis(1500), Duration.ofMillis(400), Duration.ofMillis(400),
          Duration.ofMillis(600), Duration.ofSeconds(30), null);
    }

    /** The same options reading another connector file. */
    public Options config(Path file) {
      return new Options(services, eventsPerService, emitWindow, startupDelay, outageAfter, outage,
          flushTimeout, Objects.requireNonNull(file, "file == null"));
    }

    /** {@code --short} and {@code --config <file>}. */
    public static Options parse(String... args) {
      Options options = full();
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

  /** What the demo found, computed from what was emitted and what the receiver got. */
  public static final class Summary {
    private final long emitted;
    private final long emittedWhileDown;
    private final long delivered;
    private final long duplicatesSuppressed;
    private final long deadLettered;
    private final long lost;
    private final int requests;
    private final int largestRequest;
    private final Map<Integer, Integer> statuses;
    private final int malformedBodies;
    private final int unexpectedEvents;
    private final Stats stats;
    private final List<String> problems;

    Summary(long emitted, long emittedWhileDown, long delivered, long duplicatesSuppressed, long deadLettered,
        long lost, int requests, int largestRequest, Map<Integer, Integer> statuses, int malformedBodies,
        int unexpectedEvents, Stats stats, List<String> problems) {
      this.emitted = emitted;
      this.emittedWhileDown = emittedWhileDown;
      this.delivered = delivered;
      this.duplicatesSuppressed = duplicatesSuppressed;
      this.deadLettered = deadLettered;
      this.lost = lost;
      this.requests = requests;
      this.largestRequest = largestRequest;
      this.statuses = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(statuses));
      this.malformedBodies = malformedBodies;
      this.unexpectedEvents = unexpectedEvents;
      this.stats = stats;
      this.problems = List.copyOf(problems);
    }

    /** Events {@code emit()} accepted. */
    public long emitted() {
      return emitted;
    }

    /** Of those, emitted while the receiver was not up (before start-up or during the outage). */
    public long emittedWhileDown() {
      return emittedWhileDown;
    }

    /** Distinct emitted events the receiver ingested, each exactly as emitted. */
    public long delivered() {
      return delivered;
    }

    /** Events the receiver got again and dropped by {@code insert_id}. */
    public long duplicatesSuppressed() {
      return duplicatesSuppressed;
    }

    /** Events in the dead-letter log. */
    public long deadLettered() {
      return deadLettered;
    }

    /** Emitted events neither delivered nor dead-lettered. */
    public long lost() {
      return lost;
    }

    /** HTTP requests the receiver answered. */
    public int requests() {
      return requests;
    }

    /** The most events one request carried: batching at work when a backlog drains. */
    public int largestRequest() {
      return largestRequest;
    }

    /** Requests by the status the receiver answered. */
    public Map<Integer, Integer> statuses() {
      return statuses;
    }

    /** Request bodies not of the form {@code {"events":[...],"api_key":"<key>"}}. */
    public int malformedBodies() {
      return malformedBodies;
    }

    /** Ingested events that were not emitted, or not as emitted. */
    public int unexpectedEvents() {
      return unexpectedEvents;
    }

    /** What went wrong, for the report; empty on success. */
    public List<String> problems() {
      return problems;
    }

    /** Nothing lost, every body and event exactly as the seed spec shapes it. */
    public boolean success() {
      return lost == 0 && malformedBodies == 0 && unexpectedEvents == 0;
    }

    void print(PrintStream out) {
      out.println();
      out.println("== Summary (emitted ids compared with what the receiver got) ==");
      out.printf("emitted                %6d   (%d while the receiver was not up)%n", emitted, emittedWhileDown);
      out.printf("delivered              %6d   (distinct, each exactly as emitted)%n", delivered);
      out.printf("duplicates suppressed  %6d   (sent again after a lost response; dropped by insert_id)%n",
          duplicatesSuppressed);
      out.printf("dead-lettered          %6d%n", deadLettered);
      out.printf("lost                   %6d   (a fire-and-forget client would have lost the %d sent while the"
          + " receiver was not up)%n", lost, emittedWhileDown);
      out.printf("requests               %6d   (by status: %s; up to %d events in one request)%n", requests,
          statuses, largestRequest);
      out.printf("bodies not {\"events\":[...],\"api_key\":\"<key>\"}: %d; unexpected events: %d%n",
          malformedBodies, unexpectedEvents);
      out.println("library stats: " + stats);
      problems.forEach(p -> out.println("  ! " + p));
      out.println(success()
          ? "OK: every event emitted was delivered, despite the start-up race, a lost response and an outage."
          : "FAILED: see above.");
    }
  }
}
