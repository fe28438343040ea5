package dev.analytics.kafka.connect;

import com.fasterxml.jackson.databind.JsonNode;
import dev.analytics.spi.Outcome;
import dev.analytics.spi.Record;
import dev.analytics.spi.Sink;
import dev.analytics.spi.TransformException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.header.Headers;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * A task's delivery engine: records the task accepted wait in one queue (across its partitions), a
 * thread of its own converts, transforms and sends them in batches of the sink's size, up to the sink's
 * {@code maxInFlight} batches at once, and keeps per partition the offsets that are not done yet.
 *
 * <p>The guarantee lives in {@link #committableOffsets()}: a partition's offset only ever moves up to
 * its first record that is not done, "done" meaning delivered, or handed to the errant-record reporter
 * and acknowledged by it. A record to retry goes back to the head of the queue and the engine
 * {@linkplain #holding() holds} for a backoff (doubling from the minimum, at least as long as a
 * {@code Retry-After} asked); nothing is ever given up, nothing ever fails the task, and the task pauses
 * its partitions while holding or while {@code maxBuffered} records are not done.
 *
 * <p>One class of about 430 lines on purpose: the queue, the per-partition offsets, the hold and the
 * in-flight count change together under one lock, and splitting them would spread that invariant.
 */
final class TaskDelivery implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(TaskDelivery.class.getName());
  static final String REASON_HEADER = AnalyticsSinkTask.REASON_HEADER;
  static final String STAGE_HEADER = AnalyticsSinkTask.STAGE_HEADER;
  private static final Duration REPORT_TIMEOUT = Duration.ofSeconds(30);
  private static final int MAX_REASON_CHARS = 1000;

  private final Pipeline pipeline;
  private final ErrantRecordReporter reporter;
  private final int maxBuffered;
  private final long backoffMinNanos;
  private final long backoffMaxNanos;
  private final LongSupplier nanoTime;
  private final Thread thread;

  private final Object lock = new Object();
  private final Map<TopicPartition, Partition> partitions = new HashMap<>();
  private final Deque<Pending> queue = new ArrayDeque<>();
  /** Rejected by the sink, to be handed to the reporter by the delivery thread. */
  private final Deque<Rejected> rejected = new ArrayDeque<>();
  private int buffered;
  private int inFlight;
  private long holdUntil;
  private int failures;
  private boolean faulted;
  private boolean closed;
  private RuntimeException fatal;
  private long delivered;
  private long reported;
  private long retried;

  TaskDelivery(Pipeline pipeline, ErrantRecordReporter reporter, int maxBuffered, Duration backoffMin,
      Duration backoffMax, LongSupplier nanoTime, String threadName) {
    this.pipeline = pipeline;
    this.reporter = reporter;
    this.maxBuffered = maxBuffered;
    this.backoffMinNanos = backoffMin.toNanos();
    this.backoffMaxNanos = backoffMax.toNanos();
    this.nanoTime = nanoTime;
    this.holdUntil = nanoTime.getAsLong();
    pipeline.sink.open(new FaultContext());
    this.thread = new Thread(this::run, threadName);
    thread.setDaemon(true);
    thread.start();
  }

  /** Takes records from the task's {@code put}; never blocks on delivery. */
  void accept(Collection<SinkRecord> records) {
    synchronized (lock) {
      if (fatal != null) throw fatal;
      for (SinkRecord r : records) {
        TopicPartition tp = new TopicPartition(r.topic(), r.kafkaPartition());
        Partition p = partitions.computeIfAbsent(tp, Partition::new);
        if (!p.outstanding.add(r.kafkaOffset())) continue; // the same offset again: already in hand
        p.next = Math.max(p.next, r.kafkaOffset() + 1);
        queue.addLast(new Pending(r, tp, p));
        buffered++;
      }
      lock.notifyAll();
    }
  }

  /** The offsets safe to commit: per partition, its first record not done, or past the last one received. */
  Map<TopicPartition, OffsetAndMetadata> committableOffsets() {
    synchronized (lock) {
      Map<TopicPartition, OffsetAndMetadata> result = new HashMap<>();
      for (Partition p : partitions.values()) {
        long offset = p.outstanding.isEmpty() ? p.next : p.outstanding.first();
        if (offset >= 0) result.put(p.tp, new OffsetAndMetadata(offset));
      }
      return result;
    }
  }

  /** Partitions assigned to this task (again): they start with no state. */
  void open(Collection<TopicPartition> assigned) {
    synchronized (lock) {
      for (TopicPartition tp : assigned) partitions.putIfAbsent(tp, new Partition(tp));
    }
  }

  /**
   * Partitions taken from this task: their records still queued are dropped (their new owner reads them
   * again from the committed offset: duplicates, never loss) and results still to come are ignored.
   */
  void close(Collection<TopicPartition> revoked) {
    synchronized (lock) {
      for (TopicPartition tp : revoked) partitions.remove(tp);
      int before = queue.size() + rejected.size();
      queue.removeIf(p -> !isCurrent(p));
      rejected.removeIf(r -> !isCurrent(r.pending));
      buffered -= before - queue.size() - rejected.size();
    }
  }

  /** True while the task should keep its partitions paused: holding after a failure, or too much in hand. */
  boolean shouldPause() {
    synchronized (lock) {
      return buffered >= maxBuffered || nanoTime.getAsLong() - holdUntil < 0;
    }
  }

  /** True when paused partitions may resume: not holding, and at most half of {@code maxBuffered} in hand. */
  boolean mayResume() {
    synchronized (lock) {
      return buffered <= maxBuffered / 2 && nanoTime.getAsLong() - holdUntil >= 0;
    }
  }

  /** Records accepted and not done yet. */
  int buffered() {
    synchronized (lock) {
      return buffered;
    }
  }

  /** How long until the engine sends again; zero when it is not holding. */
  Duration holding() {
    synchronized (lock) {
      return Duration.ofNanos(Math.max(0, holdUntil - nanoTime.getAsLong()));
    }
  }

  /** Delivered, reported to the errant-record reporter, and retried (counting each retry), since start. */
  long[] counts() {
    synchronized (lock) {
      return new long[] {delivered, reported, retried};
    }
  }

  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
      lock.notifyAll();
    }
    thread.interrupt();
    try {
      thread.join(Duration.ofSeconds(10).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    pipeline.close();
  }

  private void run() {
    try {
      while (true) {
        Rejected toReport = null;
        List<Pending> batch = null;
        synchronized (lock) {
          while (!closed && !canReport() && !canSend()) waitForWork();
          if (closed) return;
          if (canReport()) {
            toReport = rejected.pollFirst();
          } else {
            batch = new ArrayList<>();
            while (batch.size() < pipeline.sink.maxBatchRecords() && !queue.isEmpty()) batch.add(queue.pollFirst());
            inFlight++;
          }
        }
        if (toReport != null) {
          report(toReport.pending, toReport.reason, toReport.stage);
        } else {
          send(batch);
        }
      }
    } catch (InterruptedException e) {
      // close() interrupts: the records in hand are not committed, and are read again.
    } catch (RuntimeException | Error e) {
      synchronized (lock) {
        fatal = new ConnectException("analytics delivery thread failed: " + e, e);
      }
      LOG.log(System.Logger.Level.ERROR, "delivery thread failed", e);
    }
  }

  private boolean canReport() {
    return !rejected.isEmpty() && nanoTime.getAsLong() - holdUntil >= 0;
  }

  private boolean canSend() {
    return !queue.isEmpty() && inFlight < pipeline.sink.maxInFlight() && nanoTime.getAsLong() - holdUntil >= 0;
  }

  private void waitForWork() throws InterruptedException {
    long holdNanos = holdUntil - nanoTime.getAsLong();
    long waitMillis = holdNanos > 0 ? Math.max(1, TimeUnit.NANOSECONDS.toMillis(holdNanos)) : 1000;
    lock.wait(Math.min(waitMillis, 1000));
  }

  private void send(List<Pending> batch) throws InterruptedException {
    List<Pending> sending = new ArrayList<>(batch.size());
    List<Record> records = new ArrayList<>(batch.size());
    for (Pending p : batch) {
      if (p.transformed == null) {
        try {
          Record record = Envelopes.toRecord(p.record);
          JsonNode value = pipeline.transform(record.value());
          p.transformed = record.withValue(value);
        } catch (Envelopes.Unreadable e) {
          report(p, e.getMessage(), "convert");
          continue;
        } catch (TransformException e) {
          report(p, e.getMessage(), "transform");
          continue;
        }
      }
      sending.add(p);
      records.add(p.transformed);
    }
    if (sending.isEmpty()) {
      synchronized (lock) {
        inFlight--;
        lock.notifyAll();
      }
      return;
    }
    CompletionStage<List<Outcome>> stage;
    try {
      stage = pipeline.sink.send(records);
    } catch (RuntimeException e) {
      stage = CompletableFuture.failedFuture(e);
    }
    stage.whenComplete((outcomes, error) -> completed(sending, outcomes, error));
  }

  private void completed(List<Pending> sent, List<Outcome> outcomes, Throwable error) {
    synchronized (lock) {
      inFlight--;
      boolean usable = error == null && outcomes != null && outcomes.size() == sent.size();
      if (!usable) {
        LOG.log(System.Logger.Level.WARNING, "{0}: a batch of {1} failed, retrying: {2}", pipeline.name, sent.size(),
            pipeline.redact(String.valueOf(error != null ? error : "wrong number of outcomes")));
      }
      List<Pending> retry = new ArrayList<>();
      long retryAfter = 0;
      boolean anyDelivered = false;
      for (int i = 0; i < sent.size(); i++) {
        Pending p = sent.get(i);
        Outcome o = usable ? outcomes.get(i) : Outcome.retryLater();
        if (!isCurrent(p)) {
          buffered--; // its partition moved to another task, which reads it again
          continue;
        }
        switch (o.kind()) {
          case DELIVERED:
            finish(p);
            delivered++;
            anyDelivered = true;
            break;
          case REJECTED:
            rejected.addLast(new Rejected(p, o.reason().orElse("rejected"), "sink"));
            break;
          default:
            retry.add(p);
            retryAfter = Math.max(retryAfter, o.retryAfter().map(Duration::toNanos).orElse(0L));
        }
      }
      if (!retry.isEmpty()) {
        retried += retry.size();
        failures++;
        long backoff = backoffMinNanos << Math.min(failures - 1, 30);
        long delay = Math.max(retryAfter, Math.min(backoffMaxNanos, backoff < 0 ? backoffMaxNanos : backoff));
        long until = nanoTime.getAsLong() + delay;
        if (until - holdUntil > 0) holdUntil = until;
        for (int i = retry.size() - 1; i >= 0; i--) queue.addFirst(retry.get(i));
      } else if (anyDelivered) {
        failures = 0;
      }
      lock.notifyAll();
    }
  }

  /**
   * Hands a record that can never be delivered as it is to Connect's errant-record reporter (the
   * dead-letter topic), with the reason in headers, and waits for the reporter to acknowledge it: only
   * then is its offset done. A reporter that fails or times out (the broker is down) is asked again later.
   */
  private void report(Pending p, String reason, String stage) throws InterruptedException {
    String safe = truncate(pipeline.redact(reason));
    Headers headers = new ConnectHeaders();
    p.record.headers().forEach(headers::add);
    headers.addString(REASON_HEADER, safe);
    headers.addString(STAGE_HEADER, stage);
    // A plain SinkRecord, not the worker's own: the reporter then writes it with these headers.
    SinkRecord withReason = new SinkRecord(p.record.topic(), p.record.kafkaPartition(), p.record.keySchema(),
        p.record.key(), p.record.valueSchema(), p.record.value(), p.record.kafkaOffset(), p.record.timestamp(),
        p.record.timestampType(), headers);
    try {
      reporter.report(withReason, new DeadLetterException(stage + ": " + safe)).get(REPORT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      synchronized (lock) {
        if (isCurrent(p)) {
          finish(p);
          reported++;
        } else {
          buffered--;
        }
        lock.notifyAll();
      }
      LOG.log(System.Logger.Level.WARNING, "{0}: {1}-{2} offset {3} sent to the errant-record reporter: {4}",
          pipeline.name, p.tp.topic(), p.tp.partition(), p.record.kafkaOffset(), safe);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      LOG.log(System.Logger.Level.WARNING, "{0}: the errant-record reporter failed, retrying: {1}", pipeline.name, e.toString());
      synchronized (lock) {
        rejected.addFirst(new Rejected(p, reason, stage));
        failures++;
        holdUntil = nanoTime.getAsLong() + Math.min(backoffMaxNanos, backoffMinNanos << Math.min(failures - 1, 30));
      }
    }
  }

  private void finish(Pending p) {
    p.partition.outstanding.remove(p.record.kafkaOffset());
    buffered--;
  }

  private boolean isCurrent(Pending p) {
    return partitions.get(p.tp) == p.partition;
  }

  private static String truncate(String text) {
    return text.length() > MAX_REASON_CHARS ? text.substring(0, MAX_REASON_CHARS) + "..." : text;
  }

  /** The reason a record went to the errant-record reporter. */
  static final class DeadLetterException extends Exception {
    DeadLetterException(String message) {
      super(message, null, false, false);
    }
  }

  /** A partition's offsets in hand: the ones not done, and one past the highest received. */
  private static final class Partition {
    final TopicPartition tp;
    final TreeSet<Long> outstanding = new TreeSet<>();
    long next = -1;

    Partition(TopicPartition tp) {
      this.tp = tp;
    }
  }

  private static final class Pending {
    final SinkRecord record;
    final TopicPartition tp;
    final Partition partition;
    Record transformed;

    Pending(SinkRecord record, TopicPartition tp, Partition partition) {
      this.record = record;
      this.tp = tp;
      this.partition = partition;
    }
  }

  private static final class Rejected {
    final Pending pending;
    final String reason;
    final String stage;

    Rejected(Pending pending, String reason, String stage) {
      this.pending = pending;
      this.reason = reason;
      this.stage = stage;
    }
  }

  /** A sink's configuration fault (401, 403, a bad key): logged once; the sink itself holds its records. */
  private final class FaultContext implements Sink.Context {
    @Override
    public String name() {
      return pipeline.name;
    }

    @Override
    public void reportFault(String message) {
      synchronized (lock) {
        if (faulted) return;
        faulted = true;
      }
      LOG.log(System.Logger.Level.ERROR, "{0}: configuration fault, records held until it is fixed: {1}",
          pipeline.name, pipeline.redact(message));
    }

    @Override
    public void clearFault() {
      synchronized (lock) {
        if (!faulted) return;
        faulted = false;
      }
      LOG.log(System.Logger.Level.INFO, "{0}: the configuration fault is gone; delivering again", pipeline.name);
    }
  }
}
