package dev.analytics.http.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.analytics.spi.Outcome;
import dev.analytics.spi.Record;
import dev.analytics.spi.Sink;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/** Shared test helpers: records, a recording scheduler, a recording context, log capture. */
public final class HttpTesting {
  public static final ObjectMapper MAPPER = new ObjectMapper();
  public static final String API_KEY = "a1b2c3d4e5f6secretkey";

  private HttpTesting() {}

  /** A record in the seed chain's transformed shape: {"events":[{...}],"api_key":key}. */
  public static Record seedRecord(String id, String key, String userId, int n) {
    ObjectNode event = MAPPER.createObjectNode()
        .put("event_type", "ServiceAbcExampleEvent")
        .put("user_id", userId)
        .put("n", n);
    ObjectNode body = MAPPER.createObjectNode();
    body.putArray("events").add(event);
    body.put("api_key", key);
    return Record.of(id, Instant.parse("2026-01-01T00:00:00Z"), body);
  }

  /**
   * The seed records of {@link #seedRecords}, except that record {@code big} carries {@code padding}
   * more bytes in its event: larger than a small {@code maxRequestBytes} on its own.
   */
  public static List<Record> seedRecordsWithOneLarge(int count, int big, int padding) {
    List<Record> records = seedRecords(count);
    ObjectNode value = ((ObjectNode) records.get(big).value()).deepCopy();
    ((ObjectNode) value.get("events").get(0)).put("padding", "x".repeat(padding));
    records.set(big, records.get(big).withValue(value));
    return records;
  }

  public static List<Record> seedRecords(int count) {
    List<Record> records = new ArrayList<>();
    for (int i = 0; i < count; i++) records.add(seedRecord("id-" + i, API_KEY, "user-" + (10000 + i), i));
    return records;
  }

  public static JsonNode json(String text) {
    try {
      return MAPPER.readTree(text);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /**
   * A loopback port that refuses connections for as long as the returned socket is open: the socket is
   * bound but never listens. A port found free and then closed could be taken meanwhile by any process
   * on the machine (a build binding port 0 gets ports from the same range), and the "refused"
   * connection would then reach it.
   */
  public static Socket refusingPort() {
    Socket held = new Socket();
    try {
      held.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    } catch (IOException e) {
      try {
        held.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new UncheckedIOException(e);
    }
    return held;
  }

  public static List<Outcome.Kind> kinds(List<Outcome> outcomes) {
    List<Outcome.Kind> kinds = new ArrayList<>();
    for (Outcome o : outcomes) kinds.add(o.kind());
    return kinds;
  }

  /** Runs every scheduled task at once and remembers the delay resilience4j asked for. */
  public static final class RecordingScheduler extends ScheduledThreadPoolExecutor {
    public final List<Long> delaysMillis = Collections.synchronizedList(new ArrayList<>());

    public RecordingScheduler() {
      super(1, r -> {
        Thread t = new Thread(r, "test-retry-scheduler");
        t.setDaemon(true);
        return t;
      });
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
      delaysMillis.add(unit.toMillis(delay));
      return super.schedule(command, 0, TimeUnit.MILLISECONDS);
    }
  }

  /** A Sink.Context that remembers faults. */
  public static final class RecordingContext implements Sink.Context {
    public final List<String> faults = Collections.synchronizedList(new ArrayList<>());
    public volatile int cleared;

    @Override
    public String name() {
      return "test";
    }

    @Override
    public void reportFault(String message) {
      faults.add(message);
    }

    @Override
    public void clearFault() {
      cleared++;
    }
  }

  /** Captures every log record of the http sink, at every level, formatted. */
  public static final class LogCapture extends Handler implements AutoCloseable {
    private final Logger logger = Logger.getLogger("dev.analytics.http.HttpSink");
    private final Level previous;
    public final List<String> lines = Collections.synchronizedList(new ArrayList<>());
    private final SimpleFormatter formatter = new SimpleFormatter();

    public LogCapture() {
      previous = logger.getLevel();
      logger.setLevel(Level.ALL);
      setLevel(Level.ALL);
      logger.addHandler(this);
    }

    @Override
    public void publish(LogRecord record) {
      lines.add(record.getLevel() + " " + formatter.formatMessage(record));
    }

    @Override
    public void flush() {}

    @Override
    public void close() {
      logger.removeHandler(this);
      logger.setLevel(previous);
    }
  }
}
