package dev.analytics.benchmarks.transform;

/**
 * A larger shift workload: an envelope whose event has about 40 fields (scalars, a nested context
 * object, a list of items), and a shift that maps literal keys, wildcards with captures and nested
 * paths into an Amplitude-style body. The two dialects need different texts for the same meaning
 * ({@code &1} in jolt-core is {@code &(1)} in Fluvio's dialect, and Fluvio tries patterns in spec order).
 */
final class LargeShift {
  private LargeShift() {}

  static String input() {
    StringBuilder event = new StringBuilder("{\"user_id\":\"user@example.com\",\"device_id\":\"dev-42\",")
        .append("\"event_type\":\"Checkout Completed\",\"time\":1696629748241,\"session_id\":9876645851321,")
        .append("\"insert_id\":\"d768b1b3-5c53-4e3c-9d4c-3c6c2a5b0f11\",\"app_version\":\"c738ca3\",");
    for (int i = 0; i < 20; i++) {
      event.append("\"prop_").append(i).append("\":").append(i % 3 == 0 ? "\"v" + i + "\"" : Integer.toString(i * 7)).append(',');
    }
    for (int i = 0; i < 8; i++) {
      event.append("\"user_").append(i).append("\":\"u").append(i).append("\",");
    }
    event.append("\"context\":{\"os\":\"linux\",\"locale\":\"en-US\",\"ip\":\"10.0.0.1\",\"library\":\"java\"},")
        .append("\"items\":[{\"sku\":\"a\",\"qty\":1,\"price\":9.99},{\"sku\":\"b\",\"qty\":2,\"price\":19.5},")
        .append("{\"sku\":\"c\",\"qty\":3,\"price\":1.25}]}");
    return "{\"id\":\"0190f2a4-7c1e-7b3a-9d4e-5f6a7b8c9d0e\",\"timestamp\":\"2023-09-06T12:02:29.658Z\",\"event\":" + event + "}";
  }

  static String fluvioChain() {
    return "[{\"operation\":\"shift\",\"spec\":{"
        + "\"id\":\"events[0].insert_id\","
        + "\"event\":{"
        + "\"user_id\":\"events[0].user_id\",\"device_id\":\"events[0].device_id\","
        + "\"event_type\":\"events[0].event_type\",\"time\":\"events[0].time\",\"session_id\":\"events[0].session_id\","
        + "\"app_version\":\"events[0].app_version\",\"insert_id\":\"events[0].event_properties.original_insert_id\","
        + "\"context\":{\"os\":\"events[0].os_name\",\"locale\":\"events[0].language\",\"ip\":\"events[0].ip\",\"*\":\"events[0].library.&\"},"
        + "\"items\":{\"*\":{\"sku\":\"events[0].event_properties.skus[]\",\"qty\":\"events[0].event_properties.qty[&(1)]\",\"price\":\"events[0].event_properties.prices.&(1)\"}},"
        + "\"user_*\":\"events[0].user_properties.&(0,1)\","
        + "\"prop_*\":\"events[0].event_properties.&\""
        + "}}},"
        + "{\"operation\":\"default\",\"spec\":{\"api_key\":\"${{ secrets.AMPLITUDE_API_TOKEN }}\"}}]";
  }

  static String joltChain() {
    return "[{\"operation\":\"shift\",\"spec\":{"
        + "\"id\":\"events[0].insert_id\","
        + "\"event\":{"
        + "\"user_id\":\"events[0].user_id\",\"device_id\":\"events[0].device_id\","
        + "\"event_type\":\"events[0].event_type\",\"time\":\"events[0].time\",\"session_id\":\"events[0].session_id\","
        + "\"app_version\":\"events[0].app_version\",\"insert_id\":\"events[0].event_properties.original_insert_id\","
        + "\"context\":{\"os\":\"events[0].os_name\",\"locale\":\"events[0].language\",\"ip\":\"events[0].ip\",\"*\":\"events[0].library.&\"},"
        + "\"items\":{\"*\":{\"sku\":\"events[0].event_properties.skus[]\",\"qty\":\"events[0].event_properties.qty[&1]\",\"price\":\"events[0].event_properties.prices.&1\"}},"
        + "\"user_*\":\"events[0].user_properties.&(0,1)\","
        + "\"prop_*\":\"events[0].event_properties.&\""
        + "}}},"
        + "{\"operation\":\"default\",\"spec\":{\"api_key\":\"${{ secrets.AMPLITUDE_API_TOKEN }}\"}}]";
  }
}
