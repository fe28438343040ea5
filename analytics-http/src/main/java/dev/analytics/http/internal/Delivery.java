package dev.analytics.http.internal;

import dev.analytics.spi.Outcome;
import dev.analytics.spi.Record;
import dev.analytics.spi.Sink;
import io.github.resilience4j.retry.RetryRegistry;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The machinery behind {@code HttpSink}, assembled once from its settings: serializes a batch into
 * {@link Part}s off the caller's thread, plans requests ({@link Planner}), sends each through the
 * {@link Interceptor} chain (gzip, retry, the exchange) and settles its records through the
 * {@link ResponsePolicy} chain (Amplitude's rules, endpoint faults, bisection, 413, status), which may
 * resend smaller requests.
 */
public final class Delivery {
  /** One logger for the whole sink, under the public class's name users configure. */
  static final System.Logger LOG = System.getLogger("dev.analytics.http.HttpSink");
  /** Resends after a partial answer (400 indexes, 413 halves, 429 rest) nest at most this deep. */
  private static final int MAX_DEPTH = 40;

  private final String name;
  private final String host;
  private final Redactor redactor;
  private final Planner planner;
  private final List<Map.Entry<String, String>> headers;
  private final ExecutorService executor;
  private final ScheduledExecutorService scheduler;
  private final boolean ownsScheduler;
  private final RetryRegistry retryRegistry;
  private final RetryInterceptor retry;
  private final List<Interceptor> interceptors;
  private final CallServer callServer;
  private final List<ResponsePolicy> policies;
  private final Faults faults;
  private final AtomicBoolean closed = new AtomicBoolean();
  /** Sends not completed yet: {@link #close()} completes them. */
  private final Set<Pending> pending = ConcurrentHashMap.newKeySet();

  public Delivery(DeliveryConfig config) {
    DeliveryConfig.Collaborators with = config.collaborators();
    DeliveryConfig.Target target = config.target();
    this.name = with.name();
    this.host = target.endpoint().getHost();
    this.redactor = with.redactor();
    this.executor = newExecutor(name);
    if (with.scheduler() != null) {
      this.scheduler = with.scheduler();
      this.ownsScheduler = false;
    } else {
      this.scheduler = newScheduler(name);
      this.ownsScheduler = true;
    }
    this.faults = new Faults(name);

    List<ResponsePolicy> p = new ArrayList<>();
    AmplitudePolicy amplitude = null;
    if (config.amplitude()) {
      amplitude = new AmplitudePolicy(name, faults, config.holds().faultRetryDelay(), with.clock());
      p.add(amplitude);
    }
    p.add(new EndpointFaultPolicy(faults, config.holds().faultRetryDelay()));
    p.add(new BisectPolicy());
    p.add(new PayloadTooLargePolicy(config.bodies().maxRequestBytes(), config.holds().payloadTooLargeTimeout(),
        with.clock(), faults));
    p.add(new StatusPolicy(name, faults, with.clock()));
    this.policies = List.copyOf(p);
    this.planner = new Planner(config.bodies(), amplitude == null ? EventShaper.NONE : amplitude);

    this.retryRegistry = config.retries().registry();
    this.retry = new RetryInterceptor("analytics-http-" + name, config.retries(), with.clock(), scheduler,
        response -> policies.stream().allMatch(policy -> policy.allowsRetryInRequest(response)));
    HttpClient client = with.client() != null ? with.client() : newClient(target, with, executor);
    List<Interceptor> links = new ArrayList<>();
    if (config.bodies().gzip()) links.add(new GzipInterceptor(config.bodies().gzipMinBytes()));
    links.add(retry);
    if (with.exchanges() != ExchangeObserver.NONE) links.add(new ObservingInterceptor(name, with.exchanges()));
    this.callServer = new CallServer(client, executor, target, closed::get);
    links.add(callServer);
    this.interceptors = List.copyOf(links);

    List<Map.Entry<String, String>> h = new ArrayList<>();
    if (target.headers().stream().noneMatch(e -> e.getKey().equalsIgnoreCase("User-Agent"))) {
      h.add(Map.entry("User-Agent", target.userAgent()));
    }
    h.addAll(target.headers());
    this.headers = List.copyOf(h);
  }

  private static HttpClient newClient(DeliveryConfig.Target target, DeliveryConfig.Collaborators with,
      ExecutorService executor) {
    boolean https = "https".equalsIgnoreCase(target.endpoint().getScheme());
    return HttpClient.newBuilder()
        .connectTimeout(with.connectTimeout())
        .executor(executor)
        .followRedirects(HttpClient.Redirect.NEVER)
        // HTTP/2 only where ALPN negotiates it; on plain http an h2c upgrade confuses some servers.
        .version(https ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1)
        .build();
  }

  private static ExecutorService newExecutor(String name) {
    AtomicInteger threads = new AtomicInteger();
    return new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
      Thread t = new Thread(r, "analytics-http-" + name + "-" + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  private static ScheduledExecutorService newScheduler(String name) {
    ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "analytics-http-retry-" + name);
      t.setDaemon(true);
      return t;
    });
    s.setRemoveOnCancelPolicy(true);
    return s;
  }

  public void open(Sink.Context context) {
    faults.open(context);
  }

  /** The registry this sink's {@code Retry} is registered in (for metrics and retry events). */
  public RetryRegistry retryRegistry() {
    return retryRegistry;
  }

  /** How many requests may run at once now (adaptive, or the fixed {@code maxConcurrentRequests}). */
  public int concurrencyLimit() {
    return callServer.concurrencyLimit();
  }

  /** How many requests are running now. */
  public int requestsInFlight() {
    return callServer.requestsInFlight();
  }

  public CompletionStage<List<Outcome>> send(List<Record> batch) {
    Outcome[] out = new Outcome[batch.size()];
    if (closed.get()) return CompletableFuture.completedFuture(snapshot(out));
    Pending send = new Pending(out, new CompletableFuture<>());
    pending.add(send);
    if (closed.get()) send.completeNow(); // closed meanwhile: close() may have missed it
    // Serializing a large batch takes milliseconds: do it off the core's dispatcher thread, which
    // meanwhile reads and transforms the next batch.
    CompletableFuture<Void> done;
    try {
      done = CompletableFuture.supplyAsync(() -> prepare(batch, out), executor)
          .thenComposeAsync(parts -> deliver(parts, out, 0), executor); // never on the caller's thread
    } catch (RejectedExecutionException e) {
      done = CompletableFuture.failedFuture(e); // closed meanwhile: everything is kept
    }
    done.whenComplete((ignored, error) -> {
      if (error != null && !(unwrap(error) instanceof RejectedExecutionException)) {
        LOG.log(Level.WARNING, "{0}: unexpected failure, records kept for retry: {1}",
            name, redact(String.valueOf(unwrap(error))));
      }
      send.completeNow();
    });
    return send.result;
  }

  private List<Part> prepare(List<Record> batch, Outcome[] out) {
    List<Part> parts = new ArrayList<>(batch.size());
    Planner.Writer writer = new Planner.Writer();
    for (int i = 0; i < batch.size(); i++) {
      try {
        parts.add(planner.prepare(i, batch.get(i), redactor::learn, writer));
      } catch (IOException | RuntimeException e) {
        writer = new Planner.Writer(); // its state after a failed write is unknown
        // A value Jackson cannot write will never be sendable.
        out[i] = Outcome.rejected("cannot serialize record: " + redact(String.valueOf(e.getMessage())));
      }
    }
    return parts;
  }

  /** Plans {@code parts} into requests and settles each through the chains; {@code depth} counts resends. */
  CompletableFuture<Void> deliver(List<Part> parts, Outcome[] out, int depth) {
    if (parts.isEmpty()) return CompletableFuture.completedFuture(null);
    if (depth > MAX_DEPTH) {
      for (Part p : parts) out[p.index] = Outcome.retryLater();
      return CompletableFuture.completedFuture(null);
    }
    List<Request> requests = planner.plan(parts);
    CompletableFuture<?>[] all = new CompletableFuture<?>[requests.size()];
    for (int i = 0; i < requests.size(); i++) {
      Request request = requests.get(i);
      all[i] = Interceptor.run(interceptors, new Call(request, request.body, headers))
          .handle((HttpResponse<String> response, Throwable error) ->
              ResponsePolicy.run(policies, new Answer(request, response, error, out, depth, this)))
          .thenCompose(f -> f);
    }
    return CompletableFuture.allOf(all);
  }

  String name() {
    return name;
  }

  String host() {
    return host;
  }

  /** Masks declared secrets, credential header values and API keys seen in bodies. */
  public String redact(String text) {
    return redactor.redact(text);
  }

  /**
   * Stops sending. Sends still running, retries waiting out a backoff among them, complete at once:
   * the outcomes known so far stand and the other records are "retry later", so the core keeps them.
   */
  public void close() {
    if (!closed.compareAndSet(false, true)) return;
    for (Pending send : pending) send.completeNow();
    callServer.close();
    executor.shutdown();
    if (ownsScheduler) scheduler.shutdownNow();
    retry.unregister();
  }

  private static List<Outcome> snapshot(Outcome[] out) {
    Outcome[] copy = out.clone();
    for (int i = 0; i < copy.length; i++) {
      if (copy[i] == null) copy[i] = Outcome.retryLater();
    }
    return Arrays.asList(copy);
  }

  static Throwable unwrap(Throwable t) {
    Throwable c = t;
    while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
      c = c.getCause();
    }
    return c;
  }

  /** One send's outcomes and the future the core waits on. */
  private final class Pending {
    final Outcome[] out;
    final CompletableFuture<List<Outcome>> result;

    Pending(Outcome[] out, CompletableFuture<List<Outcome>> result) {
      this.out = out;
      this.result = result;
    }

    void completeNow() {
      pending.remove(this);
      result.complete(snapshot(out));
    }
  }
}
