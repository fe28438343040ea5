package dev.analytics.examples;

import dev.analytics.Stats;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the demo found, computed from the ids {@code emit()} returned and what the receiver got.
 *
 * @param outcomes what became of the emitted events
 * @param wire the requests as the receiver saw them
 * @param stats the library's own counters at the end
 * @param problems what went wrong, for the report; empty on success
 */
public record DemoSummary(Outcomes outcomes, Wire wire, Stats stats, List<String> problems) {
  public DemoSummary {
    problems = List.copyOf(problems);
  }

  /**
   * @param emitted events {@code emit()} accepted
   * @param emittedWhileDown of those, emitted while the receiver was not up (before start-up or during the outage)
   * @param delivered distinct emitted events the receiver ingested, each exactly as emitted
   * @param duplicatesSuppressed events the receiver got again and dropped by {@code insert_id}
   * @param deadLettered events in the dead-letter log
   * @param lost emitted events neither delivered nor dead-lettered
   */
  public record Outcomes(long emitted, long emittedWhileDown, long delivered, long duplicatesSuppressed,
      long deadLettered, long lost) {}

  /**
   * @param requests HTTP requests the receiver answered
   * @param largestRequest the most events one request carried: batching at work when a backlog drains
   * @param statuses requests by the status the receiver answered
   * @param malformedBodies request bodies not of the form {@code {"events":[...],"api_key":"<key>"}}
   * @param unexpectedEvents ingested events that were not emitted, or not as emitted
   */
  public record Wire(int requests, int largestRequest, Map<Integer, Integer> statuses, int malformedBodies,
      int unexpectedEvents) {
    public Wire {
      statuses = java.util.Collections.unmodifiableMap(new TreeMap<>(statuses));
    }
  }

  public long emitted() {
    return outcomes.emitted();
  }

  public long emittedWhileDown() {
    return outcomes.emittedWhileDown();
  }

  public long delivered() {
    return outcomes.delivered();
  }

  public long duplicatesSuppressed() {
    return outcomes.duplicatesSuppressed();
  }

  public long deadLettered() {
    return outcomes.deadLettered();
  }

  public long lost() {
    return outcomes.lost();
  }

  public int requests() {
    return wire.requests();
  }

  public int largestRequest() {
    return wire.largestRequest();
  }

  public Map<Integer, Integer> statuses() {
    return wire.statuses();
  }

  public int malformedBodies() {
    return wire.malformedBodies();
  }

  public int unexpectedEvents() {
    return wire.unexpectedEvents();
  }

  /** Nothing lost, every body and event exactly as the seed spec shapes it. */
  public boolean success() {
    return lost() == 0 && malformedBodies() == 0 && unexpectedEvents() == 0;
  }

  void print(PrintStream out) {
    out.println();
    out.println("== Summary (emitted ids compared with what the receiver got) ==");
    out.printf("emitted                %6d   (%d while the receiver was not up)%n", emitted(), emittedWhileDown());
    out.printf("delivered              %6d   (distinct, each exactly as emitted)%n", delivered());
    out.printf("duplicates suppressed  %6d   (sent again after a lost response; dropped by insert_id)%n",
        duplicatesSuppressed());
    out.printf("dead-lettered          %6d%n", deadLettered());
    out.printf("lost                   %6d   (a fire-and-forget client would have lost the %d sent while the"
        + " receiver was not up)%n", lost(), emittedWhileDown());
    out.printf("requests               %6d   (by status: %s; up to %d events in one request)%n", requests(),
        statuses(), largestRequest());
    out.printf("bodies not {\"events\":[...],\"api_key\":\"<key>\"}: %d; unexpected events: %d%n",
        malformedBodies(), unexpectedEvents());
    out.println("library stats: " + stats);
    problems.forEach(p -> out.println("  ! " + p));
    out.println(success()
        ? "OK: every event emitted was delivered, despite the start-up race, a lost response and an outage."
        : "FAILED: see above.");
  }
}
