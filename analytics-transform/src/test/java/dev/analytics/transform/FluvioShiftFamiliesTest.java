package dev.analytics.transform;

import static dev.analytics.transform.Json.json;
import static dev.analytics.transform.Json.shift;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.bazaarvoice.jolt.Chainr;
import com.bazaarvoice.jolt.JsonUtils;
import com.fasterxml.jackson.databind.JsonNode;
import dev.analytics.spi.TransformException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The four families of shift rules of issue 9 ({@code fluvio-jolt.md}, "Levels, roots and scalars"), as
 * one table of cases, each with Fluvio's exact output. The same table then runs through {@code uses: jolt}
 * and must give what raw jolt-core's {@link Chainr} gives, so the jolt-core dialect stays jolt-core.
 */
class FluvioShiftFamiliesTest {
  static final String F = "infinyon/jolt@0.3.0";

  /** One row: a shift spec, an input and Fluvio's output, all in single-quoted JSON. */
  record Case(String name, String spec, String input, String fluvio) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        // 1. Levels seen from an infallible key: its output path enters the current level a second
        //    time, while its value is computed before that.
        new Case("levels_dollarWritesAKeyUnderItsOwnName",
            "{'*':{'$':'&(1).Id'}}",
            "{'a':{'x':1},'b':{'y':2}}",
            "{'a':{'Id':'a'},'b':{'Id':'b'}}"),
        new Case("levels_twoDeepDollarAndParentDollar",
            "{'*':{'*':{'$':'&(2).&(1).key','$(1)':'&(2).&(0).parent'}}}",
            "{'g':{'k':{'v':1}}}",
            "{'g':{'k':{'key':'k','parent':'g'}}}"),
        new Case("levels_threeDeepAtLookupsInValueAndPath",
            "{'a':{'b':{'c':{'@(0,v)':'out.@(1,name)','@(2,v)':'up.@(2,name)'}}}}",
            "{'a':{'name':'A','v':'va','b':{'name':'B','v':'vb','c':{'name':'C','v':'vc'}}}}",
            "{'out':{'C':'vc'},'up':{'B':'va'}}"),
        new Case("levels_hashTagsArrayEntriesUnderTheirIndex",
            "{'items':{'*':{'#seen':'tags.&(1)','id':'ids[]'}}}",
            "{'items':[{'id':1},{'id':2}]}",
            "{'tags':{'0':'seen','1':'seen'},'ids':[1,2]}"),
        new Case("levels_invertAMapWithAtOneInThePath",
            "{'codes':{'*':{'$':'byName.@(1,)'}}}",
            "{'codes':{'a':'x','b':'y'}}",
            "{'byName':{'x':'a','y':'b'}}"),
        new Case("levels_mergeParallelArrays",
            "{'ids':{'*':{'@':'rows[&(1)].id'}},'names':{'*':{'@':'rows[&(1)].name'}}}",
            "{'ids':[1,2],'names':['a','b']}",
            "{'rows':[{'id':1,'name':'a'},{'id':2,'name':'b'}]}"),
        new Case("levels_starCapturesOfTheEnteringKeyAtLevelsZeroAndOne",
            "{'*_*':{'#x':'&(1,2).&(0,1)'}}",
            "{'user_id':{'k':1}}",
            "{'id':{'user':'x'}}"),
        new Case("levels_starCapturesTwoLevelsUp",
            "{'*-*':{'*':{'@':'&(2,1).&(1)'}}}",
            "{'x-y':{'k':{'v':1}}}",
            "{'x':{'k':{'v':1}}}"),
        new Case("levels_atTwoInThePathReachesTheRoot",
            "{'a':{'#x':'@(2,k)'}}",
            "{'k':'K','a':{}}",
            "{'K':'x'}"),

