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
    ObjectNode result;
    try (Receiver receiver = Receiver.start(library.https)) {
      PeerClient client = library.open(receiver.base());
      try {
        result = measure.run(client, receiver, settings);
      } finally {
        // The heap measure leaves the peers holding a backlog they would retry for minutes: its figures
        // are in, so stop here rather than wait for their shutdown.
        if (measure != Measure.HEAP) client.close();
      }
    }
    result.put("library", library.name()).put("measure", measure.name());
    System.out.println(RESULT_PREFIX + Measure.JSON.writeValueAsString(result));
    System.out.flush();
    System.exit(0); // the peers leave non-daemon threads behind
  }
}
