package dev.analytics.transform;

import com.bazaarvoice.jolt.exception.JoltException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.analytics.spi.Secrets;
import dev.analytics.spi.Transform;
import dev.analytics.spi.TransformException;
import dev.analytics.transform.internal.CompiledStep;
import dev.analytics.transform.internal.Dialect;
import dev.analytics.transform.internal.RedactedException;
import dev.analytics.transform.internal.SpecAsWritten;
import dev.analytics.transform.internal.json.JoltModel;
import dev.analytics.transform.internal.json.RecordError;
import dev.analytics.transform.internal.json.SpecError;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A chain of Jolt operations applied to each record just before it is sent, in one of two dialects:
 * {@code jolt} (bazaarvoice jolt-core, run on jolt-core: shift, default, remove, sort, cardinality,
 * modify-overwrite-beta, modify-default-beta, modify-define-beta) or {@code infinyon/jolt@0.3.x} /
 * {@code @0.4.x} (Fluvio's shift, default and remove, with Fluvio's syntax and rules).
 *
 * <pre>{@code
 * Secrets secrets = Secrets.resolve(List.of("AMPLITUDE_API_TOKEN"), SecretProvider.environment());
 * JoltPipeline pipeline = JoltPipeline.builder()
 *     .secrets(secrets)
 *     .step("infinyon/jolt@0.3.0", "[{\"operation\":\"remove\",\"spec\":{\"timestamp\":\"\"}},"
 *         + "{\"operation\":\"shift\",\"spec\":{\"event\":\"events[0]\"}},"
 *         + "{\"operation\":\"default\",\"spec\":{\"api_key\":\"${{ secrets.AMPLITUDE_API_TOKEN }}\"}}]")
 *     .build();
 * }</pre>
 *
 * <p>Each spec is parsed and its {@code ${{ secrets.NAME }}} references rendered once, in {@link
 * Builder#build()}; the values live in this object's memory only. Operations are numbered from 1 across
 * the whole pipeline, and messages name them: {@code step 2 (infinyon/jolt shift): unsupported RHS "#2"}.
 * A record that fails a step, or whose result is {@code null}, fails with a {@link TransformException};
 * the pipeline stays usable. Instances are immutable and thread-safe.
 */
public final class JoltPipeline implements Transform {
  private final CompiledStep[] steps;
  private final Secrets secrets;
  private final String description;
  private final List<String> uses;
  private final List<JsonNode> chains;

  private JoltPipeline(CompiledStep[] steps, Builder from) {
    this.steps = steps;
    this.secrets = from.secrets;
    this.description = String.join(" + ", from.uses);
    this.uses = List.copyOf(from.uses);
    this.chains = List.copyOf(from.chains);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this pipeline's chains (as written, before secrets) and secrets, to add steps to. */
  public Builder toBuilder() {
    Builder builder = new Builder().secrets(secrets);
    builder.uses.addAll(uses);
    builder.chains.addAll(chains);
    return builder;
  }

  /**
   * Runs every step on {@code value}, which is not modified.
   *
   * @throws TransformException naming the step and the reason, when a step fails or the result is null;
   *     its cause, where a step threw, is a copy of that exception with the secrets' values masked
   */
  @Override
  public JsonNode apply(JsonNode value) throws TransformException {
    Objects.requireNonNull(value, "value == null");
    JsonNode json = value;
    Object jolt = null;
    boolean inJolt = false;
    int nullSince = -1; // the step after which the value became null, for the message
    for (int i = 0; i < steps.length; i++) {
      CompiledStep step = steps[i];
      try {
        boolean isNull;
        if (step.joltModel()) {
          // Consecutive jolt-core steps share one conversion each way.
          if (!inJolt) {
            jolt = JoltModel.toJolt(json);
            inJolt = true;
          }
          jolt = step.applyJolt(jolt);
          isNull = jolt == null;
        } else {
          if (inJolt) {
            json = JoltModel.toJson(jolt);
            inJolt = false;
          }
          json = step.applyJson(json);
          isNull = json.isNull();
        }
        if (!isNull) {
          nullSince = -1;
        } else if (nullSince < 0) {
          nullSince = i;
        }
      } catch (RecordError e) {
        throw failure(i, e.getMessage(), e);
      } catch (JoltException e) { // jolt-core's per-record failures
        throw failure(i, String.valueOf(e.getMessage()), e);
      } catch (RuntimeException e) { // a bug in a step: still one record's failure, never the pipeline's
        throw failure(i, e.getClass().getSimpleName() + ": " + e.getMessage(), e);
      }
    }
    if (nullSince >= 0) {
      String why = steps[nullSince].label().endsWith(" shift")
          ? "the output is null (nothing in the record matched the spec)"
          : "the output is null";
      throw failure(nullSince, why, null);
    }
    return inJolt ? JoltModel.toJson(jolt) : json;
  }

  /** @param cause null, or what failed: attached as a masked copy, as its messages may quote a rendered secret */
  private TransformException failure(int index, String reason, Throwable cause) {
    String message = secrets.redact("step " + (index + 1) + " (" + steps[index].label() + "): " + reason);
    return cause == null
        ? new TransformException(message)
        : new TransformException(message, RedactedException.of(cause, secrets::redact));
  }

  /** The {@code uses:} names of the chains, joined: {@code infinyon/jolt@0.3.0}. */
  @Override
  public String describe() {
    return description;
  }

  /** Masks the values of the secrets rendered into this pipeline. */
  @Override
  public String redact(String text) {
    return secrets.redact(text);
  }

  /** The number of operations, over all chains. */
  public int size() {
    return steps.length;
  }

  @Override
  public String toString() {
    return "JoltPipeline{" + description + ", " + steps.length + " steps}";
  }

  /** Collects chains; everything is parsed and validated in {@link #build()}. */
  public static final class Builder {
    private static final ObjectMapper STRICT = new ObjectMapper()
        .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final List<String> uses = new ArrayList<>();
    private final List<JsonNode> chains = new ArrayList<>();
    private Secrets secrets = Secrets.none();

    private Builder() {}

    /** The secrets {@code ${{ secrets.NAME }}} may reference. Default: none, so any reference fails the build. */
    public Builder secrets(Secrets secrets) {
      this.secrets = Objects.requireNonNull(secrets, "secrets == null");
      return this;
    }

    /**
     * Appends a chain: a JSON array of {@code {"operation": ..., "spec": ...}} (a single such object is
     * accepted too), in the dialect {@code uses} names: {@code jolt}, or {@code infinyon/jolt@0.3.x} /
     * {@code @0.4.x}.
     *
     * @throws IllegalArgumentException if {@code uses} is not one of those
     */
    public Builder step(String uses, JsonNode chain) {
      Objects.requireNonNull(uses, "uses == null");
      Objects.requireNonNull(chain, "chain == null");
      Dialect.of(uses);
      this.uses.add(uses);
      this.chains.add(chain.deepCopy());
      return this;
    }

    /**
     * Like {@link #step(String, JsonNode)}, from JSON text. Duplicate keys are an error.
     *
     * @throws IllegalArgumentException if the text is not JSON, or {@code uses} is unknown
     */
    public Builder step(String uses, String chainJson) {
      Objects.requireNonNull(chainJson, "chainJson == null");
      JsonNode chain;
      try {
        chain = STRICT.readTree(chainJson);
      } catch (JsonProcessingException e) {
        // The text may hold a secret already rendered by a config loader: no excerpt, only the position.
        throw new IllegalArgumentException(
            "chain " + (chains.size() + 1) + " (" + uses + "): invalid JSON at line "
                + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ": "
                + secrets.redact(e.getOriginalMessage()));
      }
      return step(uses, chain);
    }

    /**
     * Renders secrets and parses every spec.
     *
     * @throws IllegalStateException if no chain was added
     * @throws IllegalArgumentException naming the step, operation and reason when a spec is bad or
     *     references a secret that is not declared
     */
    public JoltPipeline build() {
      if (chains.isEmpty()) throw new IllegalStateException("no step: add at least one chain with step()");
      List<CompiledStep> compiled = new ArrayList<>();
      for (int c = 0; c < chains.size(); c++) {
        Dialect dialect = Dialect.of(uses.get(c));
        JsonNode chain = chains.get(c);
        List<JsonNode> entries = new ArrayList<>();
        if (chain.isArray()) {
          chain.forEach(entries::add);
        } else if (chain.isObject() && chain.has("operation")) {
          entries.add(chain);
        } else {
          throw new IllegalArgumentException("chain " + (c + 1) + " (" + uses.get(c)
              + "): expected an array of {\"operation\": ..., \"spec\": ...}");
        }
        if (entries.isEmpty()) {
          throw new IllegalArgumentException("chain " + (c + 1) + " (" + uses.get(c) + "): empty chain");
        }
        for (JsonNode entry : entries) {
          int number = compiled.size() + 1;
          String label = CompiledStep.labelOf(dialect, entry);
          try {
            compiled.add(CompiledStep.compile(dialect, secrets.render(entry, true)));
          } catch (SpecError e) {
            // Quoted as written: the rendered spec would give away a secret's text or length.
            String reason = SpecAsWritten.message(e, entry, secrets);
            throw new IllegalArgumentException(secrets.redact("step " + number + " (" + label + "): " + reason));
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                secrets.redact("step " + number + " (" + label + "): " + e.getMessage()));
          }
        }
      }
      return new JoltPipeline(compiled.toArray(new CompiledStep[0]), this);
    }

  }
}
