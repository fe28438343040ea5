package dev.analytics.spring;

import dev.analytics.Durability;
import dev.analytics.WhenFull;
import dev.analytics.http.AmplitudeMode;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * The {@code analytics.*} settings of the Spring Boot starter. An {@link dev.analytics.Analytics} bean is
 * built either from a Fluvio connector file ({@code analytics.connector-file}) or from these properties
 * ({@code analytics.http.*}). A setting left unset keeps the library's default, which the description of
 * each key names; in connector-file mode the library settings set here override the file's.
 *
 * <p>Secret values are never properties of this class: {@code ${{ secrets.NAME }}} in a Jolt spec, a header
 * value or the connector file is resolved from Spring's {@code Environment}, key
 * {@code analytics.secrets.NAME} first, then {@code NAME}.
 *
 * <p>Long only by its getters and setters: Spring's binder and the configuration processor (which writes
 * the metadata IDEs complete from, with these field comments as descriptions) need the JavaBean form.
 */
@ConfigurationProperties(prefix = "analytics")
public class AnalyticsProperties {
  /** Whether to create the Analytics bean at all. */
  private boolean enabled = true;

  /**
   * A Fluvio connector file (http-sink), read unchanged. Exclusive with analytics.http.*; its log lives in
   * the directory "<analytics.directory>/<meta.topic>".
   */
  private Path connectorFile;

  /**
   * Replaces the endpoint of the connector file's sink (to point an unchanged file at a local receiver or a
   * staging endpoint). Only with analytics.connector-file.
   */
  private String endpoint;

  /**
   * Where the local log lives: with analytics.http.*, the log directory itself; with a connector file, the
   * base directory of "<directory>/<meta.topic>". Default: the connector file's analytics.directory, else
   * "analytics-data" in the working directory. One running instance per directory.
   */
  private Path directory;

  /** When emit() returns relative to the disk: periodic (fsync every sync-interval) or sync. Default periodic. */
  private Durability durability;

  /** How often periodic durability fsyncs the log. Default 1s; 1ms to 1h. */
  private Duration syncInterval;

  /** The most disk the log may use; then when-full applies. Default 1GB; at least two segments. */
  private DataSize maxDiskSize;

  /** The size of one log segment file. Default: a quarter of max-disk-size, at most 16MB; 64KB to 1GB. */
  private DataSize segmentSize;

  /** The largest serialized event emit() accepts. Default 1MB, at most half a segment. */
  private DataSize maxRecordSize;

  /** The most disk the dead-letter log may use. Default 64MB; at least 4KB. */
  private DataSize maxDeadLetterSize;

  /** What emit() does when the log is full: block (for block-timeout), drop-newest or drop-oldest. Default block. */
  private WhenFull whenFull;

  /** How long when-full=block waits for space before emit() throws. Default 5s; 0 to 1h. */
  private Duration blockTimeout;

  /**
   * How long closing waits for delivery at shutdown (after the web server has stopped); what is left stays
   * on disk for the next start. Default 5s; 0 to 1h.
   */
  private Duration closeTimeout;

  /** The first delay of the dispatcher's retry backoff, which never gives up. Default 500ms. */
  private Duration retryBackoffMin;

  /** The largest delay of the dispatcher's retry backoff. Default 1m. */
  private Duration retryBackoffMax;

  private final Http http = new Http();

  private final Health health = new Health();

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public Path getConnectorFile() {
    return connectorFile;
  }

  public void setConnectorFile(Path connectorFile) {
    this.connectorFile = connectorFile;
  }

  public String getEndpoint() {
    return endpoint;
  }

  public void setEndpoint(String endpoint) {
    this.endpoint = endpoint;
  }

  public Path getDirectory() {
    return directory;
  }

  public void setDirectory(Path directory) {
    this.directory = directory;
  }

  public Durability getDurability() {
    return durability;
  }

  public void setDurability(Durability durability) {
    this.durability = durability;
  }

  public Duration getSyncInterval() {
    return syncInterval;
  }

  public void setSyncInterval(Duration syncInterval) {
    this.syncInterval = syncInterval;
  }

  public DataSize getMaxDiskSize() {
    return maxDiskSize;
  }

  public void setMaxDiskSize(DataSize maxDiskSize) {
    this.maxDiskSize = maxDiskSize;
  }

  public DataSize getSegmentSize() {
    return segmentSize;
  }

  public void setSegmentSize(DataSize segmentSize) {
    this.segmentSize = segmentSize;
  }

  public DataSize getMaxRecordSize() {
    return maxRecordSize;
  }

  public void setMaxRecordSize(DataSize maxRecordSize) {
    this.maxRecordSize = maxRecordSize;
  }

  public DataSize getMaxDeadLetterSize() {
    return maxDeadLetterSize;
  }

  public void setMaxDeadLetterSize(DataSize maxDeadLetterSize) {
    this.maxDeadLetterSize = maxDeadLetterSize;
  }

  public WhenFull getWhenFull() {
    return whenFull;
  }

  public void setWhenFull(WhenFull whenFull) {
    this.whenFull = whenFull;
  }

  public Duration getBlockTimeout() {
    return blockTimeout;
  }

