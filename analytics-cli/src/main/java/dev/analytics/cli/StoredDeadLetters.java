package dev.analytics.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.analytics.internal.log.LogInspector;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The dead-letter file read as it is on disk, without the directory's lock: one JSON object per line
 * ({@code {"id","sink","reason","time","envelope","transformed"}}, as the library writes it). A live
 * service appends whole fsynced lines and replaces the file atomically, so a read sees a consistent file;
 * a line that does not parse is counted, never hidden.
 */
final class StoredDeadLetters {
  /** One dead letter as stored; {@code json} is the whole line. */
  record Letter(int line, String id, String sink, String reason, Instant time, JsonNode json) {}

  record Contents(List<Letter> letters, List<Integer> unreadableLines, long bytes) {}

  private StoredDeadLetters() {}

  static Contents read(Path directory, ObjectMapper mapper) {
    Path file = directory.resolve(LogInspector.DEAD_LETTER_FILE);
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return new Contents(List.of(), List.of(), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read dead letters " + file + ": " + e.getMessage(), e);
    }
    List<String> lines = new String(bytes, StandardCharsets.UTF_8).lines().toList();
    List<Letter> letters = new ArrayList<>();
    List<Integer> unreadable = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String text = lines.get(i);
      if (text.isBlank()) continue;
      try {
        JsonNode node = mapper.readTree(text);
        letters.add(new Letter(i + 1, node.get("id").asText(), node.get("sink").asText(),
            node.get("reason").asText(), Instant.parse(node.get("time").asText()), node));
      } catch (IOException | RuntimeException e) {
        unreadable.add(i + 1);
      }
    }
    return new Contents(letters, unreadable, bytes.length);
  }
}
