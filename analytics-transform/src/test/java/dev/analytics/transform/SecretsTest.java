package dev.analytics.transform;

import static dev.analytics.transform.Json.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.analytics.Analytics;
import dev.analytics.spi.DeadLetter;
import dev.analytics.spi.Record;
import dev.analytics.spi.SecretProvider;
import dev.analytics.spi.Secrets;
import dev.analytics.spi.TransformException;
import dev.analytics.testing.RecordingSink;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ${{ secrets.NAME }}} in specs: resolved at build time, kept in memory only, masked in messages. */
class SecretsTest {
  static final String TOKEN = "s3cr3t-Vb7Qx2";
  static final String F = "infinyon/jolt@0.3.0";

  static Secrets token() {
    return Secrets.resolve(List.of("TOKEN"), SecretProvider.of(Map.of("TOKEN", TOKEN)));
  }

  @Test
  void rendersSecretsInValuesAndKeys() throws Exception {
    JoltPipeline p = JoltPipeline.builder().secrets(token())
        .step(F, json("[{'operation':'shift','spec':{'event':'events[0]','${{ secrets.TOKEN }}':'matched'}},"
            + "{'operation':'default','spec':{'api_key':'${{secrets.TOKEN}}','nested':{'k':'x-${{ secrets.TOKEN }}-y'}}}]"))
        .build();
    assertThat(p.apply(json("{'event':{'a':1},'" + TOKEN + "':2}")).toString())
        .isEqualTo(json("{'events':[{'a':1}],'matched':2,'api_key':'" + TOKEN + "','nested':{'k':'x-" + TOKEN + "-y'}}").toString());
    assertThat(p.toString()).doesNotContain(TOKEN);
  }

  @Test
  void secretsComeFromSystemPropertiesFilesOrCustomProviders(@TempDir Path dir) throws Exception {
    String chain = "[{'operation':'default','spec':{'k':'${{ secrets.FROM_X }}'}}]";
    System.setProperty("FROM_X", "prop-value");
    try {
      assertThat(pipeline(chain, Secrets.resolve(List.of("FROM_X"), SecretProvider.systemProperties())))
          .isEqualTo("{\"k\":\"prop-value\"}");
    } finally {
      System.clearProperty("FROM_X");
    }
    Path file = dir.resolve("secrets.env");
    Files.writeString(file, "# comment\nFROM_X = file-value\n");
    assertThat(pipeline(chain, Secrets.resolve(List.of("FROM_X"), SecretProvider.file(file))))
        .isEqualTo("{\"k\":\"file-value\"}");
    assertThat(pipeline(chain, Secrets.resolve(List.of("FROM_X"), name -> java.util.Optional.of("custom-" + name))))
        .isEqualTo("{\"k\":\"custom-FROM_X\"}");
  }

  private static String pipeline(String chain, Secrets secrets) throws TransformException {
    return JoltPipeline.builder().secrets(secrets).step(F, json(chain)).build().apply(json("{}")).toString();
  }