        // 2. An empty output path is the root of the output.
        new Case("root_atCopiesTheInputUnchanged",
            "{'@':''}",
            "{'a':1,'b':[2,{'c':null}]}",
            "{'a':1,'b':[2,{'c':null}]}"),
        new Case("root_secondValueMakesAPair",
            "{'rating':{'*':''}}",
            "{'rating':{'a':1,'b':2}}",
            "[1,2]"),
        new Case("root_thirdValueIsAppended",
            "{'rating':{'*':''}}",
            "{'rating':{'a':1,'b':{'x':2},'c':3}}",
            "[1,{'x':2},3]"),
        new Case("root_threeDeepValueBecomesTheOutput",
            "{'a':{'b':{'c':''}}}",
            "{'a':{'b':{'c':{'x':1}}}}",
            "{'x':1}"),
        new Case("root_nullIsReplaced",
            "{'a':'','b':''}",
            "{'a':null,'b':{'k':1}}",
            "{'k':1}"),
        new Case("root_arrayFromTheInputIsAppendedTo",
            "{'list':'','x':''}",
            "{'list':[1,2],'x':3}",
            "[1,2,3]"),
        new Case("root_thenAKeyUnderIt",
            "{'a':'','b':'copy'}",
            "{'a':{'k':1},'b':2}",
            "{'k':1,'copy':2}"),
        new Case("root_dollarKeysOfStarMatches",
            "{'*':{'$':''}}",
            "{'a':{},'b':{}}",
            "['a','b']"),
        new Case("root_elementsOfAnArrayInput",
            "{'list':{'*':''}}",
            "{'list':[{'a':1},{'b':2}]}",
            "[{'a':1},{'b':2}]"),
        new Case("root_thenAnIndexFromAStarCapture",
            "{'first':'','*_*':'[&(0,2)]'}",
            "{'first':'f','x_1':'a'}",
            "['f','a']"),

        // 3. A scalar met where the spec has an object: matched by its text form, written as itself.
        new Case("scalar_decimalMatchedByStar",
            "{'a':{'*':'x'}}",
            "{'a':1.5}",
            "{'x':1.5}"),
        new Case("scalar_booleanMatchedByLiteral",
            "{'flag':{'true':'enabled','false':'disabled'}}",
            "{'flag':true}",
            "{'enabled':true}"),
        new Case("scalar_numberMatchedByLiteral",
            "{'n':{'42':'answer','*':'other'}}",
            "{'n':42}",
            "{'answer':42}"),
        new Case("scalar_stringLiteralWinsOverStar",
            "{'status':{'ok':'good','*':'bad.&'}}",
            "{'status':'ok'}",
            "{'good':'ok'}"),
        new Case("scalar_arrayElementsMatchedAsKeys",
            "{'tags':{'*':{'*':'byTag.&'}}}",
            "{'tags':['red','blue']}",
            "{'byTag':{'red':'red','blue':'blue'}}"),
        new Case("scalar_threeDeepWithStarCaptures",
            "{'events':{'*':{'type':{'*_*':'kinds.&(0,1).&(0,2)'}}}}",
            "{'events':[{'type':'page_view'},{'type':'btn_click'}]}",
            "{'kinds':{'page':{'view':'page_view'},'btn':{'click':'btn_click'}}}"),
        new Case("scalar_matchedTwiceDescendingTwoLevels",
            "{'a':{'*':{'*':'deep.&(1).&(0)'}}}",
            "{'a':7}",
            "{'deep':{'7':{'7':7}}}"),

