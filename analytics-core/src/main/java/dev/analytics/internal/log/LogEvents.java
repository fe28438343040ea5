package dev.analytics.internal.log;

import java.io.IOException;
import java.nio.file.Path;

/** What the log reports to its owner. Called on the thread where it happens; implementations hand off. */
public interface LogEvents {
  LogEvents NONE = new LogEvents() {};

  default void onCorruption(Path segment, long offset, long skippedRecords, String detail) {}

  default void onDropped(WhenLogFull policy, long count) {}

  default void onStorageError(IOException error) {}
}
