package io.kimp.app.metrics;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.optionalHeaderValueByName;
import static org.apache.pekko.http.javadsl.server.Directives.path;

import java.nio.charset.StandardCharsets;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.Route;

/** {@code GET /metrics}: Prometheus text (or OpenMetrics, by {@code Accept}), unauthenticated like {@code /health}. */
public final class MetricsRoute {
  private MetricsRoute() {}

  public static Route route(PrometheusMetrics metrics) {
    return path(
        "metrics",
        () ->
            get(
                () ->
                    optionalHeaderValueByName(
                        "Accept",
                        accept -> {
                          PrometheusMetrics.Scrape s = metrics.scrape(accept.orElse(null));
                          return complete(
                              HttpResponse.create()
                                  .withEntity(HttpEntities.create(
                                      ContentTypes.parse(s.contentType()),
                                      s.body().getBytes(StandardCharsets.UTF_8))));
                        })));
  }
}
