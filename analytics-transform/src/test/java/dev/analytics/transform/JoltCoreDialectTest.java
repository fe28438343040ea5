package dev.analytics.transform;

import static dev.analytics.transform.Json.json;
import static dev.analytics.transform.Json.pipeline;
import static dev.analytics.transform.Json.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

/** The {@code jolt} dialect: jolt-core's operations in jolt-core's chain format, run on jolt-core. */
class JoltCoreDialectTest {
  private static String expect(String singleQuoted) {
    return json(singleQuoted).toString();
  }

  private static String op(String operation, String spec, String input) throws Exception {
    return run(pipeline("jolt", "[{'operation':'" + operation + "','spec':" + spec + "}]"), input);
  }

  @Test
  void shiftUsesJoltCoreShorthand() throws Exception {
    assertThat(op("shift", "{'rating':{'*':{'value':'ratings.&1'}}}", "{'rating':{'q':{'value':3},'p':{'value':4}}}"))
        .isEqualTo(expect("{'ratings':{'q':3,'p':4}}"));
  }

  @Test
  void defaultFillsMissingAndNullKeys() throws Exception {
    assertThat(op("default", "{'a':1,'b':{'c':2}}", "{'x':0,'a':null}")).isEqualTo(expect("{'x':0,'a':1,'b':{'c':2}}"));
  }

  @Test
  void removeUnderstandsWildcards() throws Exception {
    assertThat(op("remove", "{'*':{'secret':''}}", "{'a':{'secret':1,'k':2},'b':{'secret':3}}"))
        .isEqualTo(expect("{'a':{'k':2},'b':{}}"));
  }

  @Test
  void sortOrdersKeys() throws Exception {
    assertThat(run(pipeline("jolt", "[{'operation':'sort'}]"), "{'b':1,'a':{'d':1,'c':2}}"))
        .isEqualTo(expect("{'a':{'c':2,'d':1},'b':1}"));
  }

  @Test
  void cardinalityTurnsListsIntoOne() throws Exception {
    assertThat(op("cardinality", "{'tags':'ONE','single':'MANY'}", "{'tags':['x','y'],'single':'s'}"))
        .isEqualTo(expect("{'tags':'x','single':['s']}"));
  }

  @Test
  void modifyOverwriteRunsFunctions() throws Exception {
    assertThat(op("modify-overwrite-beta", "{'name':'=toUpper','n':'=toInteger'}", "{'name':'ab','n':'42'}"))
        .isEqualTo(expect("{'name':'AB','n':42}"));
  }

  @Test
  void modifyDefaultWritesMissingOrNull() throws Exception {
    assertThat(op("modify-default-beta", "{'a':'x','b':'y','c':'z'}", "{'a':'keep','b':null}"))
        .isEqualTo(expect("{'a':'keep','b':'y','c':'z'}"));
  }

  @Test
  void modifyDefineWritesOnlyMissing() throws Exception {
    assertThat(op("modify-define-beta", "{'a':'x','b':'y','c':'z'}", "{'a':'keep','b':null}"))
        .isEqualTo(expect("{'a':'keep','b':null,'c':'z'}"));
  }

  @Test
  void chainRunsInOrder() throws Exception {
    JoltPipeline p = pipeline("jolt", "[{'operation':'shift','spec':{'event':{'*':'data.&'}}},"
        + "{'operation':'default','spec':{'data':{'source':'svc'}}},"
        + "{'operation':'modify-overwrite-beta','spec':{'data':{'user':'=toLower'}}},"
        + "{'operation':'sort'}]");
    assertThat(run(p, "{'timestamp':'t','event':{'user':'AB','z':1}}"))
        .isEqualTo(expect("{'data':{'source':'svc','user':'ab','z':1}}"));
    assertThat(p.size()).isEqualTo(4);
  }

