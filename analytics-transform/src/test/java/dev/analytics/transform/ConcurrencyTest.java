package dev.analytics.transform;

import static dev.analytics.transform.Json.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** One pipeline, built once, used by several dispatcher threads at once. */
class ConcurrencyTest {
  @Test
  void sharedPipelineGivesTheSameOutputsFromManyThreads() throws Exception {
    JoltPipeline pipeline = JoltPipeline.builder()
        .step("infinyon/jolt@0.3.0", json(FluvioDialectTest.SEED_CHAIN))
        .step("jolt", json("[{'operation':'modify-overwrite-beta','spec':{'events':{'*':{'n':'=toString'}}}}]"))
        .build();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        results.add(pool.submit(() -> {
          for (int i = 0; i < 500; i++) {
            int n = thread * 1000 + i;
            JsonNode out = pipeline.apply(json("{'timestamp':'t','event':{'n':" + n + ",'t':" + thread + "}}"));
            String expected = "{\"events\":[{\"n\":\"" + n + "\",\"t\":" + thread + "}],\"api_key\":\"KEY\"}";
            if (!out.toString().equals(expected)) return false;
          }
          return true;
        }));
      }
      for (Future<Boolean> result : results) assertThat(result.get()).isTrue();
    } finally {
      pool.shutdownNow();
    }
  }
}
