package dev.analytics.transform;

import static dev.analytics.transform.Json.json;
import static dev.analytics.transform.Json.pipeline;
import static dev.analytics.transform.Json.run;
import static dev.analytics.transform.Json.shift;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.analytics.spi.TransformException;
import org.junit.jupiter.api.Test;

/** Fluvio's dialect, rule by rule, as {@code fluvio-jolt.md} describes it. */
class FluvioDialectTest {
  static final String F = "infinyon/jolt@0.3.0";

  private static String expect(String singleQuoted) {
    return json(singleQuoted).toString();
  }

  private static String shiftF(String spec, String input) throws TransformException {
    return shift(F, spec, input);
  }

  private static void shiftFails(String spec, String input, String message) {
    assertThatThrownBy(() -> shiftF(spec, input))
        .isInstanceOf(TransformException.class)
        .hasMessage("step 1 (infinyon/jolt shift): " + message);
  }

  private static void badShift(String spec, String messagePart) {
    assertThatThrownBy(() -> pipeline(F, "[{'operation':'shift','spec':" + spec + "}]"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("step 1 (infinyon/jolt shift): ")
        .hasMessageContaining(messagePart);
  }

  // ---- shift: LHS kinds and matching ----

  @Test
  void literalKeysMoveValuesAndUnmatchedAreDropped() throws Exception {
    assertThat(shiftF("{'a':'x.y','b':{'c':'z'}}", "{'a':1,'b':{'c':true,'d':2},'e':3}"))
        .isEqualTo(expect("{'x':{'y':1},'z':true}"));
  }

  @Test
  void starPatternsCaptureAndAmpersandRefersToThem() throws Exception {
    assertThat(shiftF("{'*_*':'out.&(0,2).&(0,1)'}", "{'user_id':1,'plain':2}"))
        .isEqualTo(expect("{'out':{'id':{'user':1}}}"));
  }

  @Test
  void ampersandLevelsReachParentKeys() throws Exception {
    assertThat(shiftF("{'*':{'*':'&(1).&'}}", "{'a':{'b':1},'c':{'d':2}}"))
        .isEqualTo(expect("{'a':{'b':1},'c':{'d':2}}"));
    assertThat(shiftF("{'*':{'*':'&(0).&(1)'}}", "{'a':{'b':1}}"))
        .isEqualTo(expect("{'b':{'a':1}}"));
  }

  @Test
  void pipeAlternativesMatchEitherSide() throws Exception {
    assertThat(shiftF("{'a|b*':'got.&'}", "{'a':1,'bee':2,'c':3}"))
        .isEqualTo(expect("{'got':{'a':1,'bee':2}}"));
  }

  @Test
  void ampersandLhsMatchesAKeyEqualToACapture() throws Exception {
    // While matching keys of an object, level 0 is the key that led to it.
    assertThat(shiftF("{'*':{'&(0)':'same','*':'other.&'}}", "{'k':{'k':1,'z':2}}"))
        .isEqualTo(expect("{'same':1,'other':{'z':2}}"));
    assertThat(shiftF("{'*_*':{'&(0,2)':'same'}}", "{'a_b':{'a':1,'b':2}}"))
        .isEqualTo(expect("{'same':2}"));
  }

  @Test
  void patternsAreTriedInSpecOrderUnlikeJoltCore() throws Exception {
    String spec = "{'*':'any.&','a*':'a.&'}";
    assertThat(shiftF(spec, "{'ab':1}")).isEqualTo(expect("{'any':{'ab':1}}"));
    // jolt-core sorts computed keys, most specific first.
    assertThat(shift("jolt", spec, "{'ab':1}")).isEqualTo(expect("{'a':{'ab':1}}"));
  }

  @Test
  void literalKeysWinOverPatternsWhateverTheOrder() throws Exception {
    assertThat(shiftF("{'*':'star','x':'lit'}", "{'x':1}")).isEqualTo(expect("{'lit':1}"));
  }

  @Test
  void dollarWritesMatchedKeys() throws Exception {
    assertThat(shiftF("{'*':{'$':'keys[]','*':{'$(1)':'parents[]'}}}", "{'a':{'b':{'c':1}}}"))
        .isEqualTo(expect("{'keys':['a'],'parents':['a']}"));
    assertThat(shiftF("{'*_*':{'$(0,2)':'suffix'}}", "{'x_y':{}}"))
        .isEqualTo(expect("{'suffix':'y'}"));
  }

  @Test
  void atWritesValuesFoundByNavigation() throws Exception {
    assertThat(shiftF("{'event':{'@':'copy','@(1,id)':'theId','@(name)':'n'}}",
        "{'id':'r1','event':{'name':'e'}}"))
        .isEqualTo(expect("{'copy':{'name':'e'},'theId':'r1','n':'e'}"));
  }

  @Test
  void hashWritesLiterals() throws Exception {
    assertThat(shiftF("{'event':{'#v1':'version','user':'u'}}", "{'event':{'user':'x'}}"))
        .isEqualTo(expect("{'version':'v1','u':'x'}"));
  }

  @Test
  void scalarsMatchByTheirStringForm() throws Exception {
    assertThat(shiftF("{'kind':{'a':{'#A':'k'},'true':{'#T':'k'},'42':{'#N':'k'},'null':{'#Z':'k'}}}",
        "{'kind':'a'}")).isEqualTo(expect("{'k':'A'}"));
    assertThat(shiftF("{'kind':{'true':{'#T':'k'}}}", "{'kind':true}")).isEqualTo(expect("{'k':'T'}"));
    assertThat(shiftF("{'kind':{'42':{'#N':'k'}}}", "{'kind':42}")).isEqualTo(expect("{'k':'N'}"));
    assertThat(shiftF("{'kind':{'null':{'#Z':'k'}}}", "{'kind':null}")).isEqualTo(expect("{'k':'Z'}"));
  }

  @Test
  void arrayElementsMatchAsKeysZeroOneTwo() throws Exception {
    assertThat(shiftF("{'list':{'1':'second','*':'rest[]'}}", "{'list':['a','b','c']}"))
        .isEqualTo(expect("{'rest':['a','c'],'second':'b'}"));
  }

  // ---- shift: RHS ----

  @Test
  void ampersandShorthandDigitIsLiteralTextUnlikeJoltCore() throws Exception {
    assertThat(shiftF("{'id':'data.&0'}", "{'id':7}")).isEqualTo(expect("{'data':{'id0':7}}"));
    assertThat(shift("jolt", "{'id':'data.&0'}", "{'id':7}")).isEqualTo(expect("{'data':{'id':7}}"));
  }

  @Test
  void arrayRhsWritesSeveralPlaces() throws Exception {
    assertThat(shiftF("{'a':['x','y.z']}", "{'a':1}")).isEqualTo(expect("{'x':1,'y':{'z':1}}"));
  }

  @Test
  void nullRhsDropsTheValue() throws Exception {
    assertThat(shiftF("{'secret':null,'*':'&'}", "{'secret':1,'ok':2}")).isEqualTo(expect("{'ok':2}"));
  }

  @Test
  void emptyBracketsAppend() throws Exception {
    assertThat(shiftF("{'*':'all[]'}", "{'a':1,'b':{'c':2}}")).isEqualTo(expect("{'all':[1,{'c':2}]}"));
    assertThat(shiftF("{'*':'all[].v'}", "{'a':1,'b':2}")).isEqualTo(expect("{'all':[{'v':1},{'v':2}]}"));
  }

  @Test
  void indexesPadWithNullAndMayStartThePath() throws Exception {
    assertThat(shiftF("{'a':'[2].x'}", "{'a':1}")).isEqualTo(expect("[null,null,{'x':1}]"));
    assertThat(shiftF("{'a':'list[1]'}", "{'a':1}")).isEqualTo(expect("{'list':[null,1]}"));
  }

  @Test
  void capturedAndLookedUpIndexes() throws Exception {
    assertThat(shiftF("{'items':{'*':{'v':'out[&(1)]'}}}", "{'items':[{'v':'a'},{'v':'b'}]}"))
        .isEqualTo(expect("{'out':['a','b']}"));
    assertThat(shiftF("{'v':'out[@(1,pos)]'}", "{'pos':1,'v':'x'}")).isEqualTo(expect("{'out':[null,'x']}"));
    assertThat(shiftF("{'v':'by.@(1,name)'}", "{'name':'n','v':'x'}")).isEqualTo(expect("{'by':{'n':'x'}}"));
    assertThat(shiftF("{'*_*':'out[&(0,1)]'}", "{'1_a':'x'}")).isEqualTo(expect("{'out':[null,'x']}"));
  }

  @Test
  void nestedAtLookups() throws Exception {
    assertThat(shiftF("{'v':'out.@(1,map.@(1,k))'}", "{'k':'a','map':{'a':'key'},'v':1}"))
        .isEqualTo(expect("{'out':{'key':1}}"));
    assertThat(shiftF("{'event':{'@(1,)':'whole','b':{'@(2,id)':'id'}}}", "{'id':1,'event':{'b':{}}}"))
        .isEqualTo(expect("{'whole':{'id':1,'event':{'b':{}}},'id':1}"));
  }

  @Test
  void escapedTokensAreLiteralOnBothSides() throws Exception {
    assertThat(shiftF("{'props':{'*':'user_properties.\\\\$set.&'}}", "{'props':{'plan':'pro'}}"))
        .isEqualTo(expect("{'user_properties':{'$set':{'plan':'pro'}}}"));
    assertThat(shiftF("{'foo\\\\.bar':'a\\\\.b'}", "{'foo.bar':1,'foo':{'bar':2}}"))
        .isEqualTo(expect("{'a.b':1}"));
    assertThat(shiftF("{'x':'a\\\\[0\\\\]'}", "{'x':1}")).isEqualTo(expect("{'a[0]':1}"));
  }

  @Test
  void dotInLhsIsATokenUnlikeJoltCore() throws Exception {
    badShift("{'foo.bar':'x'}", "'.' must be escaped");
    assertThat(shift("jolt", "{'foo.bar':'x'}", "{'foo.bar':1}")).isEqualTo(expect("{'x':1}"));
  }

  // ---- shift: writing ----

  @Test
  void writingTwiceMakesAPairThenAppends() throws Exception {
    assertThat(shiftF("{'*':'out'}", "{'a':1,'b':2,'c':3}")).isEqualTo(expect("{'out':[1,2,3]}"));
  }

  @Test
  void writingOverNullSetsIt() throws Exception {
    assertThat(shiftF("{'a':'out','b':'out'}", "{'a':null,'b':2}")).isEqualTo(expect("{'out':2}"));
  }

  @Test
  void aNonObjectOnADotPathIsReplacedByAnObject() throws Exception {
    assertThat(shiftF("{'a':'out','b':'out.x'}", "{'a':1,'b':2}")).isEqualTo(expect("{'out':{'x':2}}"));
  }

  @Test
  void nothingMatchedGivesNullWhichFailsTheRecord() {
    assertThatThrownBy(() -> shiftF("{'a':'x'}", "{'b':1}"))
        .isInstanceOf(TransformException.class)
        .hasMessage("step 1 (infinyon/jolt shift): the output is null (nothing in the record matched the spec)");
  }

  @Test
  void theInputIsNeverMutated() throws Exception {
    JsonNode input = json("{'a':{'x':1},'b':{'y':2},'list':[1]}");
    JsonNode before = input.deepCopy();
    JoltPipeline p = pipeline(F, "[{'operation':'shift','spec':{'a':'o','b':'o','list':'l','*':'l'}},"
        + "{'operation':'default','spec':{'o':{'z':3}}},{'operation':'remove','spec':{'l':''}}]");
    assertThat(p.apply(input).toString()).isEqualTo(expect("{'o':[{'x':1},{'y':2}]}"));
    JoltPipeline q = pipeline(F, "[{'operation':'shift','spec':{'a':'o','b':'o.w','list':'l'}},"
        + "{'operation':'default','spec':{'o':{'z':3}}}]");
    assertThat(q.apply(input).toString()).isEqualTo(expect("{'o':{'x':1,'w':{'y':2},'z':3},'l':[1]}"));
    assertThat(input).isEqualTo(before);
  }

  // ---- shift: record errors where jolt-core skips ----

  @Test
  void missingAtLookupFailsTheRecordWhereJoltCoreSkips() throws Exception {
    shiftFails("{'v':'out.@(1,user)'}", "{'v':1}", "@(1,user) not found");
    assertThat(shift("jolt", "{'v':'out.@(1,user)', 'w':'w'}", "{'v':1,'w':2}")).isEqualTo(expect("{'w':2}"));
  }

  @Test
  void badIndexesAndKeysFailTheRecord() {
    shiftFails("{'v':'out[@(1,i)]'}", "{'i':'x','v':1}", "@(1,i): index \"x\" is not a number");
    shiftFails("{'v':'out[@(1,i)]'}", "{'i':-1,'v':1}", "@(1,i): negative index -1");
    // An index from the record pads the output with nulls up to it: a huge one fails that record
    // instead of allocating billions of elements.
    shiftFails("{'v':'out[@(1,i)]'}", "{'i':2000000000,'v':1}", "@(1,i): index 2000000000 is over the limit of 99999");
    shiftFails("{'v':'out[@(1,i)]'}", "{'i':'100000','v':1}", "@(1,i): index 100000 is over the limit of 99999");
    shiftFails("{'items':{'*':'out[&(0)]'}}", "{'items':{'2000000000':'x'}}", "out[&(0)]: index 2000000000 is over the limit of 99999");
    shiftFails("{'v':'out.@(1,k)'}", "{'k':null,'v':1}", "@(1,k) is null, not a key");
    shiftFails("{'v':'out.@(1,k)'}", "{'k':{},'v':1}", "@(1,k) is object, not a key");
    shiftFails("{'v':'out.@(1,k)'}", "{'k':[],'v':1}", "@(1,k) is array, not a key");
    shiftFails("{'v':'out.@(1,k[3])'}", "{'k':[1],'v':1}", "@(1,k[3]): index 3 out of range");
    // With alternatives of different star counts, a capture can be missing only for some keys.
    shiftFails("{'a*|b*c*':'out.&(0,2)'}", "{'ax':1}", "&(0,2): the key at level 0 has only 1 captures");
  }

  // ---- shift: spec errors ----

  @Test
  void specErrorsFailTheBuildWithStepOperationAndReason() {
    assertThatThrownBy(() -> pipeline(F, "[{'operation':'remove','spec':{'a':''}},"
        + "{'operation':'shift','spec':{'a':'#2'}}]"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("step 2 (infinyon/jolt shift): unsupported RHS \"#2\"");
    badShift("{'$1':'x'}", "$ takes its arguments in parentheses");
    badShift("{'@2':'x'}", "invalid LHS \"@2\"");
    badShift("{'@name':'x'}", "invalid LHS \"@name\"");
    badShift("{'a':'x.[]'}", "not x.[]");
    badShift("{'a':'x..y'}", "empty path part");
    badShift("{'a\\\\q':'x'}", "escapes a character that needs no escape");
    badShift("{'a':'o.@(1,@(1,@(1,@(1,@(1,x)))))'}", "nested deeper than 4");
    badShift("{'$':{'a':'b'}}", "not an object");
    badShift("{'a':5}", "an RHS must be a string");
    badShift("{'v':'out.&(5)'}", "&(5,0): there are only 2 levels here");
    badShift("{'a*':'out.&(0,2)'}", "&(0,2): the key at level 0 has 1 captures");
    badShift("{'a':{'$(2)':'x'}}", "$(2,0): there are only 2 levels here");
    badShift("{'v':'out.@(3,x)'}", "@(3,x): there are only 2 levels here");
    badShift("{'k':{'&(0,1)':'x'}}", "&(0,1): the key at level 0 has 0 captures");
    badShift("{'a':'out[100000]'}", "index 100000 is over the limit of 99999");
  }

  @Test
  void theLargestIndexPadsTheArray() throws Exception {
    JsonNode out = json(shiftF("{'a':'out[99999]'}", "{'a':1}"));
    assertThat(out.get("out").size()).isEqualTo(100_000);
    assertThat(out.get("out").get(99_999).asInt()).isEqualTo(1);
    assertThat(out.get("out").get(0).isNull()).isTrue();
  }

  @Test
  void fourLevelsOfAtNestingAreAllowed() throws Exception {
    assertThat(shiftF("{'v':'o.@(1,@(1,@(1,@(1,a))))'}", "{'a':'a','v':1}")).isEqualTo(expect("{'o':{'a':1}}"));
  }

  @Test
  void duplicateLhsKeysAreAnError() {
    assertThatThrownBy(() -> JoltPipeline.builder()
        .step(F, "[{\"operation\":\"shift\",\"spec\":{\"a\":\"x\",\"a\":\"y\"}}]"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Duplicate field 'a'");
  }

  @Test
  void onlyShiftDefaultAndRemoveExist() {
    assertThatThrownBy(() -> pipeline(F, "[{'operation':'sort'}]"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("step 1 (infinyon/jolt sort): unsupported operation \"sort\"");
    assertThatThrownBy(() -> pipeline(F, "[{'operation':'Shift','spec':{}}]"))
        .hasMessageStartingWith("step 1 (infinyon/jolt Shift): unsupported operation");
  }

  // ---- default ----

  @Test
  void defaultSetsAbsentPathsLast() throws Exception {
    assertThat(run(pipeline(F, "[{'operation':'default','spec':{'a':1,'n':{'x':'y'},'empty':{}}}]"),
        "{'b':2,'a':0}")).isEqualTo(expect("{'b':2,'a':0,'n':{'x':'y'}}"));
  }

  @Test
  void defaultTreatsNullAsPresentUnlikeJoltCore() throws Exception {
    String chain = "[{'operation':'default','spec':{'a':1}}]";
    assertThat(run(pipeline(F, chain), "{'a':null}")).isEqualTo(expect("{'a':null}"));
    assertThat(run(pipeline("jolt", chain), "{'a':null}")).isEqualTo(expect("{'a':1}"));
  }

  @Test
  void defaultKeepsANullInputNullUnlikeJoltCore() throws Exception {
    String chain = "[{'operation':'default','spec':{'a':1}}]";
    assertThatThrownBy(() -> run(pipeline(F, chain), "null"))
        .hasMessage("step 1 (infinyon/jolt default): the output is null");
    assertThat(run(pipeline("jolt", chain), "null")).isEqualTo(expect("{'a':1}"));
  }

  @Test
  void defaultKeysAreLiteralUnlikeJoltCore() throws Exception {
    String chain = "[{'operation':'default','spec':{'*':{'x':1}}}]";
    assertThat(run(pipeline(F, chain), "{'a':{}}")).isEqualTo(expect("{'a':{},'*':{'x':1}}"));
    assertThat(run(pipeline("jolt", chain), "{'a':{}}")).isEqualTo(expect("{'a':{'x':1}}"));
  }

  @Test
  void defaultLeavesBlockedPathsAloneAndWritesSpecArraysAsObjects() throws Exception {
    assertThat(run(pipeline(F, "[{'operation':'default','spec':{'s':{'x':1},'l':{'x':1},'t':['a','b']}}]"),
        "{'s':'scalar','l':[1]}")).isEqualTo(expect("{'s':'scalar','l':[1],'t':{'0':'a','1':'b'}}"));
  }

  // ---- remove ----

  @Test
  void removeIgnoresValuesAndRemovesWholeSubtrees() throws Exception {
    assertThat(run(pipeline(F, "[{'operation':'remove','spec':{'a':'','b':1,'c':null,'account':'','n':{'x':''}}}]"),
        "{'a':1,'b':2,'c':3,'d':4,'account':{'k':1},'n':{'x':1,'y':2}}"))
        .isEqualTo(expect("{'d':4,'n':{'y':2}}"));
  }

  @Test
  void removeKeysAreLiteralAndArraysAreLeftAloneUnlikeJoltCore() throws Exception {
    String chain = "[{'operation':'remove','spec':{'*':'','list':{'0':''}}}]";
    assertThat(run(pipeline(F, chain), "{'a':1,'*':2,'list':[1,2]}")).isEqualTo(expect("{'a':1,'list':[1,2]}"));
    assertThat(run(pipeline("jolt", "[{'operation':'remove','spec':{'list':{'0':''}}}]"), "{'list':[1,2]}"))
        .isEqualTo(expect("{'list':[2]}"));
  }

  // ---- the seed chain ----

  static final String SEED_CHAIN = "[{'operation':'remove','spec':{'timestamp':''}},"
      + "{'operation':'shift','spec':{'event':'events[0]'}},"
      + "{'operation':'default','spec':{'api_key':'KEY'}}]";
  static final String SEED_INPUT = "{\"timestamp\":\"2023-09-06T12:02:29.658014825Z\",\"event\":{\"user_id\":\"user@example.com\",\"event_type\":\"ServiceAbcExampleEvent\",\"time\":1696629748241,\"app_version\":\"c738ca3\",\"event_id\":5,\"session_id\":9876645851321,\"insert_id\":\"d768b1b3-5c53-4e3c-9d4c-3c6c2a5b0f11\"}}";

  @Test
  void seedChainGivesTheAmplitudeBody() throws Exception {
    assertThat(run(pipeline(F, SEED_CHAIN), SEED_INPUT)).isEqualTo(
        "{\"events\":[{\"user_id\":\"user@example.com\",\"event_type\":\"ServiceAbcExampleEvent\","
            + "\"time\":1696629748241,\"app_version\":\"c738ca3\",\"event_id\":5,\"session_id\":9876645851321,"
            + "\"insert_id\":\"d768b1b3-5c53-4e3c-9d4c-3c6c2a5b0f11\"}],\"api_key\":\"KEY\"}");
  }

  @Test
  void seedChainOnTheEnvelopeDropsIdAndTimestamp() throws Exception {
    assertThat(run(pipeline(F, SEED_CHAIN), "{'id':'0190','timestamp':'t','event':{'event_type':'x'}}"))
        .isEqualTo(expect("{'events':[{'event_type':'x'}],'api_key':'KEY'}"));
  }

  @Test
  void seedChainRejectsARecordWithoutEventAndKeepsGoing() throws Exception {
    JoltPipeline p = pipeline(F, SEED_CHAIN);
    assertThatThrownBy(() -> run(p, "{'timestamp':'t','other':1}"))
        .isInstanceOf(TransformException.class)
        .hasMessage("step 2 (infinyon/jolt shift): the output is null (nothing in the record matched the spec)");
    assertThat(run(p, "{'event':{'a':1}}")).isEqualTo(expect("{'events':[{'a':1}],'api_key':'KEY'}"));
  }

  @Test
  void version04IsTheSameDialect() throws Exception {
    assertThat(run(pipeline("infinyon/jolt@0.4.1", SEED_CHAIN), "{'event':{'a':1}}"))
        .isEqualTo(expect("{'events':[{'a':1}],'api_key':'KEY'}"));
  }
}