  public void setBlockTimeout(Duration blockTimeout) {
    this.blockTimeout = blockTimeout;
  }

  public Duration getCloseTimeout() {
    return closeTimeout;
  }

  public void setCloseTimeout(Duration closeTimeout) {
    this.closeTimeout = closeTimeout;
  }

  public Duration getRetryBackoffMin() {
    return retryBackoffMin;
  }

  public void setRetryBackoffMin(Duration retryBackoffMin) {
    this.retryBackoffMin = retryBackoffMin;
  }

  public Duration getRetryBackoffMax() {
    return retryBackoffMax;
  }

  public void setRetryBackoffMax(Duration retryBackoffMax) {
    this.retryBackoffMax = retryBackoffMax;
  }

  public Http getHttp() {
    return http;
  }

  public Health getHealth() {
    return health;
  }

  /** The HTTP sink built from properties (when no connector file and no Sink bean is given). */
  public static class Http {
    /** The sink's name: in messages, thread names and the dead-letter log. 1-64 of A-Z a-z 0-9 . _ - */
    private String name = "http";

    /** The URL events are posted to, http or https. Required unless a connector file or a Sink bean is used. */
    private URI endpoint;

    /** The HTTP method. Default POST. */
    private String method;

    /**
     * Request headers, name to value. A value may contain ${{ secrets.NAME }}. Content-Type:
     * application/json is added unless set.
     */
    private Map<String, String> headers = new LinkedHashMap<>();

    /**
     * How records become request bodies: batch (records that differ only in the merge-field array are
     * merged: Amplitude's {"events":[...]}), per-record (Fluvio's one record per request) or json-array.
     */
    private BodyModeSetting bodyMode = BodyModeSetting.BATCH;

    /** The array field that batch mode merges. */
    private String mergeField = "events";

    /** The most records the dispatcher hands to one send. 1 to 100000. */
    private int maxBatchRecords = 500; // HttpSink's default, literal for the metadata

    /** How long the dispatcher waits for a batch to fill. Default 0; up to 1m. */
    private Duration linger;

    /** How many batches may be in flight at once. 1 to 1024. */
    private int maxInFlight = 4; // HttpSink's default, literal for the metadata

    /**
     * The most HTTP requests at once: the ceiling of the adaptive limit, or the fixed limit when
     * adaptive-concurrency is false. 1 to 1024.
     */
    private int maxConcurrentRequests = 16; // HttpSink's default, literal for the metadata

    /**
     * Whether the number of requests at once adapts to the endpoint (starts low, grows while its latency
     * stays flat, halves on 429, 503 or a timeout), up to max-concurrent-requests.
     */
    private boolean adaptiveConcurrency = true; // HttpSink's default, literal for the metadata

    /** The most records (merged array elements) in one request. Default 2000 for Amplitude, else max-batch-records. */
    private Integer maxRequestRecords;

    /** The most body bytes (before gzip) in one request. Default 1000000B for Amplitude, else 5MB. */
    private DataSize maxRequestSize;

    /** Whether to gzip request bodies of at least gzip-min-size. */
    private boolean gzip = true;

    /** The smallest body that is gzipped. Default 4KB. */
    private DataSize gzipMinSize;

    /** Attempts per request, the first included, before records go back to the dispatcher's backoff. 1 to 100. */
    private int maxAttempts = 3; // HttpSink's default, literal for the metadata

    /** The first delay of the in-request retry backoff. Default 1s. */
    private Duration backoffMin;

    /** The largest delay of the in-request retry backoff. Default 60s. */
    private Duration backoffMax;

    /** TCP and TLS connect timeout. Default 1s. */
    private Duration connectTimeout;

    /** Time for one request to answer. Default 15s. */
    private Duration requestTimeout;

    /** How long records wait after a configuration fault (401, 403, wrong endpoint, invalid key). Default 60s. */
    private Duration faultRetryDelay;

    /** Amplitude's response rules: auto (on for Amplitude's hosts), on or off. */
    private AmplitudeMode amplitude = AmplitudeMode.AUTO;

    /** The User-Agent header. Default dev.analytics-http/0.1.0. */
    private String userAgent;

    /**
     * Jolt steps applied, in order, to each record before it is sent (ignored when Transform beans exist).
     */
    private List<JoltStep> transforms = new ArrayList<>();

    public String getName() {
      return name;
    }

    public void setName(String name) {
      this.name = name;
    }

    public URI getEndpoint() {
      return endpoint;
    }

    public void setEndpoint(URI endpoint) {
      this.endpoint = endpoint;
    }

    public String getMethod() {
      return method;
    }

    public void setMethod(String method) {
      this.method = method;
    }

    public Map<String, String> getHeaders() {
      return headers;
    }

    public void setHeaders(Map<String, String> headers) {
      this.headers = headers;
    }

    public BodyModeSetting getBodyMode() {
      return bodyMode;
    }

    public void setBodyMode(BodyModeSetting bodyMode) {
      this.bodyMode = bodyMode;
    }

    public String getMergeField() {
      return mergeField;
    }

    public void setMergeField(String mergeField) {
      this.mergeField = mergeField;
    }