        // 4. An index into a place holding a scalar (or an object) keeps the old value first.
        new Case("index_intoAScalarKeepsItFirst",
            "{'a':'x','b':'x[1]'}",
            "{'a':1,'b':2}",
            "{'x':[1,2]}"),
        new Case("index_appendToAScalar",
            "{'a':'x','b':'x[]'}",
            "{'a':1,'b':2}",
            "{'x':[1,2]}"),
        new Case("index_intoAnObjectKeepsItFirst",
            "{'a':'x','b':'x[2]'}",
            "{'a':{'k':1},'b':2}",
            "{'x':[{'k':1},null,2]}"),
        new Case("index_threeDeepOnTheSamePlace",
            "{'user':{'profile':{'name':'out.names','alias':'out.names[2]'}}}",
            "{'user':{'profile':{'name':'Ann','alias':'A'}}}",
            "{'out':{'names':['Ann',null,'A']}}"),
        new Case("index_capturedIndexesIntoAScalar",
            "{'*':{'first':'rows.&(1)','rest':{'*':'rows.&(2)[&(0)]'}}}",
            "{'r':{'first':'f','rest':{'1':'a','2':'b'}}}",
            "{'rows':{'r':['f','a','b']}}"),
        new Case("index_starCaptureAsIndex",
            "{'*_*':{'v':'out.&(1,1)','w':'out.&(1,1)[&(1,2)]'}}",
            "{'x_1':{'v':'a','w':'b'}}",
            "{'out':{'x':['a','b']}}"),
        new Case("index_appendElementsOfAnArrayInputToAScalar",
            "{'head':'out','tail':{'*':'out[]'}}",
            "{'head':'h','tail':['a','b']}",
            "{'out':['h','a','b']}"),
        new Case("index_intoTheRootScalar",
            "{'a':'','b':'[1]'}",
            "{'a':1,'b':2}",
            "[1,2]"));
  }

  /** A number matched as a key has the text Fluvio's JSON library gives it, in keys from {@code @(...)} too. */
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "1.5 | 1.5", "100.0 | 100.0", "1.50 | 1.5", "0.0001 | 0.0001", "0.00001 | 0.00001", "1e-6 | 1e-6",
      "-2.5e-9 | -2.5e-9", "12345678.9 | 12345678.9", "1e15 | 1000000000000000.0", "1e16 | 1e16",
      "1.5e300 | 1.5e300", "0.0 | 0.0", "-0.0 | -0.0", "42 | 42", "-7 | -7",
      "18446744073709551615 | 18446744073709551615", "100000000000000000000 | 1e20"})
  void numbersMatchByTheTextFluvioGivesThem(String number, String text) throws Exception {
    String expected = json("{'k':{'" + text + "':" + number + "}}").toString();
    assertThat(shift(F, "{'n':{'*':'k.&'}}", "{'n':" + number + "}")).isEqualTo(expected);
    assertThat(shift(F, "{'v':'k.@(1,n)'}", "{'n':" + number + ",'v':" + number + "}")).isEqualTo(expected);
    if (number.equals("-0.0")) return; // a BigDecimal has no negative zero
    // The same from a tree holding BigDecimal and BigInteger numbers.
    JsonNode exact = Json.MAPPER.readTree("{\"n\":" + number + "}");
    JsonNode out = Json.pipeline(F, "[{'operation':'shift','spec':{'n':{'*':'k.&'}}}]").apply(exact);
    assertThat(out.get("k").fieldNames().next()).isEqualTo(text);
  }

  /** The output paths of an infallible key see one level more than its value does, and no more. */
  @Test
  void onlyReferencesThatCanNeverSucceedFailTheBuild() {
    badShift("{'*_*':{'#x':'&(0,3)'}}", "&(0,3): the key at level 0 has 2 captures");
    badShift("{'a':{'#x':'@(3,k)'}}", "@(3,k): there are only 3 levels here");
    badShift("{'a':{'$':'&(3)'}}", "&(3,0): there are only 3 levels here");
    badShift("{'a':{'@(2,k)':'x'}}", "@(2,k): there are only 2 levels here");
    badShift("{'a':{'$(2)':'x'}}", "$(2,0): there are only 2 levels here");
  }

  @Test
  void aCaptureOnlySomeKeysHaveFailsOnlyTheRecordsWithoutIt() throws Exception {
    String spec = "{'a*|b*c*':{'#x':'&(1,2)'}}";
    assertThat(shift(F, spec, "{'bxcy':{}}")).isEqualTo(json("{'y':'x'}").toString());
    assertThatThrownBy(() -> shift(F, spec, "{'ax':{}}"))
        .isInstanceOf(TransformException.class)
        .hasMessage("step 1 (infinyon/jolt shift): &(1,2): the key at level 1 has only 1 captures");
  }

  private static void badShift(String spec, String message) {
    assertThatThrownBy(() -> Json.pipeline(F, "[{'operation':'shift','spec':" + spec + "}]"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("step 1 (infinyon/jolt shift): " + message);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void fluvioDialectGivesFluviosOutput(Case c) throws Exception {
    assertThat(shift(F, c.spec(), c.input())).isEqualTo(json(c.fluvio()).toString());
  }

  /** Build errors, record errors, a null output and outputs must all be what raw jolt-core gives. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void joltDialectGivesJoltCoresOutput(Case c) {
    String spec = json(c.spec()).toString();
    Chainr chainr;
    try {
      chainr = Chainr.fromSpec(JsonUtils.jsonToList("[{\"operation\":\"shift\",\"spec\":" + spec + "}]"));
    } catch (RuntimeException joltCoreRefusesTheSpec) {
      assertThatThrownBy(() -> Json.pipeline("jolt", "[{'operation':'shift','spec':" + spec + "}]"))
          .isInstanceOf(IllegalArgumentException.class);
      return;
    }
    Object expected;
    try {
      expected = chainr.transform(JsonUtils.jsonToObject(json(c.input()).toString()));
    } catch (RuntimeException joltCoreFailsTheRecord) {
      assertThatThrownBy(() -> shift("jolt", c.spec(), c.input())).isInstanceOf(TransformException.class);
      return;
    }
    if (expected == null) {
      assertThatThrownBy(() -> shift("jolt", c.spec(), c.input()))
          .isInstanceOf(TransformException.class)
          .hasMessageContaining("the output is null");
      return;
    }
    try {
      assertThat(shift("jolt", c.spec(), c.input())).isEqualTo(JsonUtils.toJsonString(expected));
    } catch (TransformException e) {
      throw new AssertionError("jolt-core gives " + JsonUtils.toJsonString(expected), e);
    }
  }
}
