package dev.analytics.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.analytics.internal.log.CursorStore;
import dev.analytics.internal.log.EventLog;
import dev.analytics.internal.log.LogReader;
import dev.analytics.spi.DeadLetter;
import dev.analytics.spi.Outcome;
import dev.analytics.spi.Record;
import dev.analytics.spi.Sink;
import dev.analytics.spi.Transform;
import dev.analytics.spi.TransformException;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Delivers one sink's records: reads batches from the sink's cursor, transforms them, sends them (up
 * to the sink's in-flight limit), and advances the cursor in log order past records that are
 * delivered or dead-lettered. Records the sink could not deliver are retried with backoff, forever.
 * Heap use is bounded by the window: at most {@code maxInFlight} batches are held, sent or waiting.
 *
 * <p>Single-threaded: all state is owned by the dispatcher thread; sink completions arrive on a queue.
 */
// Why this class is long (~580 lines): it is single-threaded by design, and the window of batches, the
// retry schedule, the cursor and dead-lettering all read and write the same per-batch state on that one
// thread. Candidates to move out next: the transform chain (toItem) and dead-letter writing.
final class Dispatcher implements Runnable {
  private static final System.Logger LOG = System.getLogger(Dispatcher.class.getName());
  private static final long CURSOR_WRITE_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
  private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  private static final long READ_BACKOFF_MIN_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
  private static final long READ_BACKOFF_MAX_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final int DEAD_LETTERS_NAMED_PER_LINE = 3;
  private static final java.time.Duration MAX_RETRY_AFTER = java.time.Duration.ofHours(1);
  /**
   * Reads back what emit() wrote: the envelope adds a level of nesting to an event that Jackson's
   * default limits accepted, and a record may hold strings up to maxRecordBytes, so those limits
   * must not refuse here what emit() accepted.
   */
  private static final com.fasterxml.jackson.databind.ObjectReader ENVELOPE_READER = new ObjectMapper(
      com.fasterxml.jackson.core.JsonFactory.builder()
          .streamReadConstraints(com.fasterxml.jackson.core.StreamReadConstraints.builder()
              .maxNestingDepth(Integer.MAX_VALUE)
              .maxStringLength(Integer.MAX_VALUE)
              .maxNumberLength(Integer.MAX_VALUE)
              .maxDocumentLength(-1)
              .build())
          .build()).reader();

  private final String name;
  private final Sink sink;
  private final List<Transform> transforms;
  private final EventLog log;
  private final LogReader reader;
  private final CursorStore cursors;
  private final DeadLetterFile deadLetters;
  private final ObjectMapper mapper;
  private final Backoff backoff;
  private final ListenerRelay listener;
  private final Counters counters;
  private final Clock clock;
  private final Runnable onProgress;
  private final int maxBatch;
  private final int maxInFlight;
  private final long lingerNanos;

  private final ArrayDeque<Batch> window = new ArrayDeque<>();
  private final ConcurrentLinkedQueue<Completion> completions = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean parked = new AtomicBoolean();
  private final Thread thread;
  private final SinkContext context = new SinkContext();
  private volatile boolean stopping;
  private volatile long ackedSeq;
  private volatile long flushUpTo;
  private volatile long oldestPendingMillis;
  private long persistedSeq;
  private long lastCursorWrite;
  private long lingerStart;
  /** Reads that found nothing although the log has records past the reader; reset by any progress. */
  private int fruitlessReads;
  private long readBackoffUntil;

  Dispatcher(String name, Sink sink, List<Transform> transforms, EventLog log, long startSeq,
      CursorStore cursors, DeadLetterFile deadLetters, ObjectMapper mapper, Backoff backoff,
      ListenerRelay listener, Counters counters, Clock clock, Runnable onProgress) {
    this.name = name;
    this.sink = sink;
    this.transforms = transforms;
    this.log = log;
    this.reader = log.reader(startSeq);
    this.cursors = cursors;
    this.deadLetters = deadLetters;
    this.mapper = mapper;
    this.backoff = backoff;
    this.listener = listener;
    this.counters = counters;
    this.clock = clock;
    this.onProgress = onProgress;
    this.maxBatch = Math.max(1, sink.maxBatchRecords());
    this.maxInFlight = Math.max(1, sink.maxInFlight());
    this.lingerNanos = Math.max(0, sink.linger().toNanos());
    this.ackedSeq = startSeq;
    this.persistedSeq = startSeq;
    this.thread = new Thread(this, "analytics-dispatcher-" + name);
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** Everything below this seq is delivered or dead-lettered. */
  long ackedSeq() {
    return ackedSeq;
  }

  /**
   * Every record below this seq has been read into memory (and will be delivered or dead-lettered).
   * The reader's own position, which moves while it reads: what DROP_OLDEST must not count.
   */
  long readSeq() {
    return reader.nextSeq();
  }

  /** Millis timestamp of the oldest record in the window, or 0. */
  long oldestPendingMillis() {
    return oldestPendingMillis;
  }

  /** New records were appended. Cheap when the dispatcher is busy. */
  void wake() {
    if (parked.get()) LockSupport.unpark(thread);
  }

  /** Sends records up to {@code seq} without lingering. */
  void flushUpTo(long seq) {
    if (seq > flushUpTo) flushUpTo = seq;
    LockSupport.unpark(thread);
  }

  /** Stops after the current step; records not acknowledged stay on disk. */
  void stop(long timeoutMillis) {
    stopping = true;
    LockSupport.unpark(thread);
    try {
      thread.join(timeoutMillis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) LOG.log(System.Logger.Level.WARNING, "dispatcher " + name + " did not stop in time");
  }

  @Override
  public void run() {
    try {
      boolean opened = false;
      while (!stopping) {
        try {
          if (!opened) {
            sink.open(context);
            opened = true;
          }
          step();
        } catch (Exception | StackOverflowError | LinkageError | AssertionError e) {
          // A bug, an I/O error or a misbehaving sink must not end delivery: report it, go on after a
          // pause. Only the JVM's own failures (out of memory) end the thread.
          LOG.log(System.Logger.Level.ERROR, "dispatcher " + name + " failed a step; retrying", e);
          LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
        }
      }
    } catch (Throwable t) {
      LOG.log(System.Logger.Level.ERROR, "dispatcher " + name + " stopped by an error", t);
    } finally {
      persistCursor(true);
      reader.close();
    }
  }

  private void step() throws IOException {
    boolean progressed = drainCompletions();
    progressed |= popFinishedBatches();
    long now = System.nanoTime();
    resendDue(now);
    long lingerDeadline = fillWindow(now);
    persistCursor(false);
    if (progressed) onProgress.run();
    updateOldestPending();
    park(now, lingerDeadline);
  }

  private boolean drainCompletions() {
    boolean any = false;
    Completion completion;
    while ((completion = completions.poll()) != null) {
      try {
        apply(completion);
      } catch (RuntimeException | StackOverflowError e) {
        // Plugin code (a redact, a listener) failed while handling the outcome: nothing is known to
        // be done, so the whole batch goes again rather than being stranded.
        LOG.log(System.Logger.Level.ERROR, "sink " + name + ": failed to handle a completion; retrying the batch", e);
        completion.batch.inFlight = false;
        completion.batch.done = false;
        scheduleRetry(completion.batch, completion.sent, 0);
      }
      any = true;
    }
    return any;
  }

  private void apply(Completion completion) {
    Batch batch = completion.batch;
    batch.inFlight = false;
    List<Item> sent = completion.sent;
    List<Outcome> outcomes = completion.outcomes;
    if (completion.error != null || outcomes == null || outcomes.size() != sent.size()) {
      String why = completion.error != null
          ? String.valueOf(completion.error)
          : "sink returned " + (outcomes == null ? "null" : outcomes.size()) + " outcomes for " + sent.size() + " records";
      LOG.log(System.Logger.Level.WARNING, "sink " + name + ": " + redact(why) + "; retrying the batch");
      scheduleRetry(batch, sent, 0);
      return;
    }
    List<Item> retry = new ArrayList<>();
    List<Item> rejected = new ArrayList<>();
    long retryAfter = 0;
    for (int i = 0; i < sent.size(); i++) {
      Item item = sent.get(i);
      Outcome outcome = outcomes.get(i);
      switch (outcome == null ? Outcome.Kind.RETRY : outcome.kind()) {
        case DELIVERED:
          counters.delivered.increment();
          break;
        case REJECTED:
          item.rejection = outcome.reason().orElse("rejected");
          rejected.add(item);
          break;
        default:
          retry.add(item);
          if (outcome != null && outcome.retryAfter().isPresent()) {
            // Capped: a server's Retry-After of years must not park records (or overflow nanos).
            java.time.Duration asked = outcome.retryAfter().get();
            retryAfter = Math.max(retryAfter, asked.compareTo(MAX_RETRY_AFTER) > 0
                ? MAX_RETRY_AFTER.toNanos() : asked.toNanos());
          }
      }
    }
    if (!deadLetter(rejected)) retry.addAll(rejected);
    if (retry.isEmpty()) {
      batch.done = true;
    } else {
      scheduleRetry(batch, retry, retryAfter);
    }
  }

  private void scheduleRetry(Batch batch, List<Item> items, long minDelayNanos) {
    batch.pending = items;
    batch.attempt++;
    long delay = Math.max(backoff.delayNanos(batch.attempt), minDelayNanos);
    batch.retryAt = System.nanoTime() + delay;
    int count = items.size();
    listener.tell(l -> l.onRetry(name, count, java.time.Duration.ofNanos(delay)));
  }

  /** Writes dead letters durably; false if that failed (the records are then retried, not lost). */
  private boolean deadLetter(List<Item> items) {
    if (items.isEmpty()) return true;
    List<DeadLetter> letters = new ArrayList<>(items.size());
    Instant now = clock.instant();
    try {
      for (Item item : items) {
        letters.add(new DeadLetter(item.record.id(), name, redact(item.rejection), now,
            item.record.value(), item.transformed == null ? null : redactJson(item.transformed.value())));
      }
      letters = deadLetters.append(letters); // without those dead-lettered before a crash
    } catch (IOException | RuntimeException e) {
      LOG.log(System.Logger.Level.ERROR, "cannot write dead letters for sink " + name + "; will retry", e);
      return false;
    }
    counters.deadLettered.add(letters.size());
    if (!letters.isEmpty()) LOG.log(System.Logger.Level.WARNING, deadLetterLine(letters));
    for (DeadLetter letter : letters) listener.tell(l -> l.onDeadLetter(letter));
    return true;
  }

  /** One line per batch, however many records it dead-letters: the listener hears each one. */
  private String deadLetterLine(List<DeadLetter> letters) {
    StringBuilder line = new StringBuilder("sink ").append(name).append(" dead-lettered ")
        .append(letters.size()).append(letters.size() == 1 ? " record: " : " records: ");
    int shown = Math.min(letters.size(), DEAD_LETTERS_NAMED_PER_LINE);
    for (int i = 0; i < shown; i++) {
      if (i > 0) line.append("; ");
      line.append(letters.get(i).id()).append(": ").append(letters.get(i).reason());
    }
    if (letters.size() > shown) line.append("; and ").append(letters.size() - shown).append(" more");
    return line.toString();
  }

  private String redact(String text) {
    String result = sink.redact(text);
    for (Transform transform : transforms) result = transform.redact(result);
    return result;
  }

  private JsonNode redactJson(JsonNode value) {
    try {
      String text = mapper.writeValueAsString(value);
      String redacted = redact(text);
      return redacted.equals(text) ? value : mapper.readTree(redacted);
    } catch (IOException e) {
      return mapper.getNodeFactory().textNode("<transformed value not kept: it could not be redacted>");
    }
  }

  private boolean popFinishedBatches() {
    boolean advanced = false;
    while (!window.isEmpty() && window.peekFirst().done) {
      ackedSeq = window.pollFirst().endSeq;
      advanced = true;
    }
    if (window.isEmpty() && ackedSeq < reader.nextSeq()) {
      ackedSeq = reader.nextSeq(); // records skipped as corrupt or dropped
      advanced = true;
    }
    return advanced; // the engine releases segments by the slowest sink's position (onProgress)
  }

  private void resendDue(long now) {
    for (Batch batch : window) {
      if (!batch.done && !batch.inFlight && batch.pending != null && batch.retryAt - now <= 0) {
        counters.retried.add(batch.pending.size());
        send(batch, batch.pending);
      }
    }
  }

  /** Reads, transforms and sends new batches while the window has room; returns a linger deadline or 0. */
  private long fillWindow(long now) throws IOException {
    while (window.size() < maxInFlight && !stopping) {
      long available = log.nextSeq() - reader.nextSeq();
      if (available <= 0) {
        lingerStart = 0;
        return 0;
      }
      if (available < maxBatch && lingerNanos > 0 && flushUpTo <= reader.nextSeq()) {
        if (lingerStart == 0) lingerStart = now;
        long deadline = lingerStart + lingerNanos;
        if (deadline - now > 0) return deadline;
      }
      lingerStart = 0;
      if (readBackoffUntil - now > 0) return 0;
      List<LogReader.Entry> entries = new ArrayList<>(Math.min(maxBatch, (int) Math.min(available, Integer.MAX_VALUE)));
      long before = reader.nextSeq();
      reader.read(maxBatch, entries);
      if (entries.isEmpty()) {
        if (reader.nextSeq() == before) backOffReading(now);
        return 0;
      }
      fruitlessReads = 0;
      Batch batch = new Batch(reader.nextSeq());
      window.addLast(batch);
      List<Item> sendable = new ArrayList<>(entries.size());
      List<Item> failed = new ArrayList<>();
      for (LogReader.Entry entry : entries) {
        Item item = toItem(entry);
        if (item == null) continue;
        if (batch.firstTimestampMillis == 0) batch.firstTimestampMillis = item.record.timestamp().toEpochMilli();
        if (item.rejection == null) sendable.add(item);
        else failed.add(item);
      }
      if (!deadLetter(failed)) sendable.addAll(failed);
      if (sendable.isEmpty()) {
        batch.done = true;
      } else {
        send(batch, sendable);
      }
    }
    return 0;
  }

  /**
   * The log says records follow, but the reader found none and moved nowhere: something is wrong with
   * the file under it (damaged in place, removed from outside). Waits longer each time instead of
   * spinning, and says so once per episode.
   */
  private void backOffReading(long now) {
    fruitlessReads++;
    long delay = READ_BACKOFF_MIN_NANOS << Math.min(fruitlessReads - 1, 7);
    readBackoffUntil = now + Math.min(delay, READ_BACKOFF_MAX_NANOS);
    if (fruitlessReads == 1) {
      LOG.log(System.Logger.Level.WARNING, "sink " + name + ": the log has records up to seq " + (log.nextSeq() - 1)
          + " but none can be read at seq " + reader.nextSeq() + " (" + reader.describePosition()
          + "); retrying with backoff");
    }
  }

  /** The record ready to send, or null if it is unreadable (reported) or dead-lettered already. */
  private Item toItem(LogReader.Entry entry) {
    JsonNode envelope;
    Record record;
    try {
      envelope = ENVELOPE_READER.readTree(entry.payload);
      record = Record.of(envelope.get("id").asText(), Timestamps.parse(envelope.get("timestamp").asText()), envelope);
    } catch (IOException | RuntimeException e) {
      // The checksum matched, so these are the bytes that were written; they cannot be delivered.
      log.reportUnreadable(entry.seq, String.valueOf(e));
      return null;
    }
    // Dead-lettered before a crash that came ahead of the cursor write (guarantee 9): already done.
    if (deadLetters.contains(name, record.id())) return null;
    Item item = new Item(record);
    JsonNode value = envelope;
    for (int i = 0; i < transforms.size(); i++) {
      Transform transform = transforms.get(i);
      try {
        value = transform.apply(value);
        if (value == null) throw new TransformException("returned null");
      } catch (TransformException | RuntimeException | StackOverflowError e) { // a too-deep record, too
        item.rejection = "transform #" + (i + 1) + " (" + transform.describe() + ") failed on record "
            + record.id() + ": " + (e instanceof TransformException ? e.getMessage() : e.toString());
        return item;
      }
    }
    item.transformed = record.withValue(value);
    return item;
  }

  private void send(Batch batch, List<Item> items) {
    batch.inFlight = true;
    batch.pending = null;
    List<Record> records = new ArrayList<>(items.size());
    List<Item> toSend = new ArrayList<>(items.size());
    List<Item> failedTransforms = new ArrayList<>();
    for (Item item : items) {
      if (item.transformed == null) failedTransforms.add(item); // dead-lettering failed before; try again
      else {
        records.add(item.transformed);
        toSend.add(item);
      }
    }
    if (!failedTransforms.isEmpty() && !deadLetter(failedTransforms)) {
      batch.inFlight = false;
      scheduleRetry(batch, items, 0);
      return;
    }
    if (toSend.isEmpty()) {
      batch.inFlight = false;
      batch.done = true;
      return;
    }
    CompletionStage<List<Outcome>> stage;
    try {
      stage = sink.send(records);
      if (stage == null) throw new NullPointerException(sink.describe() + ".send returned null");
    } catch (RuntimeException | LinkageError | AssertionError | StackOverflowError e) {
      completions.add(new Completion(batch, toSend, null, e));
      return;
    }
    stage.whenComplete((outcomes, error) -> {
      completions.add(new Completion(batch, toSend, outcomes, error));
      LockSupport.unpark(thread);
    });
  }

  private void persistCursor(boolean force) {
    long acked = ackedSeq;
    if (acked == persistedSeq) return;
    long now = System.nanoTime();
    if (!force && now - lastCursorWrite < CURSOR_WRITE_INTERVAL_NANOS) return;
    try {
      cursors.write(name, acked);
      persistedSeq = acked;
    } catch (IOException e) {
      // The records after the saved cursor are delivered again after a restart: at-least-once holds.
      LOG.log(System.Logger.Level.WARNING, "cannot save cursor of sink " + name, e);
    }
    lastCursorWrite = now;
  }

  private void updateOldestPending() {
    Batch head = window.peekFirst();
    oldestPendingMillis = head == null ? 0 : head.firstTimestampMillis;
  }

  private void park(long now, long lingerDeadline) {
    if (stopping || !completions.isEmpty()) return;
    long wait = IDLE_PARK_NANOS;
    if (lingerDeadline != 0) wait = Math.min(wait, lingerDeadline - now);
    for (Batch batch : window) {
      if (!batch.done && !batch.inFlight && batch.pending != null) wait = Math.min(wait, batch.retryAt - now);
    }
    boolean canRead = window.size() < maxInFlight && lingerDeadline == 0 && readBackoffUntil - now <= 0;
    if (window.size() < maxInFlight && readBackoffUntil - now > 0) wait = Math.min(wait, readBackoffUntil - now);
    if (canRead && log.nextSeq() > reader.nextSeq()) return;
    if (wait <= 0) return;
    parked.set(true);
    // Re-check after announcing the park, so an append racing with it is not missed.
    if ((canRead && log.nextSeq() > reader.nextSeq()) || !completions.isEmpty() || stopping) {
      parked.set(false);
      return;
    }
    LockSupport.parkNanos(this, wait);
    parked.set(false);
  }

  private final class SinkContext implements Sink.Context {
    private volatile boolean faulted;

    @Override
    public String name() {
      return name;
    }

    private volatile String lastFault;

    @Override
    public void reportFault(String message) {
      String safe = redact(message);
      // Loud once per fault (a sink re-reports it on every slow retry); the listener hears every report.
      if (!faulted || !safe.equals(lastFault)) {
        LOG.log(System.Logger.Level.ERROR, "sink " + name + " configuration fault, holding its records: " + safe);
      }
      faulted = true;
      lastFault = safe;
      listener.tell(l -> l.onSinkFault(name, safe));
    }

    @Override
    public void clearFault() {
      if (!faulted) return;
      faulted = false;
      LOG.log(System.Logger.Level.INFO, "sink " + name + " configuration fault cleared");
      listener.tell(l -> l.onSinkFaultCleared(name));
    }
  }

  /** Records read together, acknowledged together once all are delivered or dead-lettered. */
  private static final class Batch {
    final long endSeq;
    long firstTimestampMillis;
    List<Item> pending;
    int attempt;
    long retryAt;
    boolean inFlight;
    boolean done;

    Batch(long endSeq) {
      this.endSeq = endSeq;
    }
  }

  private static final class Item {
    final Record record;
    Record transformed;
    String rejection;

    Item(Record record) {
      this.record = record;
    }
  }

  private static final class Completion {
    final Batch batch;
    final List<Item> sent;
    final List<Outcome> outcomes;
    final Throwable error;

    Completion(Batch batch, List<Item> sent, List<Outcome> outcomes, Throwable error) {
      this.batch = batch;
      this.sent = sent;
      this.outcomes = outcomes;
      this.error = error;
    }
  }
}
