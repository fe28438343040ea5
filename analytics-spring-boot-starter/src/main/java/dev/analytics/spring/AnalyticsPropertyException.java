package dev.analytics.spring;

/**
 * A rejected {@code analytics.*} setting whose value may hold a credential (a header, a Jolt spec): it names
 * the property as the user wrote it and never carries the value. Spring Boot's analyzer for
 * {@code InvalidConfigurationPropertyValueException} would print the value from the property source;
 * {@link AnalyticsPropertyFailureAnalyzer} prints the property and the reason only.
 */
final class AnalyticsPropertyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String property;
  private final String reason;

  AnalyticsPropertyException(String property, String reason) {
    super("invalid " + property + ": " + reason);
    this.property = property;
    this.reason = reason;
  }

  String property() {
    return property;
  }

  String reason() {
    return reason;
  }
}
