package dev.analytics.benchmarks.transform;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * A paired companion to {@link TransformBenchmark} for a shared, busy machine: JMH measures one variant
 * after another, so a load change between them shows up as a difference between variants. This harness
 * runs the same variants in short alternating slices (rotating the order each round) and reports the
 * median of the per-round throughputs and of the per-round ratios, which cancels slow load drift.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.analytics.benchmarks.transform.PairedTransformRun [rounds] [sliceMillis]
 * </pre>
 */
public final class PairedTransformRun {
  private static volatile int sink;

  private PairedTransformRun() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 40;
    long sliceNanos = (args.length > 1 ? Long.parseLong(args[1]) : 100) * 1_000_000L;
    for (String workload : new String[] {"seed", "shift"}) {
      TransformBenchmark b = new TransformBenchmark();
      b.workload = workload;
      b.setUp();
      Map<String, Callable<Object>> variants = new LinkedHashMap<>();
      variants.put("chainr", b::chainr);
      variants.put("chainrCoreOnly", b::chainrCoreOnly);
      variants.put("pipelineJolt", b::pipelineJolt);
      variants.put("pipelineFluvio", b::pipelineFluvio);
      List<String> names = new ArrayList<>(variants.keySet());
      for (String name : names) run(variants.get(name), 3_000_000_000L); // warm-up
      double[][] rates = new double[names.size()][rounds];
      for (int r = 0; r < rounds; r++) {
        for (int k = 0; k < names.size(); k++) {
          int v = (k + r) % names.size();
          rates[v][r] = run(variants.get(names.get(v)), sliceNanos);
        }
      }
      System.out.println("workload " + workload + " (" + rounds + " rounds of " + sliceNanos / 1_000_000 + " ms per variant)");
      for (int v = 0; v < names.size(); v++) {
        System.out.printf(Locale.ROOT, "  %-15s median %,12.0f records/s%n", names.get(v), median(rates[v].clone()));
      }
      ratio("pipelineJolt / chainr", rates[names.indexOf("pipelineJolt")], rates[names.indexOf("chainr")]);
      ratio("pipelineJolt / chainrCoreOnly", rates[names.indexOf("pipelineJolt")], rates[names.indexOf("chainrCoreOnly")]);
      ratio("pipelineFluvio / chainr", rates[names.indexOf("pipelineFluvio")], rates[names.indexOf("chainr")]);
    }
  }

  private static double run(Callable<Object> variant, long nanos) throws Exception {
    long start = System.nanoTime();
    long end = start + nanos;
    long ops = 0;
    long now;
    int acc = 0;
    do {
      for (int i = 0; i < 16; i++) acc += System.identityHashCode(variant.call());
      ops += 16;
      now = System.nanoTime();
    } while (now < end);
    sink += acc;
    return ops * 1e9 / (now - start);
  }

  private static void ratio(String label, double[] a, double[] b) {
    double[] ratios = new double[a.length];
    for (int i = 0; i < a.length; i++) ratios[i] = a[i] / b[i];
    Arrays.sort(ratios);
    System.out.printf(Locale.ROOT, "  %-30s median %.3f  (middle half %.3f .. %.3f)%n", label, median(ratios),
        ratios[ratios.length / 4], ratios[ratios.length * 3 / 4]);
  }

  private static double median(double[] values) {
    Arrays.sort(values);
    int n = values.length;
    return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
  }
}