  @Test
  void numbersKeepTheirTypeAndKeysTheirOrder() throws Exception {
    ObjectNode event = JsonNodeFactory.instance.objectNode();
    event.put("z_int", 1);
    event.put("a_long", 9876645851321L);
    event.put("m_big", new BigInteger("123456789012345678901234567890"));
    event.put("b_double", 1.5d);
    event.put("y_decimal", new BigDecimal("1.50"));
    event.put("c_float", 2.25f);
    ObjectNode input = JsonNodeFactory.instance.objectNode();
    input.set("event", event);
    JsonNode out = pipeline("jolt", "[{'operation':'shift','spec':{'event':{'*':'&'}}},"
        + "{'operation':'default','spec':{'added':1}}]").apply(input);
    assertThat(out.toString()).isEqualTo(
        "{\"z_int\":1,\"a_long\":9876645851321,\"m_big\":123456789012345678901234567890,"
            + "\"b_double\":1.5,\"y_decimal\":1.50,\"c_float\":2.25,\"added\":1}");
    assertThat(out.get("z_int").isInt()).isTrue();
    assertThat(out.get("a_long").isLong()).isTrue();
    assertThat(out.get("m_big").isBigInteger()).isTrue();
    assertThat(out.get("b_double").isDouble()).isTrue();
    assertThat(out.get("y_decimal").isBigDecimal()).isTrue();
    assertThat(out.get("c_float").isFloat()).isTrue();
  }

  @Test
  void theInputIsNeverMutated() throws Exception {
    JsonNode input = json("{'a':{'x':null},'b':[3,1]}");
    JsonNode before = input.deepCopy();
    pipeline("jolt", "[{'operation':'default','spec':{'a':{'x':1}}},{'operation':'remove','spec':{'b':''}},"
        + "{'operation':'modify-overwrite-beta','spec':{'a':{'x':'=toString'}}}]").apply(input);
    assertThat(input).isEqualTo(before);
  }

  @Test
  void classNamesAreNotOperations() {
    assertThatThrownBy(() -> pipeline("jolt", "[{'operation':'com.bazaarvoice.jolt.Shiftr','spec':{}}]"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("step 1 (jolt com.bazaarvoice.jolt.Shiftr): unsupported operation");
  }

  @Test
  void joltCoreSpecErrorsNameTheStep() {
    assertThatThrownBy(() -> pipeline("jolt", "[{'operation':'sort'},{'operation':'shift','spec':{'a':'b[&x]'}}]"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("step 2 (jolt shift): ");
    assertThatThrownBy(() -> pipeline("jolt", "[{'operation':'shift'}]"))
        .hasMessage("step 1 (jolt shift): \"spec\" must be an object, got nothing");
    assertThatThrownBy(() -> pipeline("jolt", "[{'spec':{}}]"))
        .hasMessage("step 1 (jolt): \"operation\" must be a string, got nothing");
    assertThatThrownBy(() -> pipeline("jolt", "[]")).hasMessage("chain 1 (jolt): empty chain");
  }

  @Test
  void stepsAreNumberedAcrossChainsAndDialectsMix() throws Exception {
    JoltPipeline p = JoltPipeline.builder()
        .step("infinyon/jolt@0.3.0", json("[{'operation':'shift','spec':{'event':'e'}}]"))
        .step("jolt", json("[{'operation':'shift','spec':{'e':{'n':'n'}}},{'operation':'sort'}]"))
        .step("infinyon/jolt@0.4.0", json("[{'operation':'default','spec':{'k':1}}]"))
        .build();
    assertThat(run(p, "{'event':{'n':5}}")).isEqualTo(expect("{'n':5,'k':1}"));
    assertThat(p.describe()).isEqualTo("infinyon/jolt@0.3.0 + jolt + infinyon/jolt@0.4.0");
    assertThatThrownBy(() -> run(p, "{'event':{'x':5}}"))
        .hasMessage("step 2 (jolt shift): the output is null (nothing in the record matched the spec)");
    assertThatThrownBy(() -> JoltPipeline.builder()
        .step("jolt", json("[{'operation':'sort'}]"))
        .step("infinyon/jolt@0.3.0", json("[{'operation':'remove','spec':{}},{'operation':'shift','spec':{'a':'#2'}}]"))
        .build()).hasMessage("step 3 (infinyon/jolt shift): unsupported RHS \"#2\"");
  }

  @Test
  void unknownUsesAndVersionsAreRejected() {
    assertThatThrownBy(() -> JoltPipeline.builder().step("infinyon/jolt@0.5.0", json("[]")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("uses \"infinyon/jolt@0.5.0\": unsupported version \"0.5.0\" (supported: 0.3.x, 0.4.x)");
    assertThatThrownBy(() -> JoltPipeline.builder().step("infinyon/jolt", json("[]")))
        .hasMessageContaining("a version is required");
    assertThatThrownBy(() -> JoltPipeline.builder().step("other/thing@1.0.0", json("[]")))
        .hasMessageContaining("not a Jolt transform");
    assertThatThrownBy(() -> JoltPipeline.builder().build()).isInstanceOf(IllegalStateException.class);
  }
}