    public int getMaxBatchRecords() {
      return maxBatchRecords;
    }

    public void setMaxBatchRecords(int maxBatchRecords) {
      this.maxBatchRecords = maxBatchRecords;
    }

    public Duration getLinger() {
      return linger;
    }

    public void setLinger(Duration linger) {
      this.linger = linger;
    }

    public int getMaxInFlight() {
      return maxInFlight;
    }

    public void setMaxInFlight(int maxInFlight) {
      this.maxInFlight = maxInFlight;
    }

    public boolean isAdaptiveConcurrency() {
      return adaptiveConcurrency;
    }

    public void setAdaptiveConcurrency(boolean adaptiveConcurrency) {
      this.adaptiveConcurrency = adaptiveConcurrency;
    }

    public int getMaxConcurrentRequests() {
      return maxConcurrentRequests;
    }

    public void setMaxConcurrentRequests(int maxConcurrentRequests) {
      this.maxConcurrentRequests = maxConcurrentRequests;
    }

    public Integer getMaxRequestRecords() {
      return maxRequestRecords;
    }

    public void setMaxRequestRecords(Integer maxRequestRecords) {
      this.maxRequestRecords = maxRequestRecords;
    }

    public DataSize getMaxRequestSize() {
      return maxRequestSize;
    }

    public void setMaxRequestSize(DataSize maxRequestSize) {
      this.maxRequestSize = maxRequestSize;
    }

    public boolean isGzip() {
      return gzip;
    }

    public void setGzip(boolean gzip) {
      this.gzip = gzip;
    }

    public DataSize getGzipMinSize() {
      return gzipMinSize;
    }

    public void setGzipMinSize(DataSize gzipMinSize) {
      this.gzipMinSize = gzipMinSize;
    }

    public int getMaxAttempts() {
      return maxAttempts;
    }

    public void setMaxAttempts(int maxAttempts) {
      this.maxAttempts = maxAttempts;
    }

    public Duration getBackoffMin() {
      return backoffMin;
    }

    public void setBackoffMin(Duration backoffMin) {
      this.backoffMin = backoffMin;
    }

    public Duration getBackoffMax() {
      return backoffMax;
    }

    public void setBackoffMax(Duration backoffMax) {
      this.backoffMax = backoffMax;
    }

    public Duration getConnectTimeout() {
      return connectTimeout;
    }

    public void setConnectTimeout(Duration connectTimeout) {
      this.connectTimeout = connectTimeout;
    }

    public Duration getRequestTimeout() {
      return requestTimeout;
    }

    public void setRequestTimeout(Duration requestTimeout) {
      this.requestTimeout = requestTimeout;
    }

    public Duration getFaultRetryDelay() {
      return faultRetryDelay;
    }

    public void setFaultRetryDelay(Duration faultRetryDelay) {
      this.faultRetryDelay = faultRetryDelay;
    }

    public AmplitudeMode getAmplitude() {
      return amplitude;
    }

    public void setAmplitude(AmplitudeMode amplitude) {
      this.amplitude = amplitude;
    }

    public String getUserAgent() {
      return userAgent;
    }

    public void setUserAgent(String userAgent) {
      this.userAgent = userAgent;
    }

    public List<JoltStep> getTransforms() {
      return transforms;
    }

    public void setTransforms(List<JoltStep> transforms) {
      this.transforms = transforms;
    }
  }

  /** How records become request bodies. */
  public enum BodyModeSetting {
    /** Merge records that differ only in the merge-field array into one body. */
    BATCH,
    /** One record per request, its value as the body (Fluvio's http-sink). */
    PER_RECORD,
    /** A JSON array of the records' values. */
    JSON_ARRAY
  }

  /** One chain of Jolt operations, as in a connector file's transforms entry. */
  public static class JoltStep {
    /** The dialect: jolt (jolt-core), infinyon/jolt@0.3.x or infinyon/jolt@0.4.x. */
    private String uses;

    /**
     * The chain as JSON: an array of {"operation": ..., "spec": ...}. Values may contain
     * ${{ secrets.NAME }}, rendered in memory only.
     */
    private String spec;

    public String getUses() {
      return uses;
    }

    public void setUses(String uses) {
      this.uses = uses;
    }

    public String getSpec() {
      return spec;
    }

    public void setSpec(String spec) {
      this.spec = spec;
    }
  }

  /** The Actuator health indicator "analytics" (management.health.analytics.enabled switches it off). */
  public static class Health {
    /** Report stale-status when the oldest queued record has waited longer than this. */
    private Duration maxQueueAge = Duration.ofMinutes(5);

    /** The status reported when the queue is stale: OUT_OF_SERVICE, DOWN, UP or any custom status. */
    private String staleStatus = "OUT_OF_SERVICE";

    public Duration getMaxQueueAge() {
      return maxQueueAge;
    }

    public void setMaxQueueAge(Duration maxQueueAge) {
      this.maxQueueAge = maxQueueAge;
    }

    public String getStaleStatus() {
      return staleStatus;
    }

    public void setStaleStatus(String staleStatus) {
      this.staleStatus = staleStatus;
    }
  }
}
