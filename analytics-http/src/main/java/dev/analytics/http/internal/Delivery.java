package dev.analytics.http.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.analytics.Outcome;
import dev.analytics.Record;
import dev.analytics.Sink;
import dev.analytics.http.HttpSink;
import dev.analytics.http.internal.Planner.Request;
import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;

/**
 * The machinery behind {@link HttpSink}: plans requests, sends them through resilience4j's async retry
 * and maps every response back to per-record outcomes, with Amplitude's rules when enabled.
 */
public final class Delivery {
  private static final System.Logger LOG = System.getLogger(HttpSink.class.getName());
  private static final int EXCERPT_CHARS = 200;
  /** Resends after a partial answer (400 indexes, 413 halves, 429 rest) nest at most this deep. */
  private static final int MAX_DEPTH = 40;
  private static final int MAX_LEARNED_KEYS = 32;

  private static final Sink.Context NO_CONTEXT = new Sink.Context() {
    @Override
    public String name() {
      return "http-sink";
    }

    @Override
    public void reportFault(String message) {}

    @Override
    public void clearFault() {}
  };

  private final DeliveryConfig config;
  private final Planner planner;
  private final HttpClient client;
  private final ExecutorService executor;
  private final ScheduledExecutorService scheduler;
  private final boolean ownsScheduler;
  private final Retry retry;
  private final RequestLimiter limiter;
  /** Credentials seen in bodies, most recent last; the oldest are forgotten beyond MAX_LEARNED_KEYS. */
  private final Map<String, Boolean> learnedKeys = java.util.Collections.synchronizedMap(
      new java.util.LinkedHashMap<String, Boolean>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
          return size() > MAX_LEARNED_KEYS;
        }
      });
  private final List<String> credentialValues = new ArrayList<>();
  private final AtomicBoolean faulted = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final boolean userAgentHeader;
  private volatile Sink.Context context = NO_CONTEXT;

  public Delivery(DeliveryConfig config) {
    this.config = config;
    this.planner = new Planner(config.bodyMode(), config.maxRequestRecords(), config.maxRequestBytes(), config.amplitude());
    AtomicInteger threads = new AtomicInteger();
    ThreadPoolExecutor pool = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
        new SynchronousQueue<>(), r -> {
          Thread t = new Thread(r, "analytics-http-" + config.name() + "-" + threads.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    this.executor = pool;
    boolean https = "https".equalsIgnoreCase(config.endpoint().getScheme());
    this.client = HttpClient.newBuilder()
        .connectTimeout(config.connectTimeout())
        .executor(executor)
        .followRedirects(HttpClient.Redirect.NEVER)
        // HTTP/2 only where ALPN negotiates it; on plain http an h2c upgrade confuses some servers.
        .version(https ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1)
        .build();
    if (config.scheduler() != null) {
      this.scheduler = config.scheduler();
      this.ownsScheduler = false;
    } else {
      ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "analytics-http-retry-" + config.name());
        t.setDaemon(true);
        return t;
      });
      s.setRemoveOnCancelPolicy(true);
      this.scheduler = s;
      this.ownsScheduler = true;
    }
    this.limiter = new RequestLimiter(config.maxConcurrentRequests());
    this.retry = Retry.of("analytics-http-" + config.name(), RetryConfig.<HttpResponse<String>>custom()
        .maxAttempts(config.maxAttempts())
        .retryOnException(Delivery::isTransient)
        .retryOnResult(this::retryInRequest)
        .intervalBiFunction((IntervalBiFunction<HttpResponse<String>>) (attempt, either) -> {
          if (either.isRight()) {
            Optional<Duration> after = retryAfter(either.get());
            if (after.isPresent()) return after.get().toMillis();
          }
          return backoff(attempt).toMillis();
        })
        .build());
    boolean ua = false;
    for (Map.Entry<String, String> h : config.headers()) {
      if (h.getKey().equalsIgnoreCase("User-Agent")) ua = true;
      if (HttpSink.isCredentialHeader(h.getKey()) && !h.getValue().isBlank()) {
        credentialValues.add(h.getValue().trim());
        // "Bearer abc": the token alone may show up in an echoed message too.
        String[] words = h.getValue().trim().split("\\s+");
        if (words.length > 1 && words[words.length - 1].length() >= 4) credentialValues.add(words[words.length - 1]);
      }
    }
    credentialValues.addAll(config.redactValues());
    this.userAgentHeader = ua;
  }

  public void open(Sink.Context context) {
    this.context = context == null ? NO_CONTEXT : context;
  }

  /** Capped exponential backoff, factor 1.5, with "equal jitter": half fixed, half random. */
  Duration backoff(int attempt) {
    double base = config.backoffMin().toMillis() * Math.pow(1.5, Math.max(0, attempt - 1));
    double capped = Math.min(base, config.backoffMax().toMillis());
    double r = Math.min(1.0, Math.max(0.0, config.jitter().getAsDouble()));
    return Duration.ofMillis((long) (capped / 2 + capped / 2 * r));
  }

  private static boolean isTransient(Throwable t) {
    Throwable c = unwrap(t);
    return c instanceof IOException || c instanceof java.util.concurrent.TimeoutException;
  }

  private boolean retryInRequest(HttpResponse<String> response) {
    int status = response.statusCode();
    boolean transientStatus = status == 408 || status == 425 || status == 429 || status >= 500;
    // Amplitude's 429 names the throttled events: resending all of them blindly would not help.
    if (!transientStatus || (config.amplitude() && status == 429)) return false;
    Optional<Duration> after = retryAfter(response);
    // A long Retry-After is not waited here, holding a request slot: the core keeps the records.
    return after.isEmpty() || after.get().compareTo(config.backoffMax()) <= 0;
  }

  private Optional<Duration> retryAfter(HttpResponse<?> response) {
    return RetryAfter.parse(response.headers().firstValue("Retry-After").orElse(null), config.clock());
  }

  public CompletionStage<List<Outcome>> send(List<Record> batch) {
    Outcome[] out = new Outcome[batch.size()];
    if (closed.get()) {
      Arrays.fill(out, Outcome.retryLater());
      return CompletableFuture.completedFuture(Arrays.asList(out));
    }
    // Serializing a large batch takes milliseconds: do it off the core's dispatcher thread, which
    // meanwhile reads and transforms the next batch.
    CompletableFuture<Void> done;
    try {
      done = CompletableFuture.supplyAsync(() -> prepare(batch, out), executor)
          .thenComposeAsync(parts -> deliver(parts, out, 0), executor); // never on the caller's thread
    } catch (java.util.concurrent.RejectedExecutionException e) {
      done = CompletableFuture.failedFuture(e); // closed meanwhile: everything is kept
    }
    return done.handle((ignored, error) -> {
      if (error != null && !(unwrap(error) instanceof java.util.concurrent.RejectedExecutionException)) {
        LOG.log(Level.WARNING, "{0}: unexpected failure, records kept for retry: {1}",
            config.name(), redact(String.valueOf(unwrap(error))));
      }
      for (int i = 0; i < out.length; i++) {
        if (out[i] == null) out[i] = Outcome.retryLater();
      }
      return Arrays.asList(out);
    });
  }

  private List<Part> prepare(List<Record> batch, Outcome[] out) {
    List<Part> parts = new ArrayList<>(batch.size());
    Planner.Writer writer = new Planner.Writer();
    for (int i = 0; i < batch.size(); i++) {
      try {
        parts.add(planner.prepare(i, batch.get(i), this::learnKey, writer));
      } catch (IOException | RuntimeException e) {
        writer = new Planner.Writer(); // its state after a failed write is unknown
        // A value Jackson cannot write will never be sendable.
        out[i] = Outcome.rejected("cannot serialize record: " + redact(String.valueOf(e.getMessage())));
      }
    }
    return parts;
  }

  private void learnKey(String key) {
    // Very short values would mask unrelated text; the set is bounded so a stream of distinct keys
    // cannot grow memory.
    // The keys of the requests being sent are always the most recent ones, so an error response that
    // echoes one is masked even after many rotations.
    if (key.length() >= 4) learnedKeys.put(key, Boolean.TRUE);
  }

  private CompletableFuture<Void> deliver(List<Part> parts, Outcome[] out, int depth) {
    if (parts.isEmpty()) return CompletableFuture.completedFuture(null);
    if (depth > MAX_DEPTH) {
      for (Part p : parts) out[p.index] = Outcome.retryLater();
      return CompletableFuture.completedFuture(null);
    }
    List<Request> requests = planner.plan(parts);
    CompletableFuture<?>[] all = new CompletableFuture<?>[requests.size()];
    for (int i = 0; i < requests.size(); i++) {
      Request request = requests.get(i);
      all[i] = execute(request)
          .handle((response, error) -> classify(request, response, error, out, depth))
          .thenCompose(f -> f);
    }
    return CompletableFuture.allOf(all);
  }

  private CompletableFuture<HttpResponse<String>> execute(Request request) {
    HttpRequest http;
    try {
      http = httpRequest(request.body);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return retry.executeCompletionStage(scheduler, () -> limiter.submit(() -> exchange(http)))
        .toCompletableFuture();
  }

  /**
   * One exchange, bounded in time and memory. The JDK's request timeout covers only the wait for the
   * response headers: a body that stalls after them would hold the batch (and a request slot) forever,
   * so the whole exchange gets a deadline too, and is cancelled when it passes.
   */
  private CompletableFuture<HttpResponse<String>> exchange(HttpRequest http) {
    CompletableFuture<HttpResponse<String>> exchange = client.sendAsync(http, info -> BoundedBody.subscriber());
    long deadlineMillis = 2 * config.requestTimeout().toMillis() + 1000;
    return exchange.copy()
        .orTimeout(deadlineMillis, java.util.concurrent.TimeUnit.MILLISECONDS)
        .whenComplete((response, error) -> {
          if (error != null) exchange.cancel(true);
        });
  }

  private HttpRequest httpRequest(byte[] body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(config.endpoint()).timeout(config.requestTimeout());
    if (!userAgentHeader) b.header("User-Agent", config.userAgent());
    for (Map.Entry<String, String> h : config.headers()) b.header(h.getKey(), h.getValue());
    byte[] payload = body;
    if (config.gzip() && body.length >= config.gzipMinBytes()) {
      payload = gzip(body);
      b.header("Content-Encoding", "gzip");
    }
    return b.method(config.method(), HttpRequest.BodyPublishers.ofByteArray(payload)).build();
  }

  private static byte[] gzip(byte[] body) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(body.length / 4 + 64);
    // Fastest level: JSON events still shrink 5-10x, at a fraction of the default level's CPU, which
    // competes with the host service for cores.
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes, 8192) {
      {
        def.setLevel(java.util.zip.Deflater.BEST_SPEED);
      }
    }) {
      gz.write(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private CompletableFuture<Void> classify(
      Request request, HttpResponse<String> response, Throwable error, Outcome[] out, int depth) {
    if (error != null) {
      Throwable cause = unwrap(error);
      String what = cause.getClass().getSimpleName()
          + (cause.getMessage() == null ? "" : ": " + redact(cause.getMessage()));
      LOG.log(cause instanceof IOException ? Level.INFO : Level.WARNING,
          "{0}: {1} records not sent ({2}); kept for retry", config.name(), request.parts.size(), what);
      return fill(request.parts, Outcome.retryLater(), out);
    }
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      if (faulted.compareAndSet(true, false)) {
        LOG.log(Level.INFO, "{0}: requests succeed again; fault cleared", config.name());
        context.clearFault();
      }
      return fill(request.parts, Outcome.delivered(), out);
    }
    if (status == 401 || status == 403 || status == 407) {
      return fault(request, "HTTP " + status + " from " + host() + ": " + excerpt(response)
          + " (check the credentials, the proxy's or the endpoint's access rules)", out);
    }
    if (status == 404 || status == 405 || status == 410) {
      // The endpoint (or method) is wrong, not the records: hold them, as for a bad key.
      return fault(request, "HTTP " + status + " from " + host() + ": " + excerpt(response)
          + " (check the endpoint URL and method)", out);
    }
    if (status < 200 || (status >= 300 && status < 400)) {
      return fault(request, "HTTP " + status + " from " + host() + " (a redirect or an unexpected status:"
          + " check the endpoint)", out);
    }
    if (config.amplitude() && status == 400) return amplitude400(request, response, out, depth);
    if (config.amplitude() && status == 429) return amplitude429(request, response, out, depth);
    // 413: too large. 400/422 on a body merged from several records: one of them may be the bad one.
    // Either way, halve until a single record is left; only that one can be rejected for it.
    if ((status == 413 || status == 400 || status == 422) && request.parts.size() > 1) {
      int half = request.parts.size() / 2;
      LOG.log(Level.DEBUG, "{0}: HTTP {1}, splitting {2} records", config.name(), status, request.parts.size());
      return CompletableFuture.allOf(
          deliver(request.parts.subList(0, half), out, depth + 1),
          deliver(request.parts.subList(half, request.parts.size()), out, depth + 1));
    }
    if (status == 413) {
      return reject(request.parts, "HTTP 413 (payload too large) for a single record: " + excerpt(response), out);
    }
    if (status == 408 || status == 425 || status == 429 || status >= 500) {
      Optional<Duration> after = retryAfter(response);
      LOG.log(Level.INFO, "{0}: HTTP {1}, {2} records kept for retry{3}", config.name(), status,
          request.parts.size(), after.map(d -> " after " + d).orElse(""));
      return fill(request.parts, after.map(Outcome::retryAfter).orElse(Outcome.retryLater()), out);
    }
    return reject(request.parts, "HTTP " + status + ": " + excerpt(response), out);
  }

  private CompletableFuture<Void> fault(Request request, String message, Outcome[] out) {
    String safe = redact(message);
    // Loud once per episode; the core relays every report to the listener and its own log.
    boolean first = faulted.compareAndSet(false, true);
    LOG.log(first ? Level.WARNING : Level.DEBUG, "{0}: configuration fault, holding records: {1}",
        config.name(), safe);
    try {
      context.reportFault(safe);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "{0}: reportFault threw {1}", config.name(), e.toString());
    }
    return fill(request.parts, Outcome.retryAfter(config.faultRetryDelay()), out);
  }

  private CompletableFuture<Void> amplitude400(Request request, HttpResponse<String> response, Outcome[] out, int depth) {
    JsonNode body = parse(response.body());
    String error = body.path("error").asText("");
    JsonNode missing = body.get("missing_field");
    if ((missing != null && !missing.isNull()) || error.toLowerCase(Locale.ROOT).startsWith("invalid api key")) {
      return fault(request, "Amplitude rejected the request: " + excerpt(response)
          + " (check api_key and the transform that builds the body)", out);
    }
    String[][] reasons = new String[request.eventOwner == null ? 0 : request.eventOwner.length][];
    boolean any = false;
    any |= collect(body.get("events_with_invalid_fields"), "invalid field ", reasons);
    any |= collect(body.get("events_with_missing_fields"), "missing field ", reasons);
    any |= collect(body.get("events_with_invalid_id_lengths"), "invalid id length ", reasons);
    JsonNode silenced = body.get("silenced_events");
    if (silenced != null && silenced.isArray()) {
      for (JsonNode i : silenced) any |= mark(reasons, i.asInt(-1), "silenced device");
    }
    Set<Integer> throttled = indexes(body.get("throttled_events"));
    if (!any && throttled.isEmpty()) {
      return reject(request.parts, "HTTP 400 from Amplitude: " + excerpt(response), out);
    }
    List<Part> rest = new ArrayList<>();
    Duration hold = holdDelay(response);
    for (int k = 0; k < request.parts.size(); k++) {
      Part p = request.parts.get(k);
      String why = reasonsOf(request, k, reasons);
      if (why != null) {
        out[p.index] = Outcome.rejected(redact("HTTP 400 from Amplitude: " + why));
      } else if (ownsAny(request, k, throttled)) {
        out[p.index] = Outcome.retryAfter(hold);
      } else {
        rest.add(p);
      }
    }
    return deliver(rest, out, depth + 1);
  }

  private CompletableFuture<Void> amplitude429(Request request, HttpResponse<String> response, Outcome[] out, int depth) {
    JsonNode body = parse(response.body());
    Set<Integer> throttled = indexes(body.get("throttled_events"));
    Set<String> quotaUsers = keys(body.get("exceeded_daily_quota_users"));
    Set<String> quotaDevices = keys(body.get("exceeded_daily_quota_devices"));
    Set<String> throttledUsers = keys(body.get("throttled_users"));
    Set<String> throttledDevices = keys(body.get("throttled_devices"));
    Duration retryAfter = retryAfter(response).orElse(Duration.ZERO);
    if (throttled.isEmpty() && quotaUsers.isEmpty() && quotaDevices.isEmpty()
        && throttledUsers.isEmpty() && throttledDevices.isEmpty()) {
      return projectLimit(request, out, retryAfter);
    }
    Duration hold = holdDelay(response);
    List<Part> rest = new ArrayList<>();
    boolean classified = false;
    int index = 0;
    for (int k = 0; k < request.parts.size(); k++) {
      Part p = request.parts.get(k);
      String quota = null;
      boolean held = false;
      for (JsonNode e : p.events) {
        String user = e.path("user_id").asText(null);
        String device = e.path("device_id").asText(null);
        if ((user != null && quotaUsers.contains(user)) || (device != null && quotaDevices.contains(device))) {
          quota = "HTTP 429 from Amplitude: daily event quota exceeded for "
              + (user != null && quotaUsers.contains(user) ? "user_id " + user : "device_id " + device);
        } else if (throttled.contains(index) || (user != null && throttledUsers.contains(user))
            || (device != null && throttledDevices.contains(device))) {
          held = true;
        }
        index++;
      }
      if (quota != null) {
        out[p.index] = Outcome.rejected(redact(quota));
        classified = true;
      } else if (held) {
        out[p.index] = Outcome.retryAfter(hold);
        classified = true;
      } else {
        rest.add(p);
      }
    }
    if (!classified) return projectLimit(request, out, retryAfter);
    LOG.log(Level.INFO, "{0}: Amplitude throttled part of a request; resending {1} records now",
        config.name(), rest.size());
    return deliver(rest, out, depth + 1);
  }

  private CompletableFuture<Void> projectLimit(Request request, Outcome[] out, Duration retryAfter) {
    Duration wait = max(HttpSink.AMPLITUDE_PROJECT_THROTTLE_DELAY, retryAfter);
    LOG.log(Level.INFO, "{0}: Amplitude project-level 429; holding {1} records for {2}",
        config.name(), request.parts.size(), wait);
    return fill(request.parts, Outcome.retryAfter(wait), out);
  }

  private Duration holdDelay(HttpResponse<?> response) {
    return max(HttpSink.AMPLITUDE_THROTTLE_DELAY, retryAfter(response).orElse(Duration.ZERO));
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  /** Marks the event indexes of a {@code {field: [indexes]}} map with {@code prefix + field}. */
  private static boolean collect(JsonNode map, String prefix, String[][] reasons) {
    if (map == null || !map.isObject()) return false;
    boolean any = false;
    for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isArray()) continue;
      for (JsonNode i : e.getValue()) any |= mark(reasons, i.asInt(-1), prefix + e.getKey());
    }
    return any;
  }

  private static boolean mark(String[][] reasons, int index, String reason) {
    if (index < 0 || index >= reasons.length) return false;
    String[] old = reasons[index];
    String[] now = old == null ? new String[1] : Arrays.copyOf(old, old.length + 1);
    now[now.length - 1] = reason;
    reasons[index] = now;
    return true;
  }

  private static String reasonsOf(Request request, int part, String[][] reasons) {
    StringBuilder why = null;
    int start = 0;
    for (int k = 0; k < part; k++) start += request.parts.get(k).events.size();
    int n = request.parts.get(part).events.size();
    for (int i = start; i < start + n && i < reasons.length; i++) {
      if (reasons[i] == null) continue;
      if (why == null) why = new StringBuilder();
      else why.append("; ");
      why.append("event ").append(i - start).append(": ").append(String.join(", ", reasons[i]));
    }
    return why == null ? null : why.toString();
  }

  private static boolean ownsAny(Request request, int part, Set<Integer> indexes) {
    if (indexes.isEmpty()) return false;
    int start = 0;
    for (int k = 0; k < part; k++) start += request.parts.get(k).events.size();
    for (int i = start; i < start + request.parts.get(part).events.size(); i++) {
      if (indexes.contains(i)) return true;
    }
    return false;
  }

  private static Set<Integer> indexes(JsonNode array) {
    Set<Integer> set = new HashSet<>();
    if (array != null && array.isArray()) array.forEach(i -> set.add(i.asInt(-1)));
    return set;
  }

  private static Set<String> keys(JsonNode map) {
    Set<String> set = new HashSet<>();
    if (map != null && map.isObject()) map.fieldNames().forEachRemaining(set::add);
    return set;
  }

  private static JsonNode parse(String body) {
    try {
      JsonNode node = Planner.MAPPER.readTree(body == null ? "" : body);
      return node == null ? Planner.MAPPER.createObjectNode() : node;
    } catch (IOException e) {
      return Planner.MAPPER.createObjectNode();
    }
  }

  private CompletableFuture<Void> reject(List<Part> parts, String reason, Outcome[] out) {
    String safe = redact(reason);
    LOG.log(Level.WARNING, "{0}: {1} records rejected: {2}", config.name(), parts.size(), safe);
    return fill(parts, Outcome.rejected(safe), out);
  }

  private static CompletableFuture<Void> fill(List<Part> parts, Outcome outcome, Outcome[] out) {
    for (Part p : parts) out[p.index] = outcome;
    return CompletableFuture.completedFuture(null);
  }

  private String host() {
    return config.endpoint().getHost();
  }

  private String excerpt(HttpResponse<String> response) {
    String body = response.body() == null ? "" : response.body().strip().replaceAll("\\s+", " ");
    if (body.length() > EXCERPT_CHARS) body = body.substring(0, EXCERPT_CHARS) + "...";
    return redact(body.isEmpty() ? "(empty body)" : body);
  }

  /** Masks declared secrets, credential header values and API keys seen in bodies. */
  public String redact(String text) {
    if (text == null) return null;
    String result = config.secrets().redact(text);
    for (String v : credentialValues) result = result.replace(v, "****");
    List<String> keys;
    synchronized (learnedKeys) {
      keys = new ArrayList<>(learnedKeys.keySet());
    }
    for (String v : keys) result = result.replace(v, "****");
    return result;
  }

  public void close() {
    if (!closed.compareAndSet(false, true)) return;
    executor.shutdown();
    if (ownsScheduler) scheduler.shutdownNow();
  }

  private static Throwable unwrap(Throwable t) {
    Throwable c = t;
    while ((c instanceof CompletionException || c instanceof java.util.concurrent.ExecutionException)
        && c.getCause() != null) {
      c = c.getCause();
    }
    return c;
  }

}
