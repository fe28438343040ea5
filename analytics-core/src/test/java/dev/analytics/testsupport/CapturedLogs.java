package dev.analytics.testsupport;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * What the library logs under {@code dev.analytics} at INFO and above (System.Logger is routed to
 * java.util.logging in tests), captured from {@link #start()} until {@link #close()}, which restores
 * the logger's level.
 */
public final class CapturedLogs implements AutoCloseable {
  private final Logger root = Logger.getLogger("dev.analytics");
  private final List<LogRecord> records = new CopyOnWriteArrayList<>();
  private final Level previous = root.getLevel();
  private final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord record) {
      records.add(record);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  private CapturedLogs() {}

  public static CapturedLogs start() {
    CapturedLogs logs = new CapturedLogs();
    logs.root.setLevel(Level.INFO);
    logs.root.addHandler(logs.capture);
    return logs;
  }

  /** Every record captured so far, in order. */
  public List<LogRecord> records() {
    return records;
  }

  @Override
  public void close() {
    root.removeHandler(capture);
    root.setLevel(previous);
  }
}
