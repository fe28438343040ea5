package dev.analytics.examples.spring;

import dev.analytics.testing.AmplitudeReceiver;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A small web shop that records product-analytics events through the starter: one dependency, the
 * {@code analytics.*} block of {@code application.yml}, and {@code Analytics} injected into a controller.
 *
 * <p>Run on its own ({@link #main}), it starts an Amplitude-compatible receiver on loopback and points the
 * starter at it, so nothing leaves the machine:
 * <pre>
 * mvn -B -q -pl examples/spring-boot -am -Prun -DskipTests verify
 * curl -X POST 'http://127.0.0.1:8080/checkout?user=user-00001&amp;cents=1299'
 * curl http://127.0.0.1:8080/actuator/health/analytics
 * curl http://127.0.0.1:8080/receiver
 * </pre>
 * Pass {@code --analytics.http.endpoint=...} (and the secret {@code AMPLITUDE_API_TOKEN}) to deliver
 * elsewhere instead.
 */
@SpringBootApplication
public class ShopApplication {
  /** The key the local receiver expects; only for the demo receiver. */
  static final String DEMO_KEY = "demo-key";

  public static void main(String[] args) {
    List<String> arguments = new ArrayList<>(Arrays.asList(args));
    SpringApplication application = new SpringApplication(ShopApplication.class);
    AmplitudeReceiver receiver = null;
    boolean endpointGiven = arguments.stream().anyMatch(a -> a.startsWith("--analytics.http.endpoint="))
        || System.getenv("ANALYTICS_HTTP_ENDPOINT") != null;
    if (!endpointGiven) {
      receiver = AmplitudeReceiver.create(DEMO_KEY).start();
      Runtime.getRuntime().addShutdownHook(new Thread(receiver::close, "demo-receiver-stop"));
      DemoReceiver.set(receiver);
      arguments.add("--analytics.http.endpoint=" + receiver.endpoint());
      arguments.add("--analytics.http.amplitude=on");
      // Lowest precedence: an AMPLITUDE_API_TOKEN in the environment still wins.
      application.setDefaultProperties(Map.of("AMPLITUDE_API_TOKEN", DEMO_KEY));
      System.out.println("Amplitude-compatible receiver on " + receiver.endpoint());
    }
    try {
      application.run(arguments.toArray(new String[0]));
    } catch (RuntimeException e) {
      // A failed start (a bad setting) must end the JVM: the receiver's threads would keep it alive.
      if (receiver != null) receiver.close();
      throw e;
    }
  }
}
