package dev.analytics.spring;

import dev.analytics.spi.SecretProvider;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.core.env.Environment;

/**
 * Secret values from Spring's {@link Environment}: {@code analytics.secrets.NAME} first (so
 * {@code application.yml} can map a name to a placeholder, a profile or an external store), then
 * {@code NAME} itself (an environment variable, a system property, any property source).
 */
final class EnvironmentSecrets implements SecretProvider {
  static final String PREFIX = "analytics.secrets.";

  /** The reference syntax of connector files, as {@link dev.analytics.spi.Secrets} renders it. */
  private static final Pattern REFERENCE = Pattern.compile("\\$\\{\\{\\s*secrets\\.([^}\\s]*)\\s*}}");

  private final Environment environment;

  EnvironmentSecrets(Environment environment) {
    this.environment = environment;
  }

  @Override
  public Optional<String> get(String name) {
    String mapped = environment.getProperty(PREFIX + name);
    if (mapped != null) return Optional.of(mapped);
    return Optional.ofNullable(environment.getProperty(name));
  }

  /** The secret names referenced in {@code text}, in order of appearance. */
  static Set<String> referencedIn(String text) {
    Set<String> names = new LinkedHashSet<>();
    if (text == null) return names;
    Matcher m = REFERENCE.matcher(text);
    while (m.find()) names.add(m.group(1));
    return names;
  }

  @Override
  public String toString() {
    return "secrets from the Spring Environment";
  }
}