  @Test
  void anUndeclaredSecretFailsTheBuildByName() {
    assertThatThrownBy(() -> JoltPipeline.builder().secrets(token())
        .step(F, json("[{'operation':'remove','spec':{}},{'operation':'default','spec':{'k':'${{ secrets.OTHER }}'}}]"))
        .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("step 2 (infinyon/jolt default): secret \"OTHER\" is not declared (declared: [TOKEN])");
    assertThatThrownBy(() -> JoltPipeline.builder()
        .step("jolt", json("[{'operation':'default','spec':{'k':'${{ secrets.TOKEN }}'}}]")).build())
        .hasMessage("step 1 (jolt default): secret \"TOKEN\" is not declared (declared: [])");
  }

  @Test
  void aDeclaredSecretWithoutValueFailsByName() {
    assertThatThrownBy(() -> Secrets.resolve(List.of("MISSING_ONE"), SecretProvider.of(Map.of())))
        .hasMessage("secret MISSING_ONE is declared but has no value");
  }

  @Test
  void messagesNeverCarryTheValue() throws Exception {
    // A bad spec whose text holds the rendered value: quoted as written.
    assertThatThrownBy(() -> JoltPipeline.builder().secrets(token())
        .step(F, json("[{'operation':'shift','spec':{'a':'x.${{ secrets.TOKEN }}#'}}]")).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("step 1 (infinyon/jolt shift): unsupported RHS \"x.${{ secrets.TOKEN }}#\"");
    // A record error that quotes the rendered spec.
    JoltPipeline p = JoltPipeline.builder().secrets(token())
        .step(F, json("[{'operation':'shift','spec':{'v':'out.@(1,${{ secrets.TOKEN }})'}}]")).build();
    assertThatThrownBy(() -> p.apply(json("{'v':1}")))
        .isInstanceOf(TransformException.class)
        .hasMessage("step 1 (infinyon/jolt shift): @(1,****) not found");
    // Invalid JSON text that holds a value a loader already rendered.
    assertThatThrownBy(() -> JoltPipeline.builder().secrets(token()).step(F, "[{\"spec\": " + TOKEN + "}]"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining(TOKEN);
  }

  /** The same spec error with a short and a long secret: the message may differ in nothing. */
  private static String specError(String secret, String chain) {
    Secrets secrets = Secrets.resolve(List.of("TOKEN"), SecretProvider.of(Map.of("TOKEN", secret)));
    Throwable error = org.assertj.core.api.Assertions.catchThrowable(
        () -> JoltPipeline.builder().secrets(secrets).step(F, json(chain)).build());
    assertThat(error).isInstanceOf(IllegalArgumentException.class);
    assertThat(error.getMessage()).doesNotContain(secret);
    return error.getMessage();
  }

  private static void sameErrorForEveryLength(String shiftSpec, String message) {
    String chain = "[{'operation':'shift','spec':" + shiftSpec + "}]";
    assertThat(specError("ab", chain)).isEqualTo("step 1 (infinyon/jolt shift): " + message);
    assertThat(specError("abcdefghijklmnopqrstuvwxyz0123456789", chain))
        .isEqualTo("step 1 (infinyon/jolt shift): " + message);
  }

  @Test
  void syntaxErrorsAfterASecretCountOffsetsInTheSpecAsWritten() {
    sameErrorForEveryLength("{'a':'x.${{ secrets.TOKEN }}..y'}",
        "invalid RHS \"x.${{ secrets.TOKEN }}..y\" at 23: empty path part");
    sameErrorForEveryLength("{'a':['ok','${{ secrets.TOKEN }}.${{secrets.TOKEN}}[x]']}",
        "invalid RHS \"${{ secrets.TOKEN }}.${{secrets.TOKEN}}[x]\" at 40: an index must be a number, [], [&(n)] or [@(...)]");
    sameErrorForEveryLength("{'k_${{ secrets.TOKEN }}_\\\\q':'x'}",
        "invalid LHS \"k_${{ secrets.TOKEN }}_\\q\" at 24: '\\q' escapes a character that needs no escape");
  }

  @Test
  void syntaxErrorsInsideASecretLeaveOutTheReason() {
    String hidden = "the rendered secret at this place does not fit the syntax (the reason is not shown, as it"
        + " would quote the secret)";
    String chain = "[{'operation':'shift','spec':{'${{ secrets.TOKEN }}':'x'}}]";
    assertThat(specError("to.ken", chain)).isEqualTo(specError("t.okenlongerthanthat", chain))
        .isEqualTo("step 1 (infinyon/jolt shift): invalid LHS \"${{ secrets.TOKEN }}\" at 0: " + hidden);
    // The escaped character is the secret's first one.
    chain = "[{'operation':'shift','spec':{'p\\\\${{ secrets.TOKEN }}':'x'}}]";
    assertThat(specError("qa", chain)).isEqualTo(specError("qlongervalue", chain))
        .isEqualTo("step 1 (infinyon/jolt shift): invalid LHS \"p\\${{ secrets.TOKEN }}\" at 2: " + hidden);
  }

  /**
   * The whole path: events go through an {@link Analytics} instance whose pipeline holds the secret, one
   * of them fails the transform and is dead-lettered; afterwards no file under the directory and no log
   * line contains the value, while the sink did receive it (so the test is not vacuous).
   */
  @Test
  void noSecretReachesTheDiskOrALogLine(@TempDir Path dir) throws Exception {
    JoltPipeline pipeline = JoltPipeline.builder().secrets(token())
        .step(F, json("[{'operation':'remove','spec':{'timestamp':''}},"
            + "{'operation':'shift','spec':{'event':{'@':'events[0]','ref':'refs.@(2,${{ secrets.TOKEN }})'}}},"
            + "{'operation':'default','spec':{'api_key':'${{ secrets.TOKEN }}'}}]"))
        .build();
    RecordingSink sink = new RecordingSink();
    List<String> logs = new CopyOnWriteArrayList<>();
    Handler capture = new Handler() {
      final SimpleFormatter formatter = new SimpleFormatter();

      @Override
      public void publish(LogRecord record) {
        logs.add(formatter.format(record));
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    capture.setLevel(Level.ALL);
    Logger root = Logger.getLogger("");
    Level rootLevel = root.getLevel();
    root.setLevel(Level.ALL);
    root.addHandler(capture);
    PrintStream err = System.err;
    PrintStream out = System.out;
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    PrintStream tee = new PrintStream(console, true, StandardCharsets.UTF_8);
    System.setErr(tee);
    System.setOut(tee);
    List<String> ids = new ArrayList<>();
    String badId;
    try {
      Analytics analytics = Analytics.builder().directory(dir.resolve("log")).sink("amplitude", sink, pipeline).build();
      for (int i = 0; i < 20; i++) {
        ids.add(analytics.emit(Map.of("event_type", "Signed Up", "user_id", "u" + i, "n", i)));
      }
      badId = analytics.emit(Map.of("event_type", "Broken", "ref", "x"));
      assertThat(analytics.flush(Duration.ofSeconds(10))).isTrue();
      List<DeadLetter> letters = analytics.deadLetters().list();
      assertThat(letters).hasSize(1);
      assertThat(letters.get(0).id()).isEqualTo(badId);
      assertThat(letters.get(0).reason()).contains("step 2 (infinyon/jolt shift): @(2,****) not found");
      analytics.close();
    } finally {
      System.setErr(err);
      System.setOut(out);
      root.removeHandler(capture);
      root.setLevel(rootLevel);
    }

    // The sink got every good record, with the secret in it.
    assertThat(sink.sent().stream().map(Record::id).collect(Collectors.toList())).containsExactlyElementsOf(ids);
    assertThat(sink.sent().get(0).value().get("api_key").asText()).isEqualTo(TOKEN);

    // The directory holds the log and the dead letter (the bad record's id is on disk), never the secret.
    byte[] secret = TOKEN.getBytes(StandardCharsets.UTF_8);
    List<Path> files;
    try (Stream<Path> walk = Files.walk(dir)) {
      files = walk.filter(Files::isRegularFile).collect(Collectors.toList());
    }
    assertThat(files).isNotEmpty();
    boolean badIdOnDisk = false;
    for (Path file : files) {
      byte[] bytes = Files.readAllBytes(file);
      assertThat(indexOf(bytes, secret)).as("secret in %s", file).isEqualTo(-1);
      badIdOnDisk |= indexOf(bytes, badId.getBytes(StandardCharsets.UTF_8)) >= 0;
    }
    assertThat(badIdOnDisk).isTrue();

    // The log lines were captured (the dead letter is logged) and none holds the secret.
    String allLogs = String.join("\n", logs) + "\n" + console.toString(StandardCharsets.UTF_8);
    assertThat(allLogs).contains(badId).doesNotContain(TOKEN);
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) continue outer;
      }
      return i;
    }
    return -1;
  }
}
