package dev.analytics.benchmarks.transform;

import com.bazaarvoice.jolt.Chainr;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.analytics.spi.SecretProvider;
import dev.analytics.spi.Secrets;
import dev.analytics.spi.TransformException;
import dev.analytics.transform.JoltPipeline;
import dev.analytics.transform.internal.json.JoltModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Records per second through {@link JoltPipeline} against jolt-core's {@link Chainr} called directly on
 * the same input, in the same run.
 *
 * <p>Every variant takes the record as the dispatcher holds it (a Jackson tree) and returns a Jackson
 * tree for the sink, because that is the job: {@code chainr} is what a user of raw jolt-core writes
 * ({@code ObjectMapper.convertValue} in, {@code Chainr.transform}, {@code valueToTree} out);
 * {@code chainrCoreOnly} is Chainr on a fresh Map (made with this module's converter) without converting
 * the result back, the floor no JsonNode-to-JsonNode transform can beat with jolt-core.
 * {@code pipelineJolt} runs the same jolt-core spec through the pipeline; {@code pipelineFluvio} runs the
 * Fluvio-dialect spec, which this module executes on Jackson trees without jolt-core.
 *
 * <p>Workloads: {@code seed} is the Amplitude connector's chain (remove timestamp, shift event to
 * events[0], default api_key from a secret) on the fixture record; {@code shift} is one larger shift
 * (about 40 input fields, literal keys, wildcards with captures, nested output paths).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TransformBenchmark {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  static final String SEED_INPUT = "{\"id\":\"0190f2a4-7c1e-7b3a-9d4e-5f6a7b8c9d0e\",\"timestamp\":\"2023-09-06T12:02:29.658014825Z\","
      + "\"event\":{\"user_id\":\"user@example.com\",\"event_type\":\"ServiceAbcExampleEvent\",\"time\":1696629748241,"
      + "\"app_version\":\"c738ca3\",\"event_id\":5,\"session_id\":9876645851321,"
      + "\"insert_id\":\"d768b1b3-5c53-4e3c-9d4c-3c6c2a5b0f11\"}}";

  static final String SEED_FLUVIO = "[{\"operation\":\"remove\",\"spec\":{\"timestamp\":\"\"}},"
      + "{\"operation\":\"shift\",\"spec\":{\"event\":\"events[0]\"}},"
      + "{\"operation\":\"default\",\"spec\":{\"api_key\":\"${{ secrets.AMPLITUDE_API_TOKEN }}\"}}]";

  /** The same chain in jolt-core's dialect (identical text: these specs mean the same in both). */
  static final String SEED_JOLT = SEED_FLUVIO;

  @Param({"seed", "shift"})
  public String workload;

  private JsonNode input;
  private JoltPipeline pipelineFluvio;
  private JoltPipeline pipelineJolt;
  private Chainr chainr;

  @Setup
  public void setUp() {
    Secrets secrets = Secrets.resolve(List.of("AMPLITUDE_API_TOKEN"),
        SecretProvider.of(Map.of("AMPLITUDE_API_TOKEN", "bench-token-0123456789")));
    String fluvio;
    String jolt;
    if (workload.equals("seed")) {
      input = read(SEED_INPUT);
      fluvio = SEED_FLUVIO;
      jolt = SEED_JOLT;
    } else {
      input = read(LargeShift.input());
      fluvio = LargeShift.fluvioChain();
      jolt = LargeShift.joltChain();
    }
    pipelineFluvio = JoltPipeline.builder().secrets(secrets).step("infinyon/jolt@0.3.0", fluvio).build();
    pipelineJolt = JoltPipeline.builder().secrets(secrets).step("jolt", jolt).build();
    chainr = Chainr.fromSpec(JoltModel.toJolt(read(secrets.render(jolt))));
    // The variants must agree, or the comparison means nothing.
    try {
      JsonNode viaChainr = chainr();
      if (!viaChainr.equals(pipelineJolt()) || !viaChainr.equals(pipelineFluvio())) {
        throw new IllegalStateException("outputs differ for " + workload + ": " + viaChainr + " vs "
            + pipelineJolt() + " vs " + pipelineFluvio());
      }
    } catch (TransformException e) {
      throw new IllegalStateException(e);
    }
  }

  @Benchmark
  public JsonNode pipelineFluvio() throws TransformException {
    return pipelineFluvio.apply(input);
  }

  @Benchmark
  public JsonNode pipelineJolt() throws TransformException {
    return pipelineJolt.apply(input);
  }

  @Benchmark
  public JsonNode chainr() {
    Object model = MAPPER.convertValue(input, Object.class);
    return MAPPER.valueToTree(chainr.transform(model));
  }

  @Benchmark
  public Object chainrCoreOnly() {
    return chainr.transform(JoltModel.toJolt(input));
  }

  private static JsonNode read(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
