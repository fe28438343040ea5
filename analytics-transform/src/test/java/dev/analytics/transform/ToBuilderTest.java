package dev.analytics.transform;

import static dev.analytics.transform.Json.json;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link JoltPipeline#toBuilder()}: the same chains and secrets, ready for more steps. */
class ToBuilderTest {
  @Test
  void aRebuiltPipelineTransformsAlikeAndTakesMoreSteps() throws Exception {
    JoltPipeline original = JoltPipeline.builder().secrets(SecretsTest.token())
        .step(SecretsTest.F, "[{\"operation\":\"default\",\"spec\":{\"api_key\":\"${{ secrets.TOKEN }}\"}}]")
        .build();
    JoltPipeline same = original.toBuilder().build();
    JoltPipeline longer = original.toBuilder()
        .step("jolt", "[{\"operation\":\"shift\",\"spec\":{\"api_key\":\"key\"}}]")
        .build();

    assertThat(same.apply(json("{\"a\":1}"))).isEqualTo(original.apply(json("{\"a\":1}")))
        .isEqualTo(json("{\"a\":1,\"api_key\":\"" + SecretsTest.TOKEN + "\"}"));
    assertThat(same.describe()).isEqualTo(original.describe());
    assertThat(longer.size()).isEqualTo(2);
    assertThat(longer.apply(json("{\"a\":1}"))).isEqualTo(json("{\"key\":\"" + SecretsTest.TOKEN + "\"}"));
    assertThat(original.size()).as("the original is unchanged").isEqualTo(1);
  }
}
