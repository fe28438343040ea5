package dev.analytics.benchmarks.peers;

import java.io.IOException;

/**
 * One library under test, reduced to what the measures need: hand it event number {@code i} (built in
 * the library's own event type, the way its users would), ask it to send what it holds, close it.
 */
interface PeerClient extends AutoCloseable {

  /** Builds event {@code i} in the library's own form and hands it over: the call a service makes. */
  void emit(int i);

  /** Asks the library to send what it holds now, without waiting (its own {@code flush} where it has one). */
  void flush();

  @Override
  void close() throws IOException;
}
