package dev.analytics.spring;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Explains an {@link AnalyticsPropertyException} at start-up: the property and the reason, not the value. */
final class AnalyticsPropertyFailureAnalyzer extends AbstractFailureAnalyzer<AnalyticsPropertyException> {
  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, AnalyticsPropertyException cause) {
    return new FailureAnalysis(
        "Invalid configuration property '" + cause.property() + "' (its value is not shown: it may hold a"
            + " credential):\n\n    " + cause.reason(),
        "Fix '" + cause.property() + "' in the application's configuration.",
        cause);
  }
}
