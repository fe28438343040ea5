package dev.analytics.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.analytics.internal.log.LogInspector;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code verify DIR}: checks every frame's CRC in every segment, and that every dead-letter line parses. */
@Command(name = "verify", mixinStandardHelpOptions = true,
    description = {
      "Checks the CRC32C of every record in every segment, that no seq is missing, and that every",
      "dead-letter line parses; prints counts per segment. Exit code 1 if anything is damaged.",
      "Read-only: repairs nothing (the library skips and counts damaged records when it reads them).",
      "A torn tail (a record being written, or cut by a crash) is reported but is not damage."
    })
final class VerifyCommand implements Callable<Integer> {
  @Parameters(paramLabel = "DIR", description = "The log directory (holding .lock, log/, cursors/).")
  Path dir;

  @Option(names = "--json", description = "Print one JSON object, for scripts.")
  boolean json;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    Path directory = LogDirectory.require(dir);
    List<LogInspector.SegmentScan> scans = new LogInspector(directory).scan((seq, bytes, time) -> {});
    ObjectMapper mapper = new ObjectMapper();
    StoredDeadLetters.Contents letters = StoredDeadLetters.read(directory, mapper);
    boolean corrupt = scans.stream().anyMatch(LogInspector.SegmentScan::corrupt)
        || !letters.unreadableLines().isEmpty();
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(mapper.enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(
          toJson(directory, scans, letters, corrupt, mapper)));
    } else {
      printText(directory, scans, letters, corrupt, out);
    }
    return corrupt ? AnalyticsCli.CORRUPT : AnalyticsCli.OK;
  }

  private static void printText(Path directory, List<LogInspector.SegmentScan> scans,
      StoredDeadLetters.Contents letters, boolean corrupt, PrintWriter out) {
    out.printf("%-28s %9s %-25s %21s  %s%n", "segment", "records", "seqs", "used / size", "result");
    long records = 0;
    for (LogInspector.SegmentScan scan : scans) {
      records += scan.records();
      String seqs = scan.records() == 0 ? "-" : scan.firstSeq() + ".." + scan.lastSeq();
      out.printf("%-28s %9s %-25s %21s  %s%n", scan.file().getFileName(), Format.count(scan.records()), seqs,
          Format.bytes(scan.dataBytes()) + " / " + Format.bytes(scan.fileBytes()), result(scan));
      for (LogInspector.Damage damage : scan.damage()) {
        out.println("    DAMAGED at offset " + damage.offset() + ": " + damage.detail());
      }
    }
    long damaged = scans.stream().filter(LogInspector.SegmentScan::corrupt).count();
    out.println();
    out.println("dead letters: " + Format.count(letters.letters().size()) + " readable line(s)"
        + (letters.unreadableLines().isEmpty() ? "" : ", DAMAGED line(s) " + letters.unreadableLines()));
    out.println(directory + ": " + scans.size() + " segment(s), " + Format.count(records) + " record(s), "
        + damaged + " damaged segment(s): " + (corrupt ? "CORRUPT" : "OK"));
  }

  private static String result(LogInspector.SegmentScan scan) {
    if (scan.vanished()) return "released while reading";
    String state = scan.corrupt() ? "DAMAGED" : "ok";
    if (scan.sealed()) state += ", sealed";
    if (scan.tornTailOffset() >= 0) state += ", torn tail at " + scan.tornTailOffset();
    return state;
  }

  private static ObjectNode toJson(Path directory, List<LogInspector.SegmentScan> scans,
      StoredDeadLetters.Contents letters, boolean corrupt, ObjectMapper mapper) {
    ObjectNode root = mapper.createObjectNode();
    root.put("directory", directory.toString());
    root.put("corrupt", corrupt);
    ArrayNode segments = root.putArray("segments");
    for (LogInspector.SegmentScan scan : scans) {
      ObjectNode node = segments.addObject();
      node.put("file", scan.file().getFileName().toString());
      node.put("baseSeq", scan.baseSeq());
      node.put("records", scan.records());
      node.put("firstSeq", scan.firstSeq());
      node.put("lastSeq", scan.lastSeq());
      node.put("usedBytes", scan.dataBytes());
      node.put("fileBytes", scan.fileBytes());
      node.put("sealed", scan.sealed());
      node.put("tornTailOffset", scan.tornTailOffset());
      node.put("vanished", scan.vanished());
      ArrayNode damage = node.putArray("damage");
      for (LogInspector.Damage d : scan.damage()) damage.addObject().put("offset", d.offset()).put("detail", d.detail());
    }
    ObjectNode dead = root.putObject("deadLetters");
    dead.put("readable", letters.letters().size());
    ArrayNode unreadable = dead.putArray("unreadableLines");
    letters.unreadableLines().forEach(unreadable::add);
    return root;
  }
}
