package io.kimp.app.node;

import com.typesafe.config.Config;
import io.kimp.app.operator.OperatorActions.ComponentHealth;
import io.kimp.app.operator.OperatorActions.Health;
import io.kimp.app.config.KimpSettings;
import io.kimp.app.dashboard.BacktestsPage;
import io.kimp.app.http.AdminServer;
import io.kimp.app.watch.FeedAlarms;
import io.kimp.app.watch.FeedWatchdog;
import io.kimp.core.alert.Alert;
import io.kimp.core.alert.AlertKind;
import io.kimp.app.metrics.FeedMetrics;
import io.kimp.app.metrics.MeteredCycleDirectory;
import io.kimp.core.cycle.CycleDirectory;
import io.kimp.core.cycle.CycleInput;
import io.kimp.core.market.OpportunityDetector;
import io.kimp.core.portfolio.PortfolioCapacity;
import io.kimp.core.settings.RuntimeSettings;
import io.kimp.core.market.MarketState;
import io.kimp.core.market.OpportunitySink;
import io.kimp.core.venue.Venues;
import io.kimp.feeds.FeedHealth;
import io.kimp.feeds.FeedSettings;
import io.kimp.feeds.MarketFeeds;
import io.kimp.simulator.ExchangeSimulator;
import io.kimp.simulator.SimulatorConfig;
import io.kimp.gateway.GatewaySettings;
import io.kimp.app.hedge.HedgeWatch;
import io.kimp.core.venue.PerpetualGateway;
import io.kimp.persistence.readmodel.HedgeQueries;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.SingletonActor;
import io.kimp.gateway.Gateways;
import java.util.function.Supplier;
import javax.sql.DataSource;
import io.kimp.gateway.TradingMode;
import io.kimp.feeds.source.ConnectionHealth;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A whole trading node as {@code kimp run} starts it: the node (journal, sharded cycles, singletons, projection,
 * notifier), the market data feeding a {@link MarketState}, the gateways of {@code kimp.trading.mode} (paper fills against
 * that state), and opportunities delivered to the symbols' cycle entities. With {@code simulate}, the exchange simulator
 * runs in-process and the feeds connect to it instead of the venues.
 *
 * <p>In a cluster every node runs its own market data: the cycles it hosts fill (paper) and choose rebalance coins
 * against its local books. Every node offers its opportunities to the symbol's sharded entity, wherever that runs; the
 * entity, the symbol's single writer, refuses a start while it has one pending or open, so an opportunity seen by three
 * nodes opens at most one cycle (docs/CLUSTER.md).
 */
