package dev.analytics.spring;

import dev.analytics.Analytics;
import dev.analytics.http.RequestListener;
import dev.analytics.spi.Listener;
import dev.analytics.spi.Sink;
import dev.analytics.spi.Transform;
import java.util.stream.Collectors;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Creates one {@link Analytics} bean from {@code analytics.connector-file} or {@code analytics.http.*}
 * (see {@link AnalyticsProperties}), unless the application defines its own. The application's
 * {@link Sink} beans replace the HTTP sink of the properties (each named after its bean; with a connector
 * file they are added beside the file's sink), its {@link Transform} beans replace the configured Jolt
 * steps, in {@code @Order}; its {@link Listener} beans hear everything, its {@link RequestListener} beans
 * every HTTP exchange of the sink built from {@code analytics.http.*}, and its
 * {@link AnalyticsBuilderCustomizer} beans adjust the builder last. Whatever defines the bean, an
 * {@link AnalyticsLifecycle} closes it after the web server has stopped.
 */
@AutoConfiguration
@ConditionalOnProperty(prefix = "analytics", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(AnalyticsProperties.class)
public class AnalyticsAutoConfiguration {

  /** Hears sink faults for the health indicator; part of the starter-built instance's listener. */
  @Bean
  @ConditionalOnMissingBean
  public SinkFaultTracker analyticsSinkFaultTracker() {
    return new SinkFaultTracker();
  }

  @Bean
  @ConditionalOnMissingBean
  public Analytics analytics(
      AnalyticsProperties properties,
      Environment environment,
      ListableBeanFactory beans,
      ObjectProvider<Transform> transforms,
      ObjectProvider<Listener> listeners,
      ObjectProvider<RequestListener> requestListeners,
      ObjectProvider<AnalyticsBuilderCustomizer> customizers) {
    AnalyticsFactory.Beans context = new AnalyticsFactory.Beans(
        beans.getBeansOfType(Sink.class),
        transforms.orderedStream().collect(Collectors.toList()),
        CompositeListener.of(listeners.orderedStream().collect(Collectors.toList())),
        RequestListeners.of(requestListeners.orderedStream().collect(Collectors.toList())),
        customizers.orderedStream().collect(Collectors.toList()));
    return new AnalyticsFactory(properties, new EnvironmentSecrets(environment), context)
        .create();
  }

  @Bean
  @ConditionalOnMissingBean
  AnalyticsLifecycle analyticsLifecycle(ObjectProvider<Analytics> analytics) {
    return new AnalyticsLifecycle(analytics);
  }
}
