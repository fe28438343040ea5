package dev.analytics.transform;

import static dev.analytics.transform.Json.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.analytics.spi.TransformException;
import dev.analytics.transform.internal.RedactedException;
import dev.analytics.transform.internal.json.RecordError;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** A failed record's {@link TransformException} carries what failed, never a rendered secret. */
class TransformFailureCauseTest {
  static final String TOKEN = SecretsTest.TOKEN;

  private static String printed(Throwable t) {
    StringWriter out = new StringWriter();
    t.printStackTrace(new PrintWriter(out, true));
    return out.toString();
  }

  @Test
  void aFluvioRecordErrorIsTheCauseWithTheSecretMasked() {
    JoltPipeline p = JoltPipeline.builder().secrets(SecretsTest.token())
        .step(SecretsTest.F, json("[{'operation':'shift','spec':{'v':'out.@(1,${{ secrets.TOKEN }})'}}]")).build();
    TransformException e = catchThrowableOfType(TransformException.class, () -> p.apply(json("{'v':1}")));
    assertThat(e).hasMessage("step 1 (infinyon/jolt shift): @(1,****) not found");
    assertThat(e.getCause()).isInstanceOf(RedactedException.class)
        .hasToString("dev.analytics.transform.internal.json.RecordError: @(1,****) not found");
    assertThat(printed(e)).contains("Caused by: dev.analytics.transform.internal.json.RecordError: @(1,****)")
        .doesNotContain(TOKEN);
  }

  @Test
  void aJoltCoreFailureIsTheCauseWithItsTypeAndStack() {
    JoltPipeline p = Json.pipeline("jolt", "[{'operation':'shift','spec':{'a':'b.@(3,x)'}}]");
    TransformException e = catchThrowableOfType(TransformException.class, () -> p.apply(json("{'a':1}")));
    assertThat(e.getCause().toString()).startsWith("java.lang.IndexOutOfBoundsException: ");
    assertThat(Arrays.stream(e.getCause().getStackTrace()).map(StackTraceElement::getClassName))
        .anyMatch(name -> name.startsWith("com.bazaarvoice.jolt."));
  }

  @Test
  void aNullOutputHasNoCause() {
    JoltPipeline p = Json.pipeline(SecretsTest.F, "[{'operation':'shift','spec':{'a':'x'}}]");
    TransformException e = catchThrowableOfType(TransformException.class, () -> p.apply(json("{'b':1}")));
    assertThat(e.getCause()).isNull();
  }

  @Test
  void theWholeCauseChainIsMaskedAndKeepsItsStacks() {
    RuntimeException inner = new IllegalArgumentException("inner " + TOKEN);
    IllegalStateException outer = new IllegalStateException("outer " + TOKEN, inner);
    outer.addSuppressed(new RuntimeException("suppressed " + TOKEN));
    inner.initCause(outer); // a cycle: copied once
    RedactedException copy = RedactedException.of(outer, text -> text.replace(TOKEN, "****"));
    assertThat(copy).hasToString("java.lang.IllegalStateException: outer ****");
    assertThat(copy.getCause()).hasToString("java.lang.IllegalArgumentException: inner ****");
    assertThat(copy.getCause().getCause()).isNull();
    assertThat(copy.getStackTrace()).isEqualTo(outer.getStackTrace());
    assertThat(copy.getCause().getStackTrace()).isEqualTo(inner.getStackTrace());
    assertThat(printed(copy)).doesNotContain(TOKEN)
        .contains("Caused by: java.lang.IllegalArgumentException: inner ****");
  }
}