public final class TradingNode implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TradingNode.class);

  private final KimpNode node;
  private final MarketFeeds feeds;
  private final ExchangeSimulator simulator;
  private final AdminServer admin;

  private TradingNode(KimpNode node, MarketFeeds feeds, ExchangeSimulator simulator, AdminServer admin) {
    this.node = node;
    this.feeds = feeds;
    this.simulator = simulator;
    this.admin = admin;
  }

  /** Starts a node with {@code config} as {@code KimpConfig} loads it (its settings are read here). */
  public static TradingNode start(Config config, boolean simulate) {
    return start(config, KimpSettings.from(config), simulate);
  }

  /**
   * Starts a node: the actor system with {@code config} (Pekko's settings), every part of kimp with its record of
   * {@code settings} (as {@code KimpConfig.loaded} read them from {@code config}).
   */
  public static TradingNode start(Config config, KimpSettings settings, boolean simulate) {
    StartupPorts.requireAdminPortFree(settings.admin().api());
    AtomicReference<MarketFeeds> feedsRef = new AtomicReference<>();
    AtomicReference<ExchangeSimulator> simRef = new AtomicReference<>();
    AtomicReference<FeedSettings> settingsRef = new AtomicReference<>();
    AtomicReference<MarketState> stateRef = new AtomicReference<>();
    KimpNode node =
        KimpNode.start(config, settings, system -> {
          FeedSettings fs = settings.market().feeds();
          if (simulate) {
            ExchangeSimulator sim = awaitStart(ExchangeSimulator.start(system, SimulatedTls.configure(config,
                SimulatorConfig.defaults().withCoins(fs.autoSymbols() ? SimulatorConfig.DEFAULT_COINS : fs.symbols())),
                SimulatedLiveVenues.accounts(settings.gateways())));
            SimulatedTls.trust(system, sim); // --tls: the feeds and gateways trust the simulator's certificate
            simRef.set(sim);
            fs = fs.withEndpoints(sim.upbitWebSocketUrl(), sim.upbitRestUrl(), sim.binanceWebSocketUrl(),
                sim.binanceRestUrl(), fs.usdKrwConfigured() ? sim.usdKrwUrl() : null)
                .withFuturesEndpoints(sim.binanceFuturesWebSocketUrl(), sim.binanceFuturesRestUrl());
            log.info("exchange simulator: Upbit {} / Binance {}", sim.upbitWebSocketUrl(), sim.binanceWebSocketUrl());
          }
          fs = awaitStart(MarketFeeds.resolveSymbols(system, fs));
          settingsRef.set(fs);
          MarketState market = MarketState.live(fs.staleAfter(), settings.market().plausibility());
          stateRef.set(market);
          // in live mode with --simulate the live gateways trade at the simulator (kimp run --simulate --live-gateways)
          GatewaySettings gateways = SimulatedLiveVenues.pointAt(settings.gateways(), simRef.get());
          Supplier<DataSource> ledger = () -> KimpNode.paperLedgerDatabase(system, settings.storage().database());
          // with kimp.hedge.enabled the venues carry the transfer hedge's perpetual venue: paper fills against the
          // futures feed's quotes (market is the PerpView) on the spot ledger; live, the Binance key's futures API on
          // the same cluster-wide rate-limit budget as its spot API
          Venues venues = Gateways.create(gateways, system, market, market, ledger);
          return new NodeComponents(venues, market, null, Clock.systemUTC(), () -> feedsHealth(feedsRef.get()));
        }, settings.node().tradingMode() == TradingMode.PAPER);
    ActorSystem<Void> system = node.system();
    try {
      // starts are counted as accepted / refused (by reason) on their way to the symbols' entities
      CycleDirectory cycles = new MeteredCycleDirectory(node.cycles(), node.metrics().registry());
      // live mode: no new cycle on a coin the pre-flight excludes (suspended wallet, unregistered address, low balance)
      var preflight = node.operator().preflight();
      OpportunitySink toCycles = o -> {
        if (preflight.isEmpty() || preflight.get().admits(o.symbol())) {
          cycles.ask(o.symbol(), new CycleInput.Start(o));
        }
      };
      FeedSettings fs = settingsRef.get();
      String mode = settings.node().tradingMode().name().toLowerCase(java.util.Locale.ROOT);
      RuntimeSettings runtime = RuntimeSettings.get(system);
      OpportunityDetector.Settings detector =
          settings.market().detector().withMinSpreadFrom(() -> runtime.minSpreadPercent().doubleValue())
              // no start is offered while the portfolio would refuse it (every slot held, no capital, paused)
              .withStartGate(PortfolioCapacity.get(system));
      MarketFeeds feeds =
          MarketFeeds.start(system, fs, detector, stateRef.get(), toCycles, MarketFeeds.Options.none());
      feedsRef.set(feeds);
      FeedMetrics.bind(node.metrics().registry(), feeds);
      system.systemActorOf(
          FeedWatchdog.create(feeds, stateRef.get(), new FeedAlarms(settings.market().alarms()),
              node.alerts(), Clock.systemUTC(), settings.market().watchdogInterval()),
          "feed-watchdog", org.apache.pekko.actor.typed.Props.empty());
      node.components().venues().perpetual().ifPresent(perp -> startHedgeWatch(node, settings, perp, fs.symbols()));
      AdminServer admin = AdminServer.start(node, settings.admin(), BacktestsPage.fromConfig(config),
          () -> feeds.health().connections());
      String address = node.system().address().toString();
      node.alerts().publish(nodeAlert(AlertKind.NODE_STARTED, Alert.Severity.INFO, address,
          "kimp node started (" + mode + (simulate ? ", simulated venues" : "") + ")",
          fs.symbols().size()));
      CoordinatedShutdown.get(system)
          .addTask(CoordinatedShutdown.PhaseBeforeServiceUnbind(), "alert-node-stopping", () -> {
            node.alerts().publish(nodeAlert(AlertKind.NODE_STOPPING, Alert.Severity.WARNING, address,
                "kimp node stopping; its cycles move to the other nodes (or resume at its next start)",
                fs.symbols().size()));
            return java.util.concurrent.CompletableFuture.completedFuture(Done.getInstance());
          });
      log.info("watching {} coins on Upbit and Binance; trading mode {}", fs.symbols().size(),
          mode.toUpperCase(java.util.Locale.ROOT));
      TradingNode trading = new TradingNode(node, feeds, simRef.get(), admin);
      CoordinatedShutdown.get(system)
          .addTask(CoordinatedShutdown.PhaseServiceUnbind(), "stop-market-data", () ->
              feeds.stop().handle((d, e) -> {
                if (simRef.get() != null) {
                  simRef.get().close();
                }
                return Done.getInstance();
              }));
      return trading;
    } catch (RuntimeException e) {
      node.close();
      if (simRef.get() != null) {
        simRef.get().close();
      }
      throw e;
    }
  }

  private static Alert nodeAlert(AlertKind kind, Alert.Severity severity, String node, String title, int coins) {
    return new Alert(kind, severity, node, title, java.util.Map.of("node", node, "coins watched",
        Integer.toString(coins)), java.time.Instant.now());
  }

  private static <T> T awaitStart(java.util.concurrent.CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("start-up failed: " + e.getMessage(), e);
    }
  }

  /** DOWN before the feeds run or with no connection up; DEGRADED while any connection is down or silent. */
  static ComponentHealth feedsHealth(MarketFeeds feeds) {
    if (feeds == null) {
      return new ComponentHealth("feeds", Health.DOWN, "not started");
    }
    FeedHealth h = feeds.health();
    long up = h.connections().stream().filter(ConnectionHealth::connected).count();
    String detail = up + "/" + h.connections().size() + " connections up, " + h.offered() + " opportunities offered, "
        + h.suppressedStale() + " suppressed as stale";
    if (up == 0) {
      return new ComponentHealth("feeds", Health.DOWN, detail);
    }
    return new ComponentHealth("feeds", h.healthy() ? Health.UP : Health.DEGRADED, detail);
  }

  public KimpNode node() {
    return node;
  }

  /** The admin API and the operator's console. */
  public AdminServer admin() {
    return admin;
  }

  public MarketFeeds feeds() {
    return feeds;
  }

  /** The in-process simulator, or null when trading against the venues. */
  public ExchangeSimulator simulator() {
    return simulator;
  }

  /** Blocks until the node's actor system terminates (Ctrl-C runs the coordinated shutdown). */
  public void awaitTermination() throws InterruptedException {
    try {
      node.system().getWhenTerminated().toCompletableFuture().get();
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
  }

  @Override
  public void close() {
    node.close();
  }

  /** The transfer hedge's cluster-wide position check, as a singleton; the operator's API asks it through its proxy. */
  private static void startHedgeWatch(
      KimpNode node, KimpSettings settings, PerpetualGateway perp, java.util.List<String> coins) {
    ActorSystem<Void> system = node.system();
    var blocking =
        system.dispatchers().lookup(DispatcherSelector.fromConfig("pekko.projection.jdbc.blocking-jdbc-dispatcher"));
    HedgeWatch.Dependencies deps = new HedgeWatch.Dependencies(perp, new HedgeQueries(node.readSide()), blocking,
        coins, node.alerts(), Clock.systemUTC(), settings.hedgeWatch().interval(), settings.hedgeWatch().closeOrphans());
    ActorRef<HedgeWatch.Command> watch =
        ClusterSingleton.get(system).init(SingletonActor.of(HedgeWatch.create(deps), "hedge-watch"));
    node.operator().attachHedgeWatch(watch);
    log.info("hedge on: the futures positions of {} coins are checked against the cycles' journals every {}",
        coins.size(), settings.hedgeWatch().interval());
  }

}
