package io.kimp.app.http;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.kimp.app.config.KimpSettings;
import io.kimp.app.dashboard.BacktestsPage;
import io.kimp.app.dashboard.Dashboard;
import io.kimp.app.metrics.OperationsMetrics;
import io.kimp.app.node.KimpNode;
import io.kimp.app.node.PortInUseException;
import io.kimp.app.node.StartupPorts;
import io.kimp.core.settings.RuntimeSettings;
import io.kimp.persistence.JournalReader;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.List;
import java.util.function.Supplier;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.settings.ServerSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's admin HTTP server: the {@link AdminRoutes} bound to {@code kimp.admin.host}:{@code kimp.admin.port}, and
 * the sampling of the operations gauges that {@code /metrics} serves. Unbinds at the node's coordinated shutdown (or by
 * {@link #stop()}).
 */
public final class AdminServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
  /** {@code OPTIONS} and {@code CONNECT}: the longest methods Pekko HTTP knows; the API defines no others. */
  private static final int MAX_METHOD_LENGTH = 7;

  private final ServerBinding binding;
  private final OperationsMetrics sampler;

  private AdminServer(ServerBinding binding, OperationsMetrics sampler) {
    this.binding = binding;
    this.sampler = sampler;
  }

  /**
   * Starts the admin API and the console of {@code node} with {@code settings}; fails (naming the address) if the port
   * cannot be bound.
   */
  public static AdminServer start(KimpNode node, KimpSettings.Admin settings, BacktestsPage backtests) {
    return start(node, settings, backtests, List::of);
  }

  /**
   * Starts the admin API and the operator's console of {@code node}, whose market-data connections {@code connections}
   * lists (for the console's system page).
   */
  public static AdminServer start(
      KimpNode node, KimpSettings.Admin admin, BacktestsPage backtests,
      Supplier<List<io.kimp.feeds.source.ConnectionHealth>> connections) {
    AdminSettings settings = admin.api();
    AdminToken token = AdminToken.resolve(settings);
    ActorSystem<?> system = node.system();
    ServerSettings serverSettings = serverSettings(admin, system.settings().config());
    Executor jdbc =
        system.dispatchers().lookup(DispatcherSelector.fromConfig("pekko.projection.jdbc.blocking-jdbc-dispatcher"));
    OperatorRoutes api =
        new OperatorRoutes(
            node.operator(), new JournalReader(system, node.readSide()), RuntimeSettings.get(system),
            system.address().toString(), jdbc, settings.maxBodyBytes(),
            new ClusterView(system, settings.clusterStatsTimeout()));
    AdminRoutes routes =
        new AdminRoutes(system, node.operator(), node.metrics(), token, settings.maxBodyBytes(), jdbc, api);
    OperationsMetrics sampler =
        OperationsMetrics.start(system, node.operator(), node.metrics().registry(), settings.metricsRefreshInterval());
    ServerBinding binding;
    try {
      binding =
          Http.get(system).newServerAt(settings.host(), settings.port()).withSettings(serverSettings)
              .bind(routes.route(List.of(
                  Dashboard.create(node, admin, backtests, token, routes::v1, jdbc, connections).route())))
              .toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      sampler.close();
      if (StartupPorts.isBindFailure(e)) {
        throw new PortInUseException("the admin API", settings.host(), settings.port(), StartupPorts.ADMIN_KEY, e);
      }
      throw new IllegalStateException(
          "cannot bind the admin API to " + settings.host() + ":" + settings.port() + " (kimp.admin.host/port): "
              + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()), e);
    }
    AdminServer server = new AdminServer(binding, sampler);
    CoordinatedShutdown.get(system)
        .addTask(CoordinatedShutdown.PhaseServiceUnbind(), "admin-api-unbind",
            () -> server.stop().thenApply(d -> Done.getInstance()));
    log.info("admin API on http://{}:{} (/health, /ready, /metrics, /api/v1 with the bearer token)",
        binding.localAddress().getHostString(), binding.localAddress().getPort());
    log.info("dashboard on http://{}:{}/ui/ (sign in with the admin token: {})",
        binding.localAddress().getHostString(), binding.localAddress().getPort(),
        settings.token().isEmpty() ? settings.tokenFile().toAbsolutePath().toString()
            : "kimp.admin.token / KIMP_ADMIN_TOKEN");
    return server;
  }

  /**
   * Pekko HTTP's server settings for the admin API only (other servers of the node keep theirs): a request Pekko cannot
   * parse is answered with the API's JSON error ({@link JsonParsingErrors}); a method name longer than the longest
   * HTTP method (7, {@code OPTIONS}) is refused at once instead of waiting for more bytes of a garbage line; a connection
   * silent for {@code kimp.admin.idle-timeout} is closed, and a request unanswered after
   * {@code kimp.admin.request-timeout} gets a 503 (which must come first, or the client would see a reset).
   */
  static ServerSettings serverSettings(KimpSettings.Admin settings, Config pekko) {
    Duration idle = settings.idleTimeout();
    Duration request = settings.requestTimeout();
    Config admin =
        ConfigFactory.parseMap(Map.of(
                "pekko.http.server.parsing.error-handler", JsonParsingErrors.class.getName(),
                "pekko.http.server.parsing.max-method-length", MAX_METHOD_LENGTH,
                "pekko.http.server.idle-timeout", idle.toMillis() + "ms",
                "pekko.http.server.request-timeout", request.toMillis() + "ms"))
            .withFallback(pekko);
    return ServerSettings.create(admin);
  }

  public ServerBinding binding() {
    return binding;
  }

  public InetSocketAddress address() {
    return binding.localAddress();
  }

  public int port() {
    return binding.localAddress().getPort();
  }

  /** Stops sampling and unbinds (requests in flight finish). Idempotent. */
  public CompletionStage<Done> stop() {
    sampler.close();
    return binding.unbind().exceptionally(t -> Done.getInstance());
  }

  @Override
  public void close() {
    try {
      stop().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("admin API did not unbind within 10 s: {}", e.toString());
    }
  }
}
