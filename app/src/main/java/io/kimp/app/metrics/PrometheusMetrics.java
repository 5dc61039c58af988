package io.kimp.app.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;

/**
 * The node's one metrics registry, rendered as Prometheus text for {@code GET /metrics}. Every component gets
 * {@link #registry()} and registers its own meters; the JVM's memory, GC, threads, class loading, CPU and uptime are bound
 * here. Create one per node at start-up and close it at shutdown (the GC binder holds JMX listeners).
 */
public final class PrometheusMetrics implements AutoCloseable {

  /** Prometheus text exposition format 0.0.4, what every Prometheus scrapes by default. */
  public static final String TEXT_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  public static final String OPENMETRICS_CONTENT_TYPE = "application/openmetrics-text; version=1.0.0; charset=utf-8";

  private final PrometheusMeterRegistry registry;
  private final JvmGcMetrics gc;

  private PrometheusMetrics(PrometheusMeterRegistry registry, JvmGcMetrics gc) {
    this.registry = registry;
    this.gc = gc;
  }

  /** @param commonTags tags on every series, e.g. {@code node=127.0.0.1:25520} so that nodes can be told apart */
  public static PrometheusMetrics create(List<Tag> commonTags) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().commonTags(commonTags);
    new JvmMemoryMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    return new PrometheusMetrics(registry, gc);
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** A rendered scrape and the content type to answer it with. */
  public record Scrape(String contentType, String body) {}

  /**
   * Renders every meter in the format the scraper asked for: OpenMetrics when its {@code Accept} header names
   * {@code application/openmetrics-text}, otherwise Prometheus text 0.0.4.
   */
  public Scrape scrape(String acceptHeader) {
    String type =
        acceptHeader != null && acceptHeader.contains("application/openmetrics-text")
            ? OPENMETRICS_CONTENT_TYPE
            : TEXT_CONTENT_TYPE;
    return new Scrape(type, registry.scrape(type));
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
