package io.kimp.app.http;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.completeWithFuture;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.handleExceptions;
import static org.apache.pekko.http.javadsl.server.Directives.handleRejections;
import static org.apache.pekko.http.javadsl.server.Directives.optionalHeaderValueByName;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.withRequestTimeoutResponse;
import static org.apache.pekko.http.javadsl.server.Directives.withSizeLimit;

import io.kimp.app.metrics.MetricsRoute;
import io.kimp.app.metrics.PrometheusMetrics;
import io.kimp.app.operator.OperatorActions.ComponentHealth;
import io.kimp.app.operator.OperatorActions.Health;
import io.kimp.app.operator.OperatorService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.HttpChallenge;
import org.apache.pekko.http.javadsl.model.headers.WWWAuthenticate;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The admin HTTP API's routes: {@code /health}, {@code /ready} and {@code /metrics} open (for probes and scrapers),
 * everything under {@code /api} behind the bearer token (checked before the path, so that an unauthenticated caller
 * learns nothing, not even which paths exist), with a body size limit. Every error is JSON ({@link ApiErrors}).
 */
public final class AdminRoutes {
  /** Who acts, for the audit trail: {@code X-Kimp-Operator: alice} makes actions by {@code api:alice}. */
  static final String OPERATOR_HEADER = "X-Kimp-Operator";
  private static final Pattern OPERATOR_NAME = Pattern.compile("[A-Za-z0-9._@-]{1,64}");
  /** Dependencies whose failure makes the node unfit to serve: without them it can neither trade nor answer. */
  private static final Set<String> READINESS = Set.of("cluster", "journal");

  private final ActorSystem<?> system;
  private final OperatorService operator;
  private final PrometheusMetrics metrics;
  private final AdminToken token;
  private final long maxBody;
  private final Executor jdbc;
  private final OperatorRoutes api;

  public AdminRoutes(
      ActorSystem<?> system, OperatorService operator, PrometheusMetrics metrics, AdminToken token,
      long maxBody, Executor jdbc, OperatorRoutes api) {
    this.system = system;
    this.operator = operator;
    this.metrics = metrics;
    this.token = token;
    this.maxBody = maxBody;
    this.jdbc = jdbc;
    this.api = api;
  }

  public Route route() {
    return route(List.of());
  }

  /** The API with {@code more} routes (the dashboard) inside the same error handling. */
  public Route route(List<Route> more) {
    Route own =
        concat(
            path("health", () -> get(this::health)),
            path("ready", () -> get(this::ready)),
            MetricsRoute.route(metrics),
            pathPrefix("api", () -> authorized(by ->
                withSizeLimit(maxBody, () -> pathPrefix("v1", () -> api.v1(by))))));
    return withRequestTimeoutResponse(ApiErrors::requestTimeout, () ->
        handleExceptions(ApiErrors.exceptions(), () ->
            handleRejections(ApiErrors.rejections(), () -> concat(own, more.toArray(Route[]::new)))));
  }

  /** {@code /v1} of the API for {@code by}, with the body size limit: what the dashboard serves under its session. */
  public Route v1(String by) {
    return withSizeLimit(maxBody, () -> pathPrefix("v1", () -> api.v1(by)));
  }

  private Route authorized(Function<String, Route> inner) {
    return optionalHeaderValueByName("Authorization", header -> {
      Optional<String> bearer =
          header.filter(h -> h.regionMatches(true, 0, "Bearer ", 0, 7)).map(h -> h.substring(7).trim());
      if (bearer.isEmpty() || !token.matches(bearer.get())) {
        return complete(
            ApiJson.error(StatusCodes.UNAUTHORIZED, "unauthorized",
                    header.isEmpty() ? "missing Authorization: Bearer <token>" : "invalid token")
                .addHeader(WWWAuthenticate.create(HttpChallenge.createOAuth2("kimp"))));
      }
      return optionalHeaderValueByName(OPERATOR_HEADER, name -> {
        if (name.isPresent() && !OPERATOR_NAME.matcher(name.get()).matches()) {
          throw ApiError.badRequest(OPERATOR_HEADER + " must be 1 to 64 letters, digits or . _ @ -");
        }
        return inner.apply(name.map(n -> "api:" + n).orElse("api"));
      });
    });
  }

  /** Every dependency's health; 200 unless one is DOWN (503), so that a load balancer can use it too. */
  private Route health() {
    return completeWithFuture(components().thenApply(components -> {
      Health overall = OperatorService.overall(components);
      Map<String, Object> dependencies = new LinkedHashMap<>();
      for (ComponentHealth c : components) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("status", c.health());
        d.put("detail", c.detail());
        dependencies.put(c.name(), d);
      }
      long uptime = system.uptime();
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("status", overall);
      body.put("dependencies", dependencies);
      body.put("uptime", Duration.ofSeconds(uptime).toString());
      body.put("uptimeSeconds", uptime);
      body.put("node", system.address().toString());
      return ApiJson.response(overall == Health.DOWN ? StatusCodes.SERVICE_UNAVAILABLE : StatusCodes.OK, body);
    }));
  }

  /** Ready (200) when this node is an Up cluster member and its journal answers; else 503 with the reasons. */
  private Route ready() {
    return completeWithFuture(components().thenApply(components -> {
      List<String> reasons = new ArrayList<>();
      for (ComponentHealth c : components) {
        if (READINESS.contains(c.name()) && c.health() == Health.DOWN) {
          reasons.add(c.name() + ": " + c.detail());
        }
      }
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("ready", reasons.isEmpty());
      body.put("reasons", reasons);
      return ApiJson.response(reasons.isEmpty() ? StatusCodes.OK : StatusCodes.SERVICE_UNAVAILABLE, body);
    }));
  }

  /** The probes query the database: off the HTTP threads. */
  private CompletableFuture<List<ComponentHealth>> components() {
    return CompletableFuture.supplyAsync(operator::components, jdbc);
  }
}
