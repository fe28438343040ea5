package dev.analytics.http.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.analytics.internal.incident.Incident;
import dev.analytics.internal.json.StoredObjectNode;
import dev.analytics.spi.Outcome;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Amplitude HTTP V2's rules, all of them: a partial 400 rejects exactly the events it names and resends
 * the rest; an invalid API key or a missing field is a configuration fault; a 429 rejects events over
 * a daily quota, holds throttled ones for 30 s and resends the rest (so it is not retried blindly
 * in-request); a 429 without detail is a project limit (60 s). As an {@link EventShaper} it fills a
 * missing {@code insert_id} from the record id, so Amplitude deduplicates resends.
 */
final class AmplitudePolicy implements ResponsePolicy, EventShaper {
  // The values HttpSink.AMPLITUDE_*_DELAY document for users (this package does not import the API's).
  static final Duration THROTTLE_DELAY = Duration.ofSeconds(30);
  static final Duration PROJECT_THROTTLE_DELAY = Duration.ofSeconds(60);
  private static final ObjectMapper MAPPER = Planner.MAPPER;
  private static final byte[] INSERT_ID_KEY = "\"insert_id\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] UNICODE_ESCAPE = "\\u".getBytes(StandardCharsets.US_ASCII);

  private final Faults faults;
  private final Duration faultRetryDelay;
  private final Clock clock;
  /**
   * Amplitude holding back records (a 429, or a 400 that names none of the request's events): one line
   * when it starts, a summary a minute while it lasts, one when requests are accepted again; never a
   * line per request, which a throttled busy sink would make many times a second.
   */
  private final Incident holding;

  AmplitudePolicy(String name, Faults faults, Duration faultRetryDelay, Clock clock) {
    this.faults = faults;
    this.faultRetryDelay = faultRetryDelay;
    this.clock = clock;
    this.holding = new Incident(Delivery.LOG, Level.INFO, name + ": Amplitude is holding back records",
        "they are kept and resent after the delay it asks for", clock, Incident.SUMMARY_EVERY);
  }

  @Override
  public boolean allowsRetryInRequest(HttpResponse<String> response) {
    // Amplitude's 429 names the throttled events: resending all of them blindly would not help.
    return response.statusCode() != 429;
  }

  @Override
  public CompletableFuture<Void> decide(Answer answer, Chain next) {
    if (answer.status() == 400) return on400(answer);
    if (answer.status() == 429) return on429(answer);
    if (answer.succeeded()) holding.ended("requests are accepted again");
    return next.proceed(answer);
  }

  private CompletableFuture<Void> on400(Answer answer) {
    JsonNode body = parse(answer.response.body());
    String error = body.path("error").asText("");
    JsonNode missing = body.get("missing_field");
    if ((missing != null && !missing.isNull()) || error.toLowerCase(Locale.ROOT).startsWith("invalid api key")) {
      return EndpointFaultPolicy.hold(answer, "Amplitude rejected the request: " + answer.excerpt()
          + " (check api_key and the transform that builds the body)", faults, faultRetryDelay);
    }
    Request request = answer.request;
    String[][] reasons = new String[request.eventOwner == null ? 0 : request.eventOwner.length][];
    boolean any = false;
    any |= collect(body.get("events_with_invalid_fields"), "invalid field ", reasons);
    any |= collect(body.get("events_with_missing_fields"), "missing field ", reasons);
    any |= collect(body.get("events_with_invalid_id_lengths"), "invalid id length ", reasons);
    JsonNode silenced = body.get("silenced_events");
    if (silenced != null && silenced.isArray()) {
      for (JsonNode i : silenced) any |= mark(reasons, i.asInt(-1), "silenced device");
    }
    Set<Integer> throttled = indexes(body.get("throttled_events"));
    if (!any && throttled.isEmpty()) {
      return answer.reject(answer.parts(), "HTTP 400 from Amplitude: " + answer.excerpt());
    }
    List<Part> rest = new ArrayList<>();
    Duration hold = holdDelay(answer.response);
    for (int k = 0; k < request.parts.size(); k++) {
      Part p = request.parts.get(k);
      String why = reasonsOf(request, k, reasons);
      if (why != null) {
        answer.settle(p, Outcome.rejected(answer.redact("HTTP 400 from Amplitude: " + why)));
      } else if (ownsAny(request, k, throttled)) {
        answer.settle(p, Outcome.retryAfter(hold));
      } else {
        rest.add(p);
      }
    }
    if (rest.size() == request.parts.size()) {
      // Indexes that match no event of this request (the silenced-device variant, a stale index):
      // resending the same request at once would get the same answer.
      holding.occurred("HTTP 400 naming no event of the request; " + rest.size() + " records held for "
          + hold.toSeconds() + " s");
      return answer.settle(rest, Outcome.retryAfter(hold));
    }
    return answer.resend(rest);
  }

