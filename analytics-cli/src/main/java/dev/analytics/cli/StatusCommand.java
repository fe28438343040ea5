package dev.analytics.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code status DIR}: the backlog of each sink, dead letters and disk use, read without the lock. */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = {
      "Shows each sink's cursor and backlog (queued records and bytes, oldest queued age, from the record",
      "timestamps), dead letters by sink and reason, and the disk the segments take.",
      "Read-only: works while a service holds DIR. Cursors are as the service last saved them."
    })
final class StatusCommand implements Callable<Integer> {
  private static final int REASONS_SHOWN = 10;

  @Parameters(paramLabel = "DIR", description = "The log directory (holding .lock, log/, cursors/).")
  Path dir;

  @Option(names = "--json", description = "Print one JSON object, for scripts.")
  boolean json;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private final Clock clock;

  StatusCommand(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Integer call() throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    DirectoryStatus status = DirectoryStatus.read(LogDirectory.require(dir), clock, mapper);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(mapper.enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(toJson(status, mapper)));
    } else {
      printText(status, out);
    }
    return AnalyticsCli.OK;
  }

  private static void printText(DirectoryStatus s, PrintWriter out) {
    out.println("directory     " + s.directory());
    out.println("lock          " + s.lock().describe());
    out.println("segments      " + s.log().segments() + ", " + Format.bytes(s.log().diskBytes())
        + " on disk (preallocated, with a live log's spare; the cap is the service's maxDiskBytes)");
    out.println("records       " + Format.count(s.log().records()) + " kept"
        + (s.log().records() == 0 ? "" : ", seq " + s.log().firstSeq() + ".." + (s.log().nextSeq() - 1)) + "; next seq " + s.log().nextSeq()
        + (s.log().corruptSegments() > 0 ? "; " + s.log().corruptSegments() + " segment(s) damaged: run verify" : ""));
    out.println();
    if (s.sinks().isEmpty()) {
      out.println("no sink cursors yet: every record kept (" + Format.count(s.log().records())
          + ") is queued for every sink (a sink saves its cursor once it has finished records)");
    } else {
      out.printf("%-24s %12s %10s %12s %14s%n", "sink", "cursor", "queued", "queued bytes", "oldest queued");
      for (DirectoryStatus.SinkBacklog sink : s.sinks()) {
        out.printf("%-24s %12s %10s %12s %14s%n", sink.name(),
            sink.cursor() < 0 ? "damaged" : Long.toString(sink.cursor()), Format.count(sink.queuedRecords()),
            Format.bytes(sink.queuedBytes()),
            sink.oldest() == null ? "-" : Format.duration(sink.oldestAge(s.now())));
      }
    }
    out.println();
    out.println("dead letters  " + Format.count(s.deadLetters().count()) + " (" + Format.bytes(s.deadLetters().bytes()) + ")"
        + (s.deadLetters().unreadableLines() > 0 ? ", " + s.deadLetters().unreadableLines() + " unreadable line(s)" : ""));
    for (Map.Entry<String, Long> sink : s.deadLetters().bySink().entrySet()) {
      out.printf("  sink %-19s %8s%n", sink.getKey(), Format.count(sink.getValue()));
    }
    int shown = 0;
    for (Map.Entry<String, Long> reason : s.deadLetters().byReason().entrySet()) {
      if (shown++ == REASONS_SHOWN) {
        out.println("  ... " + (s.deadLetters().byReason().size() - REASONS_SHOWN) + " more reasons (dead-letters list)");
        break;
      }
      out.printf("  %8s  %s%n", Format.count(reason.getValue()), Format.excerpt(reason.getKey(), 100));
    }
  }

  private static ObjectNode toJson(DirectoryStatus s, ObjectMapper mapper) {
    ObjectNode root = mapper.createObjectNode();
    root.put("directory", s.directory().toString());
    root.put("time", s.now().toString());
    ObjectNode lock = root.putObject("lock");
    lock.put("known", s.lock().known());
    lock.put("held", s.lock().held());
    if (s.lock().held()) {
      lock.put("pid", s.lock().pid());
      if (s.lock().command() != null) lock.put("command", s.lock().command());
    }
    ObjectNode log = root.putObject("log");
    log.put("segments", s.log().segments());
    log.put("diskBytes", s.log().diskBytes());
    log.put("records", s.log().records());
    log.put("firstSeq", s.log().firstSeq());
    log.put("nextSeq", s.log().nextSeq());
    log.put("corruptSegments", s.log().corruptSegments());
    ArrayNode sinks = root.putArray("sinks");
    for (DirectoryStatus.SinkBacklog sink : s.sinks()) {
      ObjectNode node = sinks.addObject();
      node.put("name", sink.name());
      node.put("cursor", sink.cursor());
      node.put("queuedRecords", sink.queuedRecords());
      node.put("queuedBytes", sink.queuedBytes());
      if (sink.oldest() != null) node.put("oldestQueuedTimestamp", sink.oldest().toString());
      node.put("oldestQueuedAgeSeconds", sink.oldestAge(s.now()).toMillis() / 1000.0);
    }
    ObjectNode dead = root.putObject("deadLetters");
    dead.put("count", s.deadLetters().count());
    dead.put("bytes", s.deadLetters().bytes());
    dead.put("unreadableLines", s.deadLetters().unreadableLines());
    ObjectNode bySink = dead.putObject("bySink");
    s.deadLetters().bySink().forEach(bySink::put);
    ArrayNode byReason = dead.putArray("byReason");
    s.deadLetters().byReason().forEach((reason, count) -> byReason.addObject().put("reason", reason).put("count", count));
    return root;
  }
}
