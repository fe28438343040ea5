package dev.analytics;

/** When {@link Analytics#emit} returns relative to the disk. */
public enum Durability {
  /**
   * {@code emit()} returns once the record is in the memory-mapped log, that is in the operating
   * system's page cache: it survives {@code kill -9} of the JVM. It is fsynced within
   * {@link Analytics.Builder#syncInterval} (1 s by default), after which it also survives power loss.
   * The default.
   */
  PERIODIC,
  /**
   * {@code emit()} returns once the record is fsynced, so it survives power loss. Concurrent emitters
   * share fsyncs (group commit), so throughput grows with the number of threads.
   */
  SYNC
}
