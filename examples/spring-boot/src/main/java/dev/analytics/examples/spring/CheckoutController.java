package dev.analytics.examples.spring;

import dev.analytics.Analytics;
import dev.analytics.testing.AmplitudeReceiver;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Emits one "Checkout Completed" event per request. {@code emit()} only appends to the local log, so the
 * request never waits for Amplitude; the returned id is the event's {@code insert_id}.
 */
@RestController
class CheckoutController {
  private final Analytics analytics;

  CheckoutController(Analytics analytics) {
    this.analytics = analytics;
  }

  /**
   * {@code workMillis} stands for the request's real work before the event is recorded: it keeps requests in
   * flight, which is what graceful shutdown must let finish.
   */
  @PostMapping("/checkout")
  Map<String, Object> checkout(@RequestParam("user") String user, @RequestParam(name = "cents", defaultValue = "0") long cents,
      @RequestParam(name = "workMillis", defaultValue = "0") long workMillis) throws InterruptedException {
    if (workMillis > 0) Thread.sleep(Duration.ofMillis(Math.min(workMillis, 10_000)).toMillis());
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("event_type", "Checkout Completed");
    event.put("user_id", user);
    event.put("event_properties", Map.of("amount_cents", cents));
    String id = analytics.emit(event);
    return Map.of("id", id);
  }

  /** What the demo receiver has ingested (only when {@link ShopApplication#main} started one). */
  @GetMapping("/receiver")
  ResponseEntity<Map<String, Object>> receiver() {
    AmplitudeReceiver receiver = DemoReceiver.get();
    if (receiver == null) return ResponseEntity.notFound().build();
    return ResponseEntity.ok(Map.of("endpoint", receiver.endpoint().toString(), "events", receiver.events().size(),
        "duplicatesSuppressed", receiver.duplicatesSuppressed(), "stats", analytics.stats().toString()));
  }
}