  private CompletableFuture<Void> on429(Answer answer) {
    JsonNode body = parse(answer.response.body());
    Set<Integer> throttled = indexes(body.get("throttled_events"));
    Set<String> quotaUsers = keys(body.get("exceeded_daily_quota_users"));
    Set<String> quotaDevices = keys(body.get("exceeded_daily_quota_devices"));
    Set<String> throttledUsers = keys(body.get("throttled_users"));
    Set<String> throttledDevices = keys(body.get("throttled_devices"));
    Duration retryAfter = RetryAfter.of(answer.response, clock).orElse(Duration.ZERO);
    if (throttled.isEmpty() && quotaUsers.isEmpty() && quotaDevices.isEmpty()
        && throttledUsers.isEmpty() && throttledDevices.isEmpty()) {
      return projectLimit(answer, retryAfter);
    }
    Duration hold = holdDelay(answer.response);
    List<Part> rest = new ArrayList<>();
    boolean classified = false;
    int heldParts = 0;
    int index = 0;
    for (Part p : answer.parts()) {
      String quota = null;
      boolean held = false;
      for (JsonNode e : p.events) {
        String user = e.path("user_id").asText(null);
        String device = e.path("device_id").asText(null);
        if ((user != null && quotaUsers.contains(user)) || (device != null && quotaDevices.contains(device))) {
          quota = "HTTP 429 from Amplitude: daily event quota exceeded for "
              + (user != null && quotaUsers.contains(user) ? "user_id " + user : "device_id " + device);
        } else if (throttled.contains(index) || (user != null && throttledUsers.contains(user))
            || (device != null && throttledDevices.contains(device))) {
          held = true;
        }
        index++;
      }
      if (quota != null) {
        answer.settle(p, Outcome.rejected(answer.redact(quota)));
        classified = true;
      } else if (held) {
        answer.settle(p, Outcome.retryAfter(hold));
        classified = true;
        heldParts++;
      } else {
        rest.add(p);
      }
    }
    if (!classified) return projectLimit(answer, retryAfter);
    if (heldParts > 0) {
      holding.occurred("HTTP 429 throttling part of a request; " + heldParts + " records held for "
          + hold.toSeconds() + " s, " + rest.size() + " resent now");
    }
    return answer.resend(rest);
  }

  private CompletableFuture<Void> projectLimit(Answer answer, Duration retryAfter) {
    Duration wait = max(PROJECT_THROTTLE_DELAY, retryAfter);
    holding.occurred("HTTP 429 for the whole project; " + answer.parts().size() + " records held for "
        + wait.toSeconds() + " s");
    return answer.settleAll(Outcome.retryAfter(wait));
  }

