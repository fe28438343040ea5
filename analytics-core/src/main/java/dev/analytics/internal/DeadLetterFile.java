package dev.analytics.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.analytics.internal.log.EventLog;
import dev.analytics.internal.log.Storage;
import dev.analytics.internal.log.StorageFile;
import dev.analytics.spi.DeadLetter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The dead-letter log: one JSON object per line in {@code dead-letters.jsonl}, appended and fsynced
 * before the dispatcher moves its cursor past the records, so a rejected record is never in neither
 * place. Replay and purge rewrite the file atomically. Volumes are small (records that can never
 * succeed), so simplicity wins over speed here.
 *
 * <p>Idempotent by sink and record id (guarantee 9): a crash after the dead letter is written and
 * before the cursor moves makes the dispatcher read the record again; it finds it here
 * ({@link #contains}) and neither sends nor dead-letters it again, and {@link #append} skips a letter
 * already kept. Files written before that may hold a record twice: {@link #list} and {@link #replay}
 * show and send it once.
 *
 * <pre>
 * {"id":"…","sink":"…","reason":"…","time":"…","envelope":{…},"transformed":{…}}   ("transformed" optional)
 * </pre>
 */
public final class DeadLetterFile {
  private static final System.Logger LOG = System.getLogger(DeadLetterFile.class.getName());

  private final Path directory;
  private final Path file;
  private final Storage storage;
  private final ObjectMapper mapper;
  private final EventLog log;
  private final long maxBytes;
  /** Sink and id of every letter in the file, except those a replay in progress has taken out. */
  private final Set<String> kept = ConcurrentHashMap.newKeySet();

  DeadLetterFile(Path directory, Storage storage, ObjectMapper mapper, EventLog log, long maxBytes)
      throws IOException {
    this.maxBytes = maxBytes;
    this.directory = directory;
    this.file = directory.resolve("dead-letters.jsonl");
    this.storage = storage;
    this.mapper = mapper;
    this.log = log;
    storage.createDirectories(directory);
    storage.delete(directory.resolve("dead-letters.jsonl.tmp"));
    storage.open(file, Storage.Access.CREATE).close();
    storage.syncDirectory(directory); // the file's name must outlive a power loss before any cursor moves
    cutTornLine();
    for (Line line : readLines()) if (line.letter != null) kept.add(key(line.letter));
  }

  private static String key(DeadLetter letter) {
    return key(letter.sink(), letter.id());
  }

  private static String key(String sink, String id) {
    return sink + '\n' + id;
  }

  /** Whether {@code sink} has dead-lettered the record {@code id} already (and it is not being replayed). */
  boolean contains(String sink, String id) {
    return kept.contains(key(sink, id));
  }

  /** A crash mid-append can leave a last line without its newline: cut it so the next append starts clean. */
  private void cutTornLine() throws IOException {
    try (StorageFile channel = storage.open(file, Storage.Access.WRITE)) {
      long size = channel.size();
      if (size == 0) return;
      ByteBuffer last = ByteBuffer.allocate(1);
      channel.read(last, size - 1);
      if (last.get(0) == '\n') return;
      byte[] all = storage.readAll(file);
      int end = all.length;
      while (end > 0 && all[end - 1] != '\n') end--;
      LOG.log(System.Logger.Level.WARNING, "cut torn last line of " + file + " (" + (all.length - end) + " bytes)");
      channel.truncate(end);
    }
  }

  /** Appends and fsyncs the letters not kept already; returns those it appended. */
  synchronized List<DeadLetter> append(List<DeadLetter> letters) throws IOException {
    List<DeadLetter> fresh = new ArrayList<>(letters.size());
    Set<String> keys = new HashSet<>();
    for (DeadLetter letter : letters) {
      if (!kept.contains(key(letter)) && keys.add(key(letter))) fresh.add(letter);
    }
    if (fresh.isEmpty()) return fresh;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (DeadLetter letter : fresh) {
      bytes.write(oneLine(mapper.writeValueAsBytes(toJson(letter))));
      bytes.write('\n');
    }
    try (StorageFile channel = storage.open(file, Storage.Access.WRITE)) {
      long end = channel.size();
      if (end + bytes.size() > maxBytes) {
        // Never dropped: the dispatcher keeps the records and retries, so the event log fills and the
        // when-full policy (counted, reported) decides, while this says loudly why.
        throw new IOException("dead-letter log " + file + " is full (maxDeadLetterBytes " + maxBytes
            + "); replay or purge dead letters; the records are kept in the event log meanwhile");
      }
      ByteBuffer buffer = ByteBuffer.wrap(bytes.toByteArray());
      while (buffer.hasRemaining()) channel.write(buffer, end + buffer.position());
      channel.sync();
    }
    kept.addAll(keys);
    return fresh;
  }

  /**
   * The letter's JSON on one line, as the file holds one letter per line. JSON escapes line breaks in
   * strings, so a raw one can only be whitespace between tokens (a mapper that indents, an event kept as
   * its stored bytes that hold a raw value written with line breaks): a space means the same.
   */
  private static byte[] oneLine(byte[] json) {
    for (int i = 0; i < json.length; i++) if (json[i] == '\n' || json[i] == '\r') json[i] = ' ';
    return json;
  }

  /** Every dead letter kept, oldest first, each record once. */
  public synchronized List<DeadLetter> list() {
    List<DeadLetter> letters = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (Line line : readLines()) if (line.letter != null && seen.add(key(line.letter))) letters.add(line.letter);
    return letters;
  }

  /** Every non-blank line, parsed where possible; unreadable lines are kept as text, never dropped. */
  private List<Line> readLines() {
    List<String> texts;
    try {
      // Decoded leniently: one damaged byte (not valid UTF-8) must cost at most its own line, not the file.
      texts = new String(storage.readAll(file), java.nio.charset.StandardCharsets.UTF_8).lines().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read dead letters " + file, e);
    }
    List<Line> lines = new ArrayList<>(texts.size());
    for (int i = 0; i < texts.size(); i++) {
      String text = texts.get(i);
      if (text.isBlank()) continue;
      DeadLetter letter = null;
      try {
        letter = fromJson(mapper.readTree(text));
      } catch (IOException | RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "unreadable dead letter at " + file + " line " + (i + 1)
            + " skipped (kept in the file)");
      }
      lines.add(new Line(text, letter));
    }
    return lines;
  }

  private static final class Line {
    final String text;
    final DeadLetter letter;

    Line(String text, DeadLetter letter) {
      this.text = text;
      this.letter = letter;
    }
  }

  /** Appends the matching letters' envelopes to the event log again and removes them; returns how many. */
  public int replay(Predicate<DeadLetter> which) {
    Objects.requireNonNull(which, "which == null");
    // One append per record id, however many lines (sinks, or duplicates from older versions) hold it.
    Map<String, List<Line>> chosen = new LinkedHashMap<>();
    synchronized (this) {
      for (Line line : readLines()) {
        if (line.letter != null && which.test(line.letter)) {
          chosen.computeIfAbsent(line.letter.id(), id -> new ArrayList<>()).add(line);
        }
      }
      // Taken out before the record is appended again, so the dispatcher sends the replayed copy; a
      // crash before the lines are removed puts them back at the next start, and the dispatcher then
      // skips that copy: the record stays dead-lettered once, to be replayed again.
      for (List<Line> lines : chosen.values()) for (Line line : lines) kept.remove(key(line.letter));
    }
    // Appended outside the monitor: a full log (BLOCK) waits for the dispatcher, which needs the
    // monitor to dead-letter.
    Map<String, Integer> appended = new HashMap<>();
    int count = 0;
    try {
      for (List<Line> lines : chosen.values()) {
        DeadLetter letter = lines.get(0).letter;
        JsonNode envelope = letter.envelope();
        byte[] event;
        try {
          event = mapper.writeValueAsBytes(envelope.path("event"));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        if (log.appendExisting(envelope.path("id").asText(letter.id()), envelope.path("timestamp").asText(), event)) {
          for (Line line : lines) appended.merge(line.text, 1, Integer::sum);
          count++;
        } else { // DROP_NEWEST dropped it: the dead letter stays
          for (Line line : lines) kept.add(key(line.letter));
        }
      }
      if (count > 0) log.sync();
    } finally {
      synchronized (this) {
        if (!appended.isEmpty()) removeLines(appended);
        rebuildKept();
      }
    }
    return count;
  }

  /** After a rewrite or a failed replay: the index is what the file holds. */
  private void rebuildKept() {
    Set<String> now = new HashSet<>();
    for (Line line : readLines()) if (line.letter != null) now.add(key(line.letter));
    kept.retainAll(now);
    kept.addAll(now);
  }

  /** Removes the matching letters without replaying them; returns how many. */
  public synchronized int purge(Predicate<DeadLetter> which) {
    Objects.requireNonNull(which, "which == null");
    Map<String, Integer> chosen = new HashMap<>();
    int count = 0;
    for (Line line : readLines()) {
      if (line.letter != null && which.test(line.letter)) {
        chosen.merge(line.text, 1, Integer::sum);
        count++;
      }
    }
    if (count > 0) {
      removeLines(chosen);
      rebuildKept();
    }
    return count;
  }

  /** Rewrites the file without one occurrence of each given line per count; everything else stays as written. */
  private void removeLines(Map<String, Integer> remove) {
    List<String> keep = new ArrayList<>();
    for (Line line : readLines()) {
      Integer left = remove.get(line.text);
      if (left != null && left > 0) remove.put(line.text, left - 1);
      else keep.add(line.text);
    }
    Path temp = directory.resolve("dead-letters.jsonl.tmp");
    try {
      storage.delete(temp);
      try (StorageFile channel = storage.open(temp, Storage.Access.CREATE)) {
        long position = 0;
        for (String text : keep) {
          ByteBuffer line = ByteBuffer.wrap((text + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
          while (line.hasRemaining()) position += channel.write(line, position);
        }
        channel.sync();
      }
      storage.move(temp, file);
      storage.syncDirectory(directory);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot rewrite dead letters " + file, e);
    }
  }

  private ObjectNode toJson(DeadLetter letter) {
    ObjectNode node = mapper.createObjectNode();
    node.put("id", letter.id());
    node.put("sink", letter.sink());
    node.put("reason", letter.reason());
    node.put("time", letter.time().toString());
    node.set("envelope", letter.envelope());
    letter.transformed().ifPresent(t -> node.set("transformed", t));
    return node;
  }

  private static DeadLetter fromJson(JsonNode node) {
    JsonNode transformed = node.get("transformed");
    return new DeadLetter(node.get("id").asText(), node.get("sink").asText(), node.get("reason").asText(),
        Instant.parse(node.get("time").asText()), node.get("envelope"), transformed);
  }
}
