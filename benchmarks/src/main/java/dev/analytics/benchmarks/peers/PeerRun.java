package dev.analytics.benchmarks.peers;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One measurement in a JVM of its own (started by {@link PeerReport}): a {@link Receiver} and one
 * library, one measure, then a single line {@code RESULT {json}} on standard output.
 *
 * <pre>
 * java -Dsun.net.httpserver.nodelay=true [trust store options] -cp benchmarks.jar \
 *     dev.analytics.benchmarks.peers.PeerRun LIBRARY MEASURE quick|full
 * </pre>
 */
public final class PeerRun {
  static final String RESULT_PREFIX = "RESULT ";

  private PeerRun() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 3) throw new IllegalArgumentException("usage: PeerRun LIBRARY MEASURE quick|full");
    Library library = Library.valueOf(args[0]);
    Measure measure = Measure.valueOf(args[1]);
    Measure.Settings settings = args[2].equals("quick") ? Measure.Settings.QUICK : Measure.Settings.FULL;
    try (Receiver receiver = Receiver.start(library.https)) {
      PeerClient client = library.open(receiver.base());
      ObjectNode result = measure.run(client, receiver, settings);
      result.put("library", library.name()).put("measure", measure.name());
      System.out.println(RESULT_PREFIX + Measure.JSON.writeValueAsString(result));
      System.out.flush();
      // The figures are out. Only ours is closed, to delete its log directory: the peers would first
      // drain or retry whatever the measure left in their memory queues, for minutes after a flat-out
      // run or an outage, and exiting loses nothing the report needs.
      if (library.isOurs()) client.close();
    }
    System.exit(0); // the peers leave non-daemon threads behind
  }
}