  private Duration holdDelay(HttpResponse<?> response) {
    return max(THROTTLE_DELAY, RetryAfter.of(response, clock).orElse(Duration.ZERO));
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  /** Marks the event indexes of a {@code {field: [indexes]}} map with {@code prefix + field}. */
  private static boolean collect(JsonNode map, String prefix, String[][] reasons) {
    if (map == null || !map.isObject()) return false;
    boolean any = false;
    for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isArray()) continue;
      for (JsonNode i : e.getValue()) any |= mark(reasons, i.asInt(-1), prefix + e.getKey());
    }
    return any;
  }

  private static boolean mark(String[][] reasons, int index, String reason) {
    if (index < 0 || index >= reasons.length) return false;
    String[] old = reasons[index];
    String[] now = old == null ? new String[1] : Arrays.copyOf(old, old.length + 1);
    now[now.length - 1] = reason;
    reasons[index] = now;
    return true;
  }

  private static String reasonsOf(Request request, int part, String[][] reasons) {
    StringBuilder why = null;
    int start = request.firstEventOf(part);
    int n = request.parts.get(part).events.size();
    for (int i = start; i < start + n && i < reasons.length; i++) {
      if (reasons[i] == null) continue;
      if (why == null) why = new StringBuilder();
      else why.append("; ");
      why.append("event ").append(i - start).append(": ").append(String.join(", ", reasons[i]));
    }
    return why == null ? null : why.toString();
  }

  private static boolean ownsAny(Request request, int part, Set<Integer> indexes) {
    if (indexes.isEmpty()) return false;
    int start = request.firstEventOf(part);
    for (int i = start; i < start + request.parts.get(part).events.size(); i++) {
      if (indexes.contains(i)) return true;
    }
    return false;
  }

  private static Set<Integer> indexes(JsonNode array) {
    Set<Integer> set = new HashSet<>();
    if (array != null && array.isArray()) array.forEach(i -> set.add(i.asInt(-1)));
    return set;
  }

  private static Set<String> keys(JsonNode map) {
    Set<String> set = new HashSet<>();
    if (map != null && map.isObject()) map.fieldNames().forEachRemaining(set::add);
    return set;
  }

  private static JsonNode parse(String body) {
    try {
      JsonNode node = MAPPER.readTree(body == null ? "" : body);
      return node == null ? MAPPER.createObjectNode() : node;
    } catch (IOException e) {
      return MAPPER.createObjectNode();
    }
  }

  // ---- insert_id: one event per record is the usual case, it gets the record id itself; several
  // events get id-<n>, still stable across resends.

  @Override
  public byte[] writeElement(JsonNode e, String recordId, int i, int n, Planner.Writer writer) throws IOException {
    if (e instanceof StoredObjectNode && !((StoredObjectNode) e).isParsed()
        && !((StoredObjectNode) e).storedBytesContain(INSERT_ID_KEY)
        && !((StoredObjectNode) e).storedBytesContain(UNICODE_ESCAPE)) {
      // The event as the log stored it, unparsed, with no "insert_id" anywhere in it (nor an escape that
      // could spell one), so none at its top: appended to the stored bytes as they are.
      return writer.writeStoredWithField((StoredObjectNode) e, "insert_id", insertId(recordId, i, n));
    }
    if (!needsInsertId(e)) return writer.write(e);
    if (e.has("insert_id")) { // present but null: replace it in a shallow copy
      ObjectNode copy = MAPPER.createObjectNode();
      copy.setAll((ObjectNode) e);
      copy.put("insert_id", insertId(recordId, i, n));
      return writer.write(copy);
    }
    // Appended while writing: no copy of the event's tree (a copy per event was once the sink's
    // largest cost) nor of its bytes. Only for objects without the key, so no duplicate arises.
    return writer.writeWithField((ObjectNode) e, "insert_id", insertId(recordId, i, n));
  }

  @Override
  public JsonNode shapeWhole(JsonNode value, String recordId) {
    JsonNode events = value.isObject() ? value.get("events") : null;
    if (!(events instanceof ArrayNode)) return value;
    boolean missing = false;
    for (JsonNode e : events) missing |= needsInsertId(e);
    if (!missing) return value;
    // Shallow copies along the changed path only: the record's own nodes are never mutated.
    ObjectNode copy = MAPPER.createObjectNode();
    copy.setAll((ObjectNode) value);
    ArrayNode array = copy.putArray("events");
    for (int i = 0; i < events.size(); i++) {
      JsonNode e = events.get(i);
      if (needsInsertId(e)) {
        ObjectNode filled = MAPPER.createObjectNode();
        filled.setAll((ObjectNode) e);
        filled.put("insert_id", insertId(recordId, i, events.size()));
        array.add(filled);
      } else {
        array.add(e);
      }
    }
    return copy;
  }

  private static boolean needsInsertId(JsonNode e) {
    return e.isObject() && (e.get("insert_id") == null || e.get("insert_id").isNull());
  }

  private static String insertId(String recordId, int i, int n) {
    return n == 1 ? recordId : recordId + "-" + i;
  }
}
