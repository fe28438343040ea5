package dev.analytics.kafka;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.analytics.kafka.internal.ProducerErrors;
import dev.analytics.spi.Outcome;
import dev.analytics.spi.Record;
import dev.analytics.spi.Sink;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A {@link Sink} that produces each record of the local log to a Kafka topic, for teams that want one
 * shared, replayable stream (and Kafka Connect, with {@code analytics-kafka-connect}, delivering it).
 * The value is the stored envelope {@code {"id","timestamp","event"}} as JSON, the record id travels in
 * the {@value #ID_HEADER} header (it stays the {@code insert_id} downstream), the Kafka timestamp is the
 * emit time, and the key keeps one user's events in one partition (see {@link #keyByUser()}).
 *
 * <pre>{@code
 * Analytics analytics = Analytics.builder()
 *     .directory(Path.of("analytics-data"))
 *     .sink("events", KafkaSink.builder().bootstrapServers("kafka:9092").topic("service-events").build())
 *     .build();
 * }</pre>
 *
 * <p>The producer is idempotent with {@code acks=all}. Outcomes, per record:
 * <ul>
 *   <li>acknowledged: delivered;
 *   <li>a retriable error (broker down or still starting, leader moving, timeouts): retry later,
 *       forever: the local log keeps the record, so a service may start and emit while Kafka is down;
 *   <li>the record is too large for the topic: rejected with the broker's reason (dead-lettered);
 *   <li>authentication or authorization errors, and other errors that retrying cannot fix (a bad topic
 *       name): {@linkplain Sink.Context#reportFault reported as a fault}, and the records are held.
 * </ul>
 */
public final class KafkaSink implements Sink {
  /** The header carrying the record id (the envelope's {@code id}). */
  public static final String ID_HEADER = "analytics.id";
  public static final int DEFAULT_MAX_BATCH_RECORDS = 500;
  public static final int DEFAULT_MAX_IN_FLIGHT = 4;
  /** How long {@link #send} may block the dispatcher waiting for metadata or buffer space. */
  public static final Duration DEFAULT_MAX_BLOCK = Duration.ofSeconds(1);
  /** How long the producer retries one record before handing it back to the core as "retry later". */
  public static final Duration DEFAULT_DELIVERY_TIMEOUT = Duration.ofSeconds(30);
  public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(5);

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final System.Logger LOG = System.getLogger(KafkaSink.class.getName());

  private final String topic;
  private final Function<Record, String> key;
  private final int maxBatchRecords;
  private final int maxInFlight;
  private final Duration linger;
  private final Duration closeTimeout;
  private final java.util.function.Supplier<Producer<byte[], byte[]>> producerFactory;
  /** Created at the first send: a host name that does not resolve yet must not stop the service starting. */
  private volatile Producer<byte[], byte[]> producer;
  private final String description;
  private final AtomicBoolean faulted = new AtomicBoolean();
  private volatile Context context;
  private final Builder settings;

  private KafkaSink(Builder b) {
    this.settings = new Builder(b);
    this.topic = b.topic;
    this.key = b.key;
    this.maxBatchRecords = b.maxBatchRecords;
    this.maxInFlight = b.maxInFlight;
    this.linger = b.linger;
    this.closeTimeout = b.closeTimeout;
    Map<String, Object> properties = b.producerProperties();
    this.producer = b.producer;
    this.producerFactory = () -> new KafkaProducer<>(properties);
    this.description = "kafka topic " + topic + (b.bootstrapServers == null ? "" : " at " + b.bootstrapServers);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this sink's settings (and its injected producer, if one was given). */
  public Builder toBuilder() {
    return new Builder(settings);
  }

  /**
   * The default key: the event's {@code user_id}, else its {@code device_id}, else the record id. Looks
   * in the envelope's {@code event} first, then at the top level (for a transformed value).
   */
  public static Function<Record, String> keyByUser() {
    return RecordKeys::byUser;
  }

  /** The record id as the key: records spread evenly, with no per-user order. */
  public static Function<Record, String> keyByRecordId() {
    return Record::id;
  }

  /**
   * The text at a JSON pointer ({@code /event/account_id}) as the key, else the record id.
   *
   * @throws IllegalArgumentException if {@code pointer} is not a JSON pointer
   */
  public static Function<Record, String> keyByField(String pointer) {
    return RecordKeys.byPointer(pointer);
  }

  @Override
  public void open(Context context) {
    this.context = context;
  }

  @Override
  public CompletionStage<List<Outcome>> send(List<Record> batch) {
    Producer<byte[], byte[]> p;
    try {
      p = producer();
    } catch (KafkaException e) {
      // "No resolvable bootstrap urls": DNS may not know the brokers yet, or the name is wrong. Hold and alert.
      fault("cannot create the producer: " + ProducerErrors.describe(e)
          + (e.getCause() == null ? "" : " (" + ProducerErrors.describe((Exception) e.getCause()) + ")"));
      List<Outcome> later = new ArrayList<>(batch.size());
      for (int i = 0; i < batch.size(); i++) later.add(Outcome.retryLater());
      return CompletableFuture.completedFuture(later);
    }
    List<CompletableFuture<Outcome>> outcomes = new ArrayList<>(batch.size());
    for (Record record : batch) {
      CompletableFuture<Outcome> outcome = produce(p, record);
      outcomes.add(outcome);
      // A send that failed at once (no metadata within max.block.ms: the broker is down) would fail the
      // same way for every other record, each after blocking: hand the rest back untried.
      if (outcome.isDone() && outcome.join().kind() == Outcome.Kind.RETRY) {
        while (outcomes.size() < batch.size()) outcomes.add(CompletableFuture.completedFuture(Outcome.retryLater()));
        break;
      }
    }
    return CompletableFuture.allOf(outcomes.toArray(new CompletableFuture<?>[0])).thenApply(done -> {
      List<Outcome> result = new ArrayList<>(outcomes.size());
      for (CompletableFuture<Outcome> outcome : outcomes) result.add(outcome.join());
      return result;
    });
  }

  private Producer<byte[], byte[]> producer() {
    Producer<byte[], byte[]> p = producer;
    if (p != null) return p;
    synchronized (this) {
      if (producer == null) producer = producerFactory.get();
      return producer;
    }
  }

  private CompletableFuture<Outcome> produce(Producer<byte[], byte[]> producer, Record record) {
    CompletableFuture<Outcome> outcome = new CompletableFuture<>();
    byte[] value;
    try {
      value = MAPPER.writeValueAsBytes(record.value());
    } catch (JsonProcessingException e) {
      outcome.complete(Outcome.rejected("cannot serialize the record as JSON: " + e.getOriginalMessage()));
      return outcome;
    }
    RecordHeaders headers = new RecordHeaders();
    headers.add(ID_HEADER, record.id().getBytes(StandardCharsets.UTF_8));
    String k = key.apply(record);
    ProducerRecord<byte[], byte[]> message = new ProducerRecord<>(topic, null, record.timestamp().toEpochMilli(),
        k == null ? null : k.getBytes(StandardCharsets.UTF_8), value, headers);
    try {
      producer.send(message, (metadata, error) -> outcome.complete(classify(error)));
    } catch (RuntimeException e) {
      // KafkaProducer reports API errors through the callback; what it throws (closed, interrupted)
      // is never the record's fault.
      outcome.complete(classify(e));
    }
    return outcome;
  }

  private Outcome classify(Exception error) {
    Outcome outcome = ProducerErrors.classify(error, topic);
    if (outcome.kind() == Outcome.Kind.DELIVERED) {
      if (faulted.compareAndSet(true, false) && context != null) context.clearFault();
    } else if (ProducerErrors.isFault(error)) {
      fault(ProducerErrors.describe(error));
    }
    return outcome;
  }

  private void fault(String problem) {
    if (!faulted.compareAndSet(false, true)) return;
    String message = describe() + ": " + problem;
    if (context != null) context.reportFault(message);
    else LOG.log(System.Logger.Level.ERROR, message);
  }

  @Override
  public int maxBatchRecords() {
    return maxBatchRecords;
  }

  @Override
  public Duration linger() {
    return linger;
  }

  @Override
  public int maxInFlight() {
    return maxInFlight;
  }

  @Override
  public String describe() {
    return description;
  }

  /** The topic records go to. */
  public String topic() {
    return topic;
  }

  /** Flushes what the producer buffered, for up to the close timeout, and closes it. */
  @Override
  public void close() {
    Producer<byte[], byte[]> p;
    synchronized (this) {
      p = producer;
    }
    if (p != null) p.close(closeTimeout);
  }

  @Override
  public String toString() {
    return "KafkaSink{" + description + "}";
  }

  /** Settings for a {@link KafkaSink}: {@link #bootstrapServers} (or {@link #producer}) and {@link #topic} are required. */
  public static final class Builder {
    private String bootstrapServers;
    private String topic;
    private Function<Record, String> key = keyByUser();
    private int maxBatchRecords = DEFAULT_MAX_BATCH_RECORDS;
    private int maxInFlight = DEFAULT_MAX_IN_FLIGHT;
    private Duration linger = Duration.ZERO;
    private Duration maxBlock = DEFAULT_MAX_BLOCK;
    private Duration deliveryTimeout = DEFAULT_DELIVERY_TIMEOUT;
    private Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;
    private String clientId = "analytics";
    private final Map<String, Object> overrides = new LinkedHashMap<>();
    private Producer<byte[], byte[]> producer;

    private Builder() {}

    private Builder(Builder other) {
      bootstrapServers = other.bootstrapServers;
      topic = other.topic;
      key = other.key;
      maxBatchRecords = other.maxBatchRecords;
      maxInFlight = other.maxInFlight;
      linger = other.linger;
      maxBlock = other.maxBlock;
      deliveryTimeout = other.deliveryTimeout;
      closeTimeout = other.closeTimeout;
      clientId = other.clientId;
      overrides.putAll(other.overrides);
      producer = other.producer;
    }

    /** {@code bootstrap.servers}, for example {@code kafka-1:9092,kafka-2:9092}. Required unless {@link #producer} is set. */
    public Builder bootstrapServers(String servers) {
      Objects.requireNonNull(servers, "bootstrapServers == null");
      if (servers.isBlank()) throw new IllegalArgumentException("bootstrapServers is blank");
      this.bootstrapServers = servers.trim();
      return this;
    }

    /** The topic to produce to. Required. */
    public Builder topic(String topic) {
      Objects.requireNonNull(topic, "topic == null");
      if (!topic.matches("[A-Za-z0-9._-]{1,249}")) {
        throw new IllegalArgumentException("topic must be 1-249 letters, digits, '.', '_' or '-': \"" + topic + "\"");
      }
      this.topic = topic;
      return this;
    }

    /** The record key; default {@link #keyByUser()}. A {@code null} key lets the producer spread records. */
    public Builder key(Function<Record, String> key) {
      this.key = Objects.requireNonNull(key, "key == null");
      return this;
    }

    /** The most records per {@link Sink#send}; default {@value #DEFAULT_MAX_BATCH_RECORDS}, at least 1. */
    public Builder maxBatchRecords(int records) {
      if (records < 1) throw new IllegalArgumentException("maxBatchRecords < 1: " + records);
      this.maxBatchRecords = records;
      return this;
    }

    /** Batches outstanding at once; default {@value #DEFAULT_MAX_IN_FLIGHT}, at least 1. */
    public Builder maxInFlight(int batches) {
      if (batches < 1) throw new IllegalArgumentException("maxInFlight < 1: " + batches);
      this.maxInFlight = batches;
      return this;
    }

    /** How long the dispatcher waits to fill a batch, and the producer's {@code linger.ms}; default 0. */
    public Builder linger(Duration linger) {
      Objects.requireNonNull(linger, "linger == null");
      if (linger.isNegative() || linger.compareTo(Duration.ofMinutes(1)) > 0) {
        throw new IllegalArgumentException("linger out of range [0, 1m]: " + linger);
      }
      this.linger = linger;
      return this;
    }

    /** {@code max.block.ms}: how long a send may wait for metadata; default 1s, between 1ms and 1m. */
    public Builder maxBlock(Duration maxBlock) {
      this.maxBlock = range("maxBlock", maxBlock, Duration.ofMillis(1), Duration.ofMinutes(1));
      return this;
    }

    /**
     * {@code delivery.timeout.ms}: how long the producer retries a record before the core takes over
     * (which retries forever); default 30s, between 1s and 1h.
     */
    public Builder deliveryTimeout(Duration timeout) {
      this.deliveryTimeout = range("deliveryTimeout", timeout, Duration.ofSeconds(1), Duration.ofHours(1));
      return this;
    }

    /** How long {@link KafkaSink#close()} waits for buffered records; default 5s. */
    public Builder closeTimeout(Duration timeout) {
      this.closeTimeout = range("closeTimeout", timeout, Duration.ZERO, Duration.ofMinutes(5));
      return this;
    }

    /** {@code client.id}; default {@code analytics}. */
    public Builder clientId(String clientId) {
      Objects.requireNonNull(clientId, "clientId == null");
      if (clientId.isBlank()) throw new IllegalArgumentException("clientId is blank");
      this.clientId = clientId;
      return this;
    }

    /**
     * Any other producer setting ({@code security.protocol}, {@code sasl.jaas.config},
     * {@code compression.type}...), applied last. {@code acks}, {@code enable.idempotence} and the
     * serializers cannot be changed: the delivery guarantees depend on them.
     */
    public Builder producerProperty(String name, Object value) {
      Objects.requireNonNull(name, "name == null");
      Objects.requireNonNull(value, "value of " + name + " == null");
      if (FIXED.contains(name)) {
        throw new IllegalArgumentException("producer property " + name + " is fixed by KafkaSink (" + FIXED + ")");
      }
      overrides.put(name, value);
      return this;
    }

    /** A producer to use instead of creating one (tests, a shared or instrumented producer). */
    public Builder producer(Producer<byte[], byte[]> producer) {
      this.producer = Objects.requireNonNull(producer, "producer == null");
      return this;
    }

    /** @throws IllegalStateException if the topic, or both bootstrap servers and producer, are missing */
    public KafkaSink build() {
      if (topic == null) throw new IllegalStateException("topic is required");
      if (producer == null && bootstrapServers == null && !overrides.containsKey(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG)) {
        throw new IllegalStateException("bootstrapServers is required");
      }
      if (deliveryTimeout.compareTo(linger.plus(REQUEST_TIMEOUT)) < 0 && !overrides.containsKey(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG)) {
        throw new IllegalArgumentException("deliveryTimeout must be at least linger + " + REQUEST_TIMEOUT + ": " + deliveryTimeout);
      }
      if (producer == null) {
        // Checks names, types and ranges now (Kafka masks password values in its messages); the producer
        // itself, which resolves the bootstrap servers, is created at the first send.
        try {
          new ProducerConfig(producerProperties());
        } catch (org.apache.kafka.common.config.ConfigException e) {
          throw new IllegalArgumentException("producer settings: " + e.getMessage());
        }
      }
      return new KafkaSink(this);
    }

    Map<String, Object> producerProperties() {
      Map<String, Object> p = new LinkedHashMap<>();
      if (bootstrapServers != null) p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
      p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
      p.put(ProducerConfig.LINGER_MS_CONFIG, (int) linger.toMillis());
      p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, maxBlock.toMillis());
      p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) REQUEST_TIMEOUT.toMillis());
      p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) deliveryTimeout.toMillis());
      p.putAll(overrides);
      p.put(ProducerConfig.ACKS_CONFIG, "all");
      p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
      p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
      p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
      return p;
    }

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final java.util.Set<String> FIXED = java.util.Set.of(
        ProducerConfig.ACKS_CONFIG, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG);

    private static Duration range(String name, Duration value, Duration min, Duration max) {
      Objects.requireNonNull(value, name + " == null");
      if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
        throw new IllegalArgumentException(name + " out of range [" + min + ", " + max + "]: " + value);
      }
      return value;
    }
  }
}
