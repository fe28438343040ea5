package dev.analytics.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.analytics.internal.incident.Incident;
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
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * Delivers one sink's records: reads batches from the sink's cursor, transforms them, sends them (up
 * to the sink's in-flight limit), and advances the cursor in log order past records that are
 * delivered or dead-lettered. Records the sink could not deliver are retried with backoff, forever.
 * Heap use is bounded by the window: at most {@code maxInFlight} batches are held, sent or waiting.
 *
 * <p>Single-threaded: all state is owned by the dispatcher thread; sink completions arrive on a queue.
 *
 * <p><b>Waking.</b> {@code emit()} does not wake the dispatcher per record: at a steady rate that
 * costs a context switch per event on the emitting thread. Once it has caught up, the dispatcher
 * either <em>polls</em> (parks for the delay bound, then reads what arrived meanwhile) while records
 * keep coming, or goes <em>quiet</em> (parks until the next append wakes it) after a poll found
 * nothing. An append wakes it only when it crosses {@link #wakeAtSeq}: the first record after a quiet
 * spell, or a full batch. So a record waits for the dispatcher at most the <b>delay bound</b>: the
 * sink's {@link Sink#linger()} if it has one (the linger is then counted from before the record
 * arrived, so the wait does not grow beyond it), else {@link #DEFAULT_DELAY_BOUND} (5 ms).
 */
// Why this class is long (~690 lines): it is single-threaded by design, and the window of batches, the
// retry schedule, the cursor and dead-lettering all read and write the same per-batch state on that one
// thread. Candidates to move out next: the transform chain (toItem) and dead-letter writing.
final class Dispatcher implements Runnable {
  private static final System.Logger LOG = System.getLogger(Dispatcher.class.getName());
  private static final long CURSOR_WRITE_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
  private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  /** The longest a record of a sink without a linger waits before the dispatcher reads it. */
  static final java.time.Duration DEFAULT_DELAY_BOUND = java.time.Duration.ofMillis(5);
  private static final long NO_WAKE = Long.MAX_VALUE;
  private static final VarHandle WAKE_AT_SEQ;

  static {
    try {
      WAKE_AT_SEQ = MethodHandles.lookup().findVarHandle(Dispatcher.class, "wakeAtSeq", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }
  private static final long READ_BACKOFF_MIN_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
  private static final long READ_BACKOFF_MAX_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final int DEAD_LETTERS_NAMED_PER_LINE = 3;
  private static final java.time.Duration MAX_RETRY_AFTER = java.time.Duration.ofHours(1);
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
  private final Ticker ticker;
  private final Runnable onProgress;
  private final int maxBatch;
  private final int maxInFlight;
  private final long lingerNanos;
  /** How long a poll parks: the delay bound (see the class comment). */
  private final long pollNanos;

  private final ArrayDeque<Batch> window = new ArrayDeque<>();
  private final ConcurrentLinkedQueue<Completion> completions = new ConcurrentLinkedQueue<>();
  private final Thread thread;
  private final SinkContext context;
  private volatile boolean stopping;
  private volatile long ackedSeq;
  private volatile long flushUpTo;
  private volatile long oldestPendingMillis;
  private volatile int inFlightBatches;
  /**
   * While parked: an append that makes the log's next seq reach this wakes the dispatcher (and swaps
   * in {@link #NO_WAKE}, so only one appender unparks). {@link #NO_WAKE} while running.
   */
  @SuppressWarnings("unused") // through WAKE_AT_SEQ
  private volatile long wakeAtSeq = NO_WAKE;
  /** Parks until an append wakes it, rather than polling: the last poll found nothing. */
  private boolean quiet = true;
  /** When the current poll's park ends (ticker time); 0 if the last park was not a poll. */
  private long pollUntil;
  /**
   * The last time the reader was seen caught up with the log (ticker time), 0 if it has read since:
   * records found later arrived after it, which is where their linger starts.
   */
  private long caughtUpAt;
  private long persistedSeq;
  private long lastCursorWrite;
  private long lingerStart;
  /** Reads that found nothing although the log has records past the reader; reset by any progress. */
  private int fruitlessReads;
  private long readBackoffUntil;

  /** The files every dispatcher of an engine works on: the log, the cursors, the dead letters. */
  record Files(EventLog log, CursorStore cursors, DeadLetterFile deadLetters) {}

  /** What every dispatcher of an engine shares to parse, wait, retry and report. */
  record Services(ObjectMapper mapper, Backoff backoff, ListenerRelay listener, Clock clock, Ticker ticker,
      Runnable onProgress) {}

  /** A dispatcher for {@code route}, reading from {@code startSeq}; {@link #start()} runs it. */
  Dispatcher(Route route, long startSeq, Files files, Services services) {
    this.name = route.name();
    this.sink = route.sink();
    this.transforms = route.transforms();
    this.log = files.log();
    this.reader = log.reader(startSeq);
    this.cursors = files.cursors();
    this.deadLetters = files.deadLetters();
    this.mapper = services.mapper();
    this.backoff = services.backoff();
    this.listener = services.listener();
    this.counters = new Counters();
    this.clock = services.clock();
    this.ticker = services.ticker();
    this.onProgress = services.onProgress();
    this.maxBatch = Math.max(1, sink.maxBatchRecords());
    this.maxInFlight = Math.max(1, sink.maxInFlight());
    this.lingerNanos = Math.max(0, sink.linger().toNanos());
    this.pollNanos = lingerNanos > 0 ? lingerNanos : DEFAULT_DELAY_BOUND.toNanos();
    this.ackedSeq = startSeq;
    this.persistedSeq = startSeq;
    this.context = new SinkContext(); // after the clock its fault incident reads
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

  String name() {
    return name;
  }

  /** This sink's delivered, retried and dead-lettered counts. */
  Counters counters() {
    return counters;
  }

  /** Batches handed to the sink and not answered yet. */
  int inFlightBatches() {
    return inFlightBatches;
  }

  /**
   * New records were appended, up to (not including) {@code nextSeq}. Called by every append: two
   * volatile reads and a compare, unless the append crosses the seq the parked dispatcher waits for.
   */
  void wake(long nextSeq) {
    long wakeAt = wakeAtSeq;
    if (nextSeq >= wakeAt && WAKE_AT_SEQ.compareAndSet(this, wakeAt, NO_WAKE)) ticker.unpark(thread);
  }

  /** Sends records up to {@code seq} without lingering. */
  void flushUpTo(long seq) {
    if (seq > flushUpTo) flushUpTo = seq;
    ticker.unpark(thread);
  }

  /** Stops after the current step; records not acknowledged stay on disk. */
  void stop(long timeoutMillis) {
    stopping = true;
    ticker.unpark(thread);
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
          ticker.parkNanos(this, TimeUnit.SECONDS.toNanos(1));
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
    long now = ticker.nanoTime();
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
    int delivered = 0;
    long oldestMillis = Long.MAX_VALUE;
    long newestMillis = Long.MIN_VALUE;
    for (int i = 0; i < sent.size(); i++) {
      Item item = sent.get(i);
      Outcome outcome = outcomes.get(i);
      switch (outcome == null ? Outcome.Kind.RETRY : outcome.kind()) {
        case DELIVERED:
          batch.delivered++; // counted when the cursor passes it (popFinishedBatches)
          delivered++;
          long emitted = item.record.timestamp().toEpochMilli();
          oldestMillis = Math.min(oldestMillis, emitted);
          newestMillis = Math.max(newestMillis, emitted);
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
    if (delivered > 0) reportDelivered(delivered, oldestMillis, newestMillis);
    if (!deadLetter(rejected)) retry.addAll(rejected);
    if (retry.isEmpty()) {
      batch.done = true;
    } else {
      scheduleRetry(batch, retry, retryAfter);
    }
  }

  /** One listener call per acknowledgement, never per record: the count and the batch's wait from emit(). */
  private void reportDelivered(int records, long oldestEmittedMillis, long newestEmittedMillis) {
    long now = clock.millis();
    java.time.Duration oldest = java.time.Duration.ofMillis(Math.max(0, now - oldestEmittedMillis));
    java.time.Duration newest = java.time.Duration.ofMillis(Math.max(0, now - newestEmittedMillis));
    listener.tell(l -> l.onDelivered(name, records, oldest, newest));
  }

  private void scheduleRetry(Batch batch, List<Item> items, long minDelayNanos) {
    batch.pending = items;
    batch.attempt++;
    long delay = Math.max(backoff.delayNanos(batch.attempt), minDelayNanos);
    batch.retryAt = ticker.nanoTime() + delay;
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
      Batch batch = window.pollFirst();
      // The cursor first, the count after: a stats() that reads the counts and then the cursor never
      // sees a record both delivered and still queued.
      ackedSeq = batch.endSeq;
      counters.delivered.add(batch.delivered);
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
    boolean pollEnded = pollUntil != 0 && now - pollUntil >= 0;
    pollUntil = 0;
    while (window.size() < maxInFlight && !stopping) {
      long available = log.nextSeq() - reader.nextSeq();
      if (available <= 0) {
        lingerStart = 0;
        caughtUpAt = now;
        if (pollEnded) quiet = true; // a whole poll went by without a record
        return 0;
      }
      quiet = false;
      if (available < maxBatch && lingerNanos > 0 && flushUpTo <= reader.nextSeq()) {
        if (lingerStart == 0) lingerStart = caughtUpAt != 0 ? caughtUpAt : now;
        long deadline = lingerStart + lingerNanos;
        if (deadline - now > 0) return deadline;
      }
      lingerStart = 0;
      caughtUpAt = 0;
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
        if (item.rejection == null) sendable.add(item); // transformAgain ones too: send() retries them
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
    Record record;
    try {
      record = EnvelopeReader.read(entry.payload);
    } catch (IOException | RuntimeException e) {
      // The checksum matched, so these are the bytes that were written; they cannot be delivered.
      log.reportUnreadable(entry.seq, String.valueOf(e));
      return null;
    }
    // Dead-lettered before a crash that came ahead of the cursor write (guarantee 9): already done.
    if (deadLetters.contains(name, record.id())) return null;
    Item item = new Item(record);
    transform(item);
    return item;
  }

  /**
   * Runs the chain on {@code item}: sets what to send, or the rejection that dead-letters it. A
   * {@link LinkageError} or {@link AssertionError} (a missing class, a plugin's failed assertion) is
   * not the record's fault: the item is marked to be transformed again after a backoff, never
   * dead-lettered and never left behind in the window (which would hold the cursor forever).
   */
  private void transform(Item item) {
    item.transformAgain = false;
    JsonNode value = item.record.value();
    for (int i = 0; i < transforms.size(); i++) {
      Transform transform = transforms.get(i);
      try {
        value = transform.apply(value);
        if (value == null) throw new TransformException("returned null");
      } catch (TransformException | RuntimeException | StackOverflowError e) { // a too-deep record, too
        item.rejection = "transform #" + (i + 1) + " (" + transform.describe() + ") failed on record "
            + item.record.id() + ": " + (e instanceof TransformException ? e.getMessage() : e.toString());
        return;
      } catch (LinkageError | AssertionError e) {
        LOG.log(System.Logger.Level.ERROR, "sink " + name + ": transform #" + (i + 1) + " (" + transform.describe()
            + ") failed with an error on record " + item.record.id() + "; transforming it again after a backoff", e);
        item.transformAgain = true;
        return;
      }
    }
    item.transformed = item.record.withValue(value);
  }

  private void send(Batch batch, List<Item> items) {
    batch.inFlight = true;
    batch.pending = null;
    List<Record> records = new ArrayList<>(items.size());
    List<Item> toSend = new ArrayList<>(items.size());
    List<Item> failedTransforms = new ArrayList<>();
    for (Item item : items) {
      if (item.transformAgain) transform(item);
      if (item.transformAgain) {
        batch.inFlight = false;
        scheduleRetry(batch, items, 0); // the whole batch keeps its place and its order
        return;
      }
    }
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
      if (Thread.currentThread() != thread) ticker.unpark(thread); // else the next park sees the queue
    });
  }

  private void persistCursor(boolean force) {
    long acked = ackedSeq;
    if (acked == persistedSeq) return;
    long now = ticker.nanoTime();
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
    int inFlight = 0;
    for (Batch batch : window) {
      if (batch.inFlight) inFlight++;
    }
    inFlightBatches = inFlight;
  }

  /**
   * Parks until the next thing to do: a retry or linger deadline, a completion, a full batch, or (see
   * the class comment) the end of a poll or, when quiet, the next append.
   */
  private void park(long now, long lingerDeadline) {
    if (stopping || !completions.isEmpty()) return;
    long wait = IDLE_PARK_NANOS;
    if (lingerDeadline != 0) wait = Math.min(wait, lingerDeadline - now);
    for (Batch batch : window) {
      if (!batch.done && !batch.inFlight && batch.pending != null) wait = Math.min(wait, batch.retryAt - now);
    }
    boolean roomToRead = window.size() < maxInFlight;
    boolean backingOff = readBackoffUntil - now > 0;
    if (roomToRead && backingOff) wait = Math.min(wait, readBackoffUntil - now);
    long wakeAt = NO_WAKE;
    if (roomToRead && !backingOff) {
      wakeAt = reader.nextSeq() + maxBatch; // a full batch is worth waking for
      if (lingerDeadline == 0) {
        if (quiet) {
          wakeAt = reader.nextSeq() + 1;
          caughtUpAt = 0; // the append that wakes it is the record's arrival
        } else {
          wait = Math.min(wait, pollNanos);
          pollUntil = now + wait;
        }
      }
    }
    if (wait <= 0) return;
    WAKE_AT_SEQ.setVolatile(this, wakeAt);
    // Re-check after publishing wakeAt: an append that published its seq before reading wakeAt is seen
    // here (both are volatile), so none is missed.
    if (log.nextSeq() >= wakeAt || !completions.isEmpty() || stopping) {
      WAKE_AT_SEQ.setVolatile(this, NO_WAKE);
      return;
    }
    ticker.parkNanos(this, wait);
    WAKE_AT_SEQ.setVolatile(this, NO_WAKE);
  }

  private final class SinkContext implements Sink.Context {
    private volatile boolean faulted;
    /** A sink re-reports its fault on every slow retry: one line at the start, a summary a minute, one at the end. */
    private final Incident fault = new Incident(LOG, System.Logger.Level.ERROR, "sink " + name + " configuration fault",
        "holding its records until it is fixed", clock, Incident.SUMMARY_EVERY);

    @Override
    public String name() {
      return name;
    }

    @Override
    public void reportFault(String message) {
      String safe = redact(message);
      faulted = true;
      fault.occurred(safe);
      listener.tell(l -> l.onSinkFault(name, safe)); // the listener hears every report
    }

    @Override
    public void clearFault() {
      if (!faulted) return;
      faulted = false;
      fault.ended("the sink works again");
      listener.tell(l -> l.onSinkFaultCleared(name));
    }
  }

  /** Records read together, acknowledged together once all are delivered or dead-lettered. */
  private static final class Batch {
    final long endSeq;
    long firstTimestampMillis;
    /** Records the sink has delivered, counted in the totals once the cursor passes the batch. */
    int delivered;
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
    /** The chain failed with an error that is not the record's fault: run it again before sending. */
    boolean transformAgain;

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
