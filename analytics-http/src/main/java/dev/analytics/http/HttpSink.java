package dev.analytics.http;

import dev.analytics.http.internal.BodyShape;
import dev.analytics.http.internal.Delivery;
import dev.analytics.http.internal.DeliveryConfig;
import dev.analytics.http.internal.ExchangeObserver;
import dev.analytics.http.internal.Redactor;
import dev.analytics.spi.Outcome;
import dev.analytics.spi.Record;
import dev.analytics.spi.Secrets;
import dev.analytics.spi.Sink;
import io.github.resilience4j.retry.RetryRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * A {@link Sink} that delivers records over HTTP(S) with {@code java.net.http}: it splits each batch into
 * requests (by records, bytes and {@link BodyMode}), sends them concurrently, retries transient failures
 * (408, 425, 429, 5xx, connection errors, timeouts, responses that stall) a few times with capped exponential backoff and jitter
 * (resilience4j-retry, honouring {@code Retry-After}), and maps every response back to one
 * {@link Outcome} per record. Nothing is ever counted as delivered without a 2xx, and nothing retryable
 * is ever rejected: when the short retries are used up the records go back to the core as "retry later".
 * 401, 403, 407 (and Amplitude's invalid key) and 404, 405, 410 (a wrong endpoint or method) are
 * configuration faults: reported, held, retried slowly. A 413 for a single record within
 * {@link Builder#maxRequestBytes} is the endpoint's fault too: the record is held and dead-lettered only
 * if the endpoint keeps refusing it for {@link Builder#payloadTooLargeTimeout}.
 *
 * <p>How many requests run at once adapts to the endpoint (adaptive request concurrency, as in Vector):
 * from 2, one more per round trip while response times stay flat and the limit is in use, cut by 30% on
 * 429, 503 or a timeout and by 10% when response times rise, never above
 * {@link Builder#maxConcurrentRequests}. {@link #concurrencyLimit()} tells the limit now (for a gauge);
 * {@link Builder#adaptiveConcurrency adaptiveConcurrency(false)} fixes it at the ceiling.
 *
 * <p>Inside, each request goes through a chain of small policies (gzip, retry, the exchange; then
 * Amplitude's rules, endpoint faults, splitting, 413, status), the way OkHttp's interceptors wrap a call.
 *
 * <pre>{@code
 * HttpSink sink = HttpSink.builder()
 *     .endpoint(URI.create("https://api2.amplitude.com/2/httpapi"))   // Amplitude mode switches on
 *     .build();
 * }</pre>
 */
// Over 400 lines for one reason: HttpSink.Builder, public API under that name, documents its ~30
// settings (default and range each) in this file. The sink itself is thin; its machinery is the chain
// in dev.analytics.http.internal (see Delivery).
public final class HttpSink implements Sink {
  public static final String DEFAULT_METHOD = "POST";
  public static final String DEFAULT_USER_AGENT = "dev.analytics-http/0.1.0";
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(1);
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(15);
  public static final Duration DEFAULT_BACKOFF_MIN = Duration.ofSeconds(1);
  public static final Duration DEFAULT_BACKOFF_MAX = Duration.ofSeconds(60);
  /** Attempts per request, the first one included, before records go back to the core. */
  public static final int DEFAULT_MAX_ATTEMPTS = 3;
  public static final Duration DEFAULT_FAULT_RETRY_DELAY = Duration.ofSeconds(60);
  /** How long a record within the size limit may be refused with 413 before it is dead-lettered. */
  public static final Duration DEFAULT_PAYLOAD_TOO_LARGE_TIMEOUT = Duration.ofHours(1);
  public static final int DEFAULT_GZIP_MIN_BYTES = 4096;
  public static final int DEFAULT_MAX_BATCH_RECORDS = 500;
  public static final int DEFAULT_MAX_IN_FLIGHT = 4;
  public static final int DEFAULT_MAX_CONCURRENT_REQUESTS = 16;
  public static final int DEFAULT_MAX_REQUEST_BYTES = 5 << 20;
  public static final int AMPLITUDE_MAX_REQUEST_EVENTS = 2000;
  public static final int AMPLITUDE_MAX_REQUEST_BYTES = 1_000_000;
  public static final Duration AMPLITUDE_THROTTLE_DELAY = Duration.ofSeconds(30);
  public static final Duration AMPLITUDE_PROJECT_THROTTLE_DELAY = Duration.ofSeconds(60);

  /** The settings as the user gave them (defaults not derived yet), for {@link #toBuilder()}. */
  private final Builder config;
  private final List<Map.Entry<String, String>> headers;
  private final int maxRequestRecords;
  private final int maxRequestBytes;
  private final Delivery delivery;

  private HttpSink(Builder b) {
    this.config = new Builder(b);
    boolean amp = amplitude();
    this.maxRequestRecords = b.maxRequestRecords != 0
        ? b.maxRequestRecords
        : amp ? AMPLITUDE_MAX_REQUEST_EVENTS : b.maxBatchRecords;
    this.maxRequestBytes = b.maxRequestBytes != 0
        ? b.maxRequestBytes
        : amp ? AMPLITUDE_MAX_REQUEST_BYTES : DEFAULT_MAX_REQUEST_BYTES;
    List<Map.Entry<String, String>> h = new ArrayList<>(b.headers);
    if (h.stream().noneMatch(e -> e.getKey().equalsIgnoreCase("Content-Type"))) {
      h.add(0, Map.entry("Content-Type", "application/json"));
    }
    this.headers = List.copyOf(h);
    this.delivery = new Delivery(deliveryConfig(b, headers, maxRequestRecords, maxRequestBytes, amp));
  }

  private static DeliveryConfig deliveryConfig(
      Builder b, List<Map.Entry<String, String>> headers, int maxRequestRecords, int maxRequestBytes, boolean amp) {
    BodyShape shape = switch (b.bodyMode.kind()) {
      case PER_RECORD -> BodyShape.PER_RECORD;
      case JSON_ARRAY -> BodyShape.JSON_ARRAY;
      case MERGE_ON_ARRAY_FIELD -> BodyShape.MERGE_ON_ARRAY_FIELD;
    };
    return new DeliveryConfig(
        new DeliveryConfig.Target(b.endpoint, b.method, headers, b.userAgent, b.requestTimeout, b.maxConcurrentRequests,
            b.adaptiveConcurrency),
        new DeliveryConfig.Retries(b.maxAttempts, b.backoffMin, b.backoffMax, b.jitter,
            b.retryRegistry != null ? b.retryRegistry : RetryRegistry.ofDefaults()),
        new DeliveryConfig.Bodies(shape, b.bodyMode.field(), maxRequestRecords, maxRequestBytes, b.gzip, b.gzipMinBytes),
        new DeliveryConfig.Holds(b.faultRetryDelay, b.payloadTooLargeTimeout),
        new DeliveryConfig.Collaborators(b.name, b.clock, b.scheduler, b.httpClient, b.connectTimeout,
            new Redactor(b.secrets, headers, List.copyOf(b.redactValues)), exchanges(b.requestListener)),
        amp);
  }

  /** The public listener as the internals hear exchanges (they name no type of this package). */
  private static ExchangeObserver exchanges(RequestListener listener) {
    if (listener == RequestListener.NONE) return ExchangeObserver.NONE;
    return (sink, status, error, duration, records, serializedBytes, sentBytes) -> listener.onExchange(
        new RequestListener.Exchange(sink, status, error, duration,
            new RequestListener.Body(records, serializedBytes, sentBytes)));
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this sink's settings, to derive another sink. */
  public Builder toBuilder() {
    return new Builder(config);
  }

  @Override
  public void open(Context context) {
    delivery.open(context);
  }

  @Override
  public CompletionStage<List<Outcome>> send(List<Record> batch) {
    return delivery.send(batch);
  }

  @Override
  public int maxBatchRecords() {
    return config.maxBatchRecords;
  }

  @Override
  public Duration linger() {
    return config.linger;
  }

  @Override
  public int maxInFlight() {
    return config.maxInFlight;
  }

  /** Masks declared secrets, credential header values and API keys seen in bodies. */
  @Override
  public String redact(String text) {
    return delivery.redact(text);
  }

  @Override
  public String describe() {
    // No query string and no user info: either may carry a key. The path could too, hence redact.
    return delivery.redact("http-sink " + config.method + " " + config.endpoint.getScheme() + "://"
        + config.endpoint.getHost() + (config.endpoint.getPort() < 0 ? "" : ":" + config.endpoint.getPort())
        + config.endpoint.getRawPath());
  }

  @Override
  public void close() {
    delivery.close();
  }

  public URI endpoint() {
    return config.endpoint;
  }

  public String method() {
    return config.method;
  }

  /** The request headers in order, as {@code [name, value]} pairs (values may be credentials). */
  public List<Map.Entry<String, String>> headers() {
    return headers;
  }

  public String userAgent() {
    return config.userAgent;
  }

  public Duration connectTimeout() {
    return config.connectTimeout;
  }

  public Duration requestTimeout() {
    return config.requestTimeout;
  }

  public Duration backoffMin() {
    return config.backoffMin;
  }

  public Duration backoffMax() {
    return config.backoffMax;
  }

  public int maxAttempts() {
    return config.maxAttempts;
  }

  public boolean gzip() {
    return config.gzip;
  }

  public BodyMode bodyMode() {
    return config.bodyMode;
  }

  /** True when Amplitude's response rules apply (set, or automatic for Amplitude's hosts). */
  public boolean amplitude() {
    return config.amplitude == AmplitudeMode.ON
        || (config.amplitude == AmplitudeMode.AUTO && isAmplitudeHost(config.endpoint));
  }

  public int maxRequestRecords() {
    return maxRequestRecords;
  }

  public int maxRequestBytes() {
    return maxRequestBytes;
  }

  /** The most HTTP requests at once: the ceiling of the adaptive limit, or the fixed limit. */
  public int maxConcurrentRequests() {
    return config.maxConcurrentRequests;
  }

  /** True when the request concurrency adapts to the endpoint (the default). */
  public boolean adaptiveConcurrency() {
    return config.adaptiveConcurrency;
  }

  /**
   * How many HTTP requests may run at once right now: the adaptive limit (1 to
   * {@link #maxConcurrentRequests()}), or {@code maxConcurrentRequests} when it is fixed. Cheap; bind it
   * to a gauge.
   */
  public int concurrencyLimit() {
    return delivery.concurrencyLimit();
  }

  /** How many HTTP requests are running right now (attempts waiting out a retry backoff are not). */
  public int requestsInFlight() {
    return delivery.requestsInFlight();
  }

  /** See {@link Builder#payloadTooLargeTimeout}. */
  public Duration payloadTooLargeTimeout() {
    return config.payloadTooLargeTimeout;
  }

  /**
   * The registry this sink's in-request {@code Retry} is registered in, as
   * {@code analytics-http-<name>}: hand it to resilience4j's metrics or subscribe to its events.
   */
  public RetryRegistry retryRegistry() {
    return delivery.retryRegistry();
  }

  @Override
  public String toString() {
    return describe();
  }

  /** True for Amplitude's HTTP V2 hosts ({@code api2.amplitude.com}, {@code api.eu.amplitude.com}). */
  public static boolean isAmplitudeHost(URI uri) {
    String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
    return host.equals("api2.amplitude.com") || host.equals("api.eu.amplitude.com");
  }

  /** Settings for an {@link HttpSink}. Every setting but {@link #endpoint} has a default. */
  public static final class Builder {
    URI endpoint;
    String method = DEFAULT_METHOD;
    final List<Map.Entry<String, String>> headers = new ArrayList<>();
    String userAgent = DEFAULT_USER_AGENT;
    Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    Duration backoffMin = DEFAULT_BACKOFF_MIN;
    Duration backoffMax = DEFAULT_BACKOFF_MAX;
    int maxAttempts = DEFAULT_MAX_ATTEMPTS;
    Duration faultRetryDelay = DEFAULT_FAULT_RETRY_DELAY;
    Duration payloadTooLargeTimeout = DEFAULT_PAYLOAD_TOO_LARGE_TIMEOUT;
    boolean gzip = true;
    int gzipMinBytes = DEFAULT_GZIP_MIN_BYTES;
    int maxBatchRecords = DEFAULT_MAX_BATCH_RECORDS;
    Duration linger = Duration.ZERO;
    int maxInFlight = DEFAULT_MAX_IN_FLIGHT;
    int maxConcurrentRequests = DEFAULT_MAX_CONCURRENT_REQUESTS;
    boolean adaptiveConcurrency = true;
    int maxRequestRecords; // 0: derived in build()
    int maxRequestBytes; // 0: derived in build()
    BodyMode bodyMode = BodyMode.mergeOn("events");
    AmplitudeMode amplitude = AmplitudeMode.AUTO;
    Secrets secrets = Secrets.none();
    final List<String> redactValues = new ArrayList<>();
    Clock clock = Clock.systemUTC();
    ScheduledExecutorService scheduler;
    DoubleSupplier jitter = () -> ThreadLocalRandom.current().nextDouble();
    HttpClient httpClient; // null: the sink builds and owns one
    RetryRegistry retryRegistry; // null: a registry of the sink's own
    RequestListener requestListener = RequestListener.NONE;
    String name = "http-sink";

    private Builder() {}

    private Builder(Builder o) {
      endpoint = o.endpoint;
      method = o.method;
      headers.addAll(o.headers);
      userAgent = o.userAgent;
      connectTimeout = o.connectTimeout;
      requestTimeout = o.requestTimeout;
      backoffMin = o.backoffMin;
      backoffMax = o.backoffMax;
      maxAttempts = o.maxAttempts;
      faultRetryDelay = o.faultRetryDelay;
      payloadTooLargeTimeout = o.payloadTooLargeTimeout;
      gzip = o.gzip;
      gzipMinBytes = o.gzipMinBytes;
      maxBatchRecords = o.maxBatchRecords;
      linger = o.linger;
      maxInFlight = o.maxInFlight;
      maxConcurrentRequests = o.maxConcurrentRequests;
      adaptiveConcurrency = o.adaptiveConcurrency;
      maxRequestRecords = o.maxRequestRecords;
      maxRequestBytes = o.maxRequestBytes;
      bodyMode = o.bodyMode;
      amplitude = o.amplitude;
      secrets = o.secrets;
      redactValues.addAll(o.redactValues);
      clock = o.clock;
      scheduler = o.scheduler;
      jitter = o.jitter;
      httpClient = o.httpClient;
      retryRegistry = o.retryRegistry;
      requestListener = o.requestListener;
      name = o.name;
    }

    /** The URL, {@code http} or {@code https}. Required. */
    public Builder endpoint(URI endpoint) {
      Objects.requireNonNull(endpoint, "endpoint == null");
      String scheme = endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https")) {
        throw new IllegalArgumentException("endpoint must be an http or https URL: " + endpoint);
      }
      if (endpoint.getHost() == null) throw new IllegalArgumentException("endpoint has no host: " + endpoint);
      this.endpoint = endpoint;
      return this;
    }

    /** The URL as text. */
    public Builder endpoint(String endpoint) {
      Objects.requireNonNull(endpoint, "endpoint == null");
      try {
        return endpoint(new URI(endpoint.trim()));
      } catch (java.net.URISyntaxException e) {
        throw new IllegalArgumentException("endpoint is not a URL: " + e.getMessage());
      }
    }

    /** The HTTP method. Default {@code POST}. */
    public Builder method(String method) {
      Objects.requireNonNull(method, "method == null");
      if (!method.matches("[A-Za-z]+")) throw new IllegalArgumentException("invalid method: " + method);
      this.method = method.toUpperCase(Locale.ROOT);
      return this;
    }

    /**
     * Adds a request header. Default: {@code Content-Type: application/json} when no content type is
     * set. Values of credential headers ({@code Authorization}, names containing key, token, secret...)
     * are never logged and are masked by {@link HttpSink#redact}.
     */
    public Builder header(String name, String value) {
      Objects.requireNonNull(name, "header name == null");
      Objects.requireNonNull(value, "header value == null");
      try {
        HttpRequest.newBuilder(URI.create("http://localhost/")).header(name, value);
      } catch (IllegalArgumentException e) {
        // The JDK refuses restricted headers (Host, Content-Length...) only when sending: fail now.
        throw new IllegalArgumentException("header " + name + " is not allowed: " + e.getMessage());
      }
      headers.add(Map.entry(name, value));
      return this;
    }

    /** Removes every header set so far. */
    public Builder clearHeaders() {
      headers.clear();
      return this;
    }

    /** The {@code User-Agent}. Default {@value HttpSink#DEFAULT_USER_AGENT}. */
    public Builder userAgent(String userAgent) {
      this.userAgent = Objects.requireNonNull(userAgent, "userAgent == null");
      return this;
    }

    /** TCP (and TLS) connect timeout. Default 1 s; 1 ms to 10 min. Not used with {@link #httpClient}. */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = requireRange("connectTimeout", timeout, Duration.ofMillis(1), Duration.ofMinutes(10));
      return this;
    }

    /** Time for one whole request to answer. Default 15 s; 1 ms to 10 min. */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = requireRange("requestTimeout", timeout, Duration.ofMillis(1), Duration.ofMinutes(10));
      return this;
    }

    /**
     * The in-request retry backoff: from {@code min}, times 1.5 per attempt, capped at {@code max},
     * with jitter. A {@code Retry-After} longer than {@code max} is not waited in-request: the records
     * go back to the core with that delay. Default 1 s to 60 s (Fluvio's {@code backoff_min/max}).
     */
    public Builder backoff(Duration min, Duration max) {
      requireRange("backoffMin", min, Duration.ZERO, Duration.ofHours(1));
      requireRange("backoffMax", max, Duration.ZERO, Duration.ofHours(24));
      if (max.compareTo(min) < 0) throw new IllegalArgumentException("backoffMax < backoffMin: " + max + " < " + min);
      this.backoffMin = min;
      this.backoffMax = max;
      return this;
    }

    /** Attempts per request, the first included, before records return to the core. Default 3; 1 to 100. */
    public Builder maxAttempts(int maxAttempts) {
      if (maxAttempts < 1 || maxAttempts > 100) {
        throw new IllegalArgumentException("maxAttempts out of range [1, 100]: " + maxAttempts);
      }
      this.maxAttempts = maxAttempts;
      return this;
    }

    /** How long records wait after a configuration fault (401, 403, 407, 404, 405, 410, invalid key). Default 60 s. */
    public Builder faultRetryDelay(Duration delay) {
      this.faultRetryDelay = requireRange("faultRetryDelay", delay, Duration.ZERO, Duration.ofHours(24));
      return this;
    }

    /**
     * How long the endpoint may keep answering 413 (payload too large) to a request holding a single
     * record within {@link #maxRequestBytes} before that record is dead-lettered. Such a 413 is the
     * endpoint's fault (a proxy's smaller limit, an overloaded server): until then the record is held and
     * retried with the core's backoff, and the fault is reported once per incident. Measured with
     * {@link #clock} from the first refusal this sink saw. A record larger than {@code maxRequestBytes}
     * is rejected at its first 413. Default 1 h; 0 (dead-letter at the first 413, as before this
     * setting) to 7 days.
     */
    public Builder payloadTooLargeTimeout(Duration timeout) {
      this.payloadTooLargeTimeout = requireRange("payloadTooLargeTimeout", timeout, Duration.ZERO, Duration.ofDays(7));
      return this;
    }

    /** Compresses bodies of at least {@link #gzipMinBytes} bytes. Default on. */
    public Builder gzip(boolean enabled) {
      this.gzip = enabled;
      return this;
    }

    /** The smallest body that is gzipped when {@link #gzip} is on. Default 4096; 0 gzips every body. */
    public Builder gzipMinBytes(int bytes) {
      if (bytes < 0) throw new IllegalArgumentException("gzipMinBytes < 0: " + bytes);
      this.gzipMinBytes = bytes;
      return this;
    }

    /** The most records the core hands to one send. Default 500; 1 to 100000. */
    public Builder maxBatchRecords(int records) {
      if (records < 1 || records > 100_000) {
        throw new IllegalArgumentException("maxBatchRecords out of range [1, 100000]: " + records);
      }
      this.maxBatchRecords = records;
      return this;
    }

    /** How long the core waits for a batch to fill. Default 0; up to 1 min. */
    public Builder linger(Duration linger) {
      this.linger = requireRange("linger", linger, Duration.ZERO, Duration.ofMinutes(1));
      return this;
    }

    /** How many batches may be outstanding at once. Default 4; 1 to 1024. */
    public Builder maxInFlight(int batches) {
      if (batches < 1 || batches > 1024) throw new IllegalArgumentException("maxInFlight out of range [1, 1024]: " + batches);
      this.maxInFlight = batches;
      return this;
    }

    /**
     * The most HTTP requests this sink runs at once: the ceiling of the adaptive limit (see
     * {@link #adaptiveConcurrency}), or the fixed limit when that is off. Default 16; 1 to 1024.
     */
    public Builder maxConcurrentRequests(int requests) {
      if (requests < 1 || requests > 1024) {
        throw new IllegalArgumentException("maxConcurrentRequests out of range [1, 1024]: " + requests);
      }
      this.maxConcurrentRequests = requests;
      return this;
    }

    /**
     * Adaptive request concurrency (AIMD, as Vector's ARC). On (the default): the sink starts with two
     * requests at a time and allows one more per round trip while the endpoint's response time stays
     * near its baseline (an EWMA) and the limit is in use; 429, 503 or a timeout cut the limit to 70%,
     * a response time rising well above the baseline to 90%; {@link #maxConcurrentRequests} is the
     * ceiling. An endpoint that gets slower or starts throttling thus gets fewer requests before it has
     * to refuse many. Off: always up to {@code maxConcurrentRequests} at once.
     */
    public Builder adaptiveConcurrency(boolean enabled) {
      this.adaptiveConcurrency = enabled;
      return this;
    }

    /**
     * The most records (in merge mode: merged array elements) in one request. Default: 2000 in
     * Amplitude mode, otherwise {@link #maxBatchRecords}.
     */
    public Builder maxRequestRecords(int records) {
      if (records < 1) throw new IllegalArgumentException("maxRequestRecords < 1: " + records);
      this.maxRequestRecords = records;
      return this;
    }

    /**
     * The most body bytes (before gzip) in one request; a single record larger than this is still sent
     * alone. Default: 1,000,000 in Amplitude mode, otherwise 5 MiB.
     */
    public Builder maxRequestBytes(int bytes) {
      if (bytes < 64) throw new IllegalArgumentException("maxRequestBytes < 64: " + bytes);
      this.maxRequestBytes = bytes;
      return this;
    }

    /** How a batch becomes bodies. Default {@code BodyMode.mergeOn("events")}. */
    public Builder bodyMode(BodyMode mode) {
      this.bodyMode = Objects.requireNonNull(mode, "bodyMode == null");
      return this;
    }

    /** Amplitude's response rules. Default {@link AmplitudeMode#AUTO}. */
    public Builder amplitude(AmplitudeMode mode) {
      this.amplitude = Objects.requireNonNull(mode, "amplitude == null");
      return this;
    }

    /** Secrets to mask in every message this sink produces. Default none. */
    public Builder secrets(Secrets secrets) {
      this.secrets = Objects.requireNonNull(secrets, "secrets == null");
      return this;
    }

    /** One more value to mask in messages (an API key that is not a declared secret). */
    public Builder redactValue(String value) {
      Objects.requireNonNull(value, "value == null");
      if (!value.isEmpty()) redactValues.add(value);
      return this;
    }

    /**
     * The clock that {@code Retry-After} HTTP dates and {@link #payloadTooLargeTimeout} are measured
     * with. Default UTC system clock.
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock == null");
      return this;
    }

    /**
     * Where in-request retries wait (resilience4j schedules each retry on it with its delay). Default:
     * a single daemon thread owned by the sink. Tests inject one that records delays and runs at once.
     * An injected scheduler is not shut down by {@link HttpSink#close()}.
     */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler == null");
      return this;
    }

    /** Randomness for backoff jitter: values in [0, 1). Default {@code ThreadLocalRandom}. */
    public Builder jitter(DoubleSupplier jitter) {
      this.jitter = Objects.requireNonNull(jitter, "jitter == null");
      return this;
    }

    /**
     * The user's own {@link HttpClient} (a proxy, TLS settings, an executor, an authenticator...).
     * Default: the sink builds one (connect timeout {@link #connectTimeout}, no redirects, HTTP/2 over
     * TLS) and owns it. The sink never closes or shuts down a client it was given. Redirects the client
     * follows are never seen by the sink; those it returns are configuration faults.
     */
    public Builder httpClient(HttpClient client) {
      this.httpClient = Objects.requireNonNull(client, "httpClient == null");
      return this;
    }

    /**
     * The resilience4j registry the sink's in-request {@code Retry} is created in, named
     * {@code analytics-http-<name>} (a sink of the same name replaces it; {@link HttpSink#close()}
     * removes it). Give the application's registry to get resilience4j's retry metrics and events.
     * Default: a registry of the sink's own, see {@link HttpSink#retryRegistry()}.
     */
    public Builder retryRegistry(RetryRegistry registry) {
      this.retryRegistry = Objects.requireNonNull(registry, "retryRegistry == null");
      return this;
    }

    /**
     * Hears every HTTP exchange (status, duration, records, bytes before and after gzip), each
     * in-request retry included: for metrics, e.g. analytics-micrometer's {@code HttpSinkMetrics}.
     * Default {@link RequestListener#NONE}.
     */
    public Builder requestListener(RequestListener listener) {
      this.requestListener = Objects.requireNonNull(listener, "requestListener == null");
      return this;
    }

    /** A name for threads and messages. Default {@code http-sink}. */
    public Builder name(String name) {
      Objects.requireNonNull(name, "name == null");
      if (!name.matches("[A-Za-z0-9._-]{1,64}")) throw new IllegalArgumentException("invalid name: " + name);
      this.name = name;
      return this;
    }

    /** @throws IllegalStateException if no endpoint is set */
    public HttpSink build() {
      if (endpoint == null) throw new IllegalStateException("endpoint is required");
      boolean amp = amplitude == AmplitudeMode.ON || (amplitude == AmplitudeMode.AUTO && isAmplitudeHost(endpoint));
      // Amplitude's error indexes point into the body's "events" array: other shapes would
      // dead-letter the wrong events.
      if (amp && !(bodyMode.equals(BodyMode.perRecord()) || bodyMode.equals(BodyMode.mergeOn("events")))) {
        throw new IllegalArgumentException("Amplitude mode needs bodyMode perRecord() or mergeOn(\"events\"): "
            + bodyMode + " (or set amplitude(AmplitudeMode.OFF))");
      }
      return new HttpSink(this);
    }

    private static Duration requireRange(String name, Duration value, Duration min, Duration max) {
      Objects.requireNonNull(value, name + " == null");
      if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
        throw new IllegalArgumentException(name + " out of range [" + min + ", " + max + "]: " + value);
      }
      return value;
    }
  }

  /** Header names whose values are credentials: never logged, masked by {@link #redact}. */
  public static boolean isCredentialHeader(String name) {
    return Redactor.isCredentialName(name);
  }
}
