package io.kimp.app.node;

import com.typesafe.config.Config;
import com.zaxxer.hikari.HikariDataSource;
import io.kimp.app.metrics.MeteredGateway;
import io.kimp.app.metrics.PrometheusMetrics;
import io.kimp.app.metrics.TelegramMetrics;
import io.kimp.app.operator.OperatorActions.ComponentHealth;
import io.kimp.app.operator.OperatorService;
import io.kimp.app.telegram.TelegramNotifier;
import io.kimp.core.alert.AlertSink;
import io.kimp.app.config.KimpSettings;
import io.micrometer.core.instrument.Tag;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import io.kimp.app.preflight.Preflight;
import io.kimp.core.market.Venue;
import io.kimp.gateway.LiveSettings;
import io.kimp.gateway.upbit.UpbitGateway;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import io.kimp.core.cycle.ArbitrageCycle;
import io.kimp.core.cycle.CycleDirectory;
import io.kimp.core.cycle.CycleRules;
import io.kimp.core.dlq.DeadLetterQueue;
import io.kimp.core.portfolio.Portfolio;
import io.kimp.app.state.StateGuard;
import io.kimp.persistence.CycleProjection;
import org.flywaydb.core.api.FlywayException;
import io.kimp.persistence.DatabaseSettings;
import io.kimp.persistence.Migrations;
import io.kimp.persistence.ReadSideDataSource;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.SingletonActor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One kimp node: an actor system in the kimp cluster with the schema migrated, the cycle entities registered with
 * sharding, the portfolio and the dead-letter queue as cluster singletons, and the read-side projection running.
 * Cycles that were open when the cluster stopped restart by themselves (remember-entities, event-sourced store) and
 * resume from their journals. It joins its cluster as {@link ClusterFormation} says (alone, seed nodes or Cluster
 * Bootstrap); what runs where is in docs/CLUSTER.md.
 */
public final class KimpNode implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KimpNode.class);

  private final ActorSystem<Void> system;
  private final HikariDataSource readSide;
  private final DatabaseSettings database;
  private final ActorRef<Portfolio.Command> portfolio;
  private final ActorRef<DeadLetterQueue.Command> deadLetters;
  private final CycleDirectory cycles;
  private final NodeComponents components;
  private final PrometheusMetrics metrics;
  private final OperatorService operator;
  private final AlertSink alerts;

  private KimpNode(
      ActorSystem<Void> system,
      HikariDataSource readSide,
      DatabaseSettings database,
      ActorRef<Portfolio.Command> portfolio,
      ActorRef<DeadLetterQueue.Command> deadLetters,
      CycleDirectory cycles,
      NodeComponents components,
      PrometheusMetrics metrics,
      OperatorService operator,
      AlertSink alerts) {
    this.system = system;
    this.readSide = readSide;
    this.database = database;
    this.portfolio = portfolio;
    this.deadLetters = deadLetters;
    this.cycles = cycles;
    this.components = components;
    this.metrics = metrics;
    this.operator = operator;
    this.alerts = alerts;
  }

  /** Where this node's alerts go (the cluster's notifier, or the sink the node was given). */
  public AlertSink alerts() {
    return alerts;
  }

  public PrometheusMetrics metrics() {
    return metrics;
  }

  public OperatorService operator() {
    return operator;
  }

  /** Starts a node with {@code config} (as loaded by {@code KimpConfig}) trading through {@code components}. */
  public static KimpNode start(Config config, NodeComponents components) {
    return start(config, system -> components);
  }

  /**
   * Starts a node whose components need its actor system (HTTP clients of live gateways, market-data streams).
   */
  public static KimpNode start(Config config, java.util.function.Function<ActorSystem<?>, NodeComponents> wiring) {
    return start(config, wiring, false);
  }

  /**
   * Starts a node; with {@code paperLedger} (its venues are the paper venues) the start-up checks also hold the journal
   * against the paper ledger. Damaged or inconsistent state is refused before anything runs ({@link StateGuard}).
   */
  public static KimpNode start(
      Config config, java.util.function.Function<ActorSystem<?>, NodeComponents> wiring, boolean paperLedger) {
    return start(config, KimpSettings.from(config), wiring, paperLedger);
  }

  /**
   * Starts a node with {@code settings} read from {@code config} ({@link io.kimp.app.config.KimpConfig#loaded}); the
   * actor system is created with {@code config} (Pekko's own settings), every part of kimp gets its typed settings.
   */
  public static KimpNode start(
      Config config, KimpSettings settings, java.util.function.Function<ActorSystem<?>, NodeComponents> wiring,
      boolean paperLedger) {
    StartupPorts.requireClusterPortFree(config);
    DatabaseSettings db = settings.storage().database();
    StateGuard guard = StateGuard.of(settings.storage());
    guard.beforeMigration();
    if (settings.storage().migrateOnStart()) {
      try {
        Migrations.migrate(db);
      } catch (FlywayException e) {
        throw guard.refuse("the schema of " + db.safeUrl() + " does not match kimp's migrations ("
            + e.getMessage().lines().findFirst().orElse("") + ")");
      }
    }
    guard.afterMigration(paperLedger);
    ActorSystem<Void> system;
    try {
      system = ActorSystem.create(Behaviors.empty(), settings.node().systemName(), config);
    } catch (RuntimeException e) {
      if (StartupPorts.isBindFailure(e)) {
        throw new PortInUseException("the cluster transport", config.getString("pekko.remote.artery.canonical.hostname"),
            config.getInt(StartupPorts.CLUSTER_KEY), StartupPorts.CLUSTER_KEY, e);
      }
      throw e;
    }
    HttpPools.shutDownBeforeTermination(system);
    HikariDataSource readSide = ReadSideDataSource.create(db, "kimp-read-side");
    guard.keepHighWaterMark(system, readSide, settings.storage().highWaterMarkInterval());
    CoordinatedShutdown.get(system)
        .addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "close-read-side", () -> {
          readSide.close();
          return CompletableFuture.completedFuture(Done.getInstance());
        });
    PrometheusMetrics metrics =
        PrometheusMetrics.create(List.of(Tag.of("node", Cluster.get(system).selfMember().address().toString())));
    CoordinatedShutdown.get(system)
        .addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "close-metrics", () -> {
          metrics.close();
          return CompletableFuture.completedFuture(Done.getInstance());
        });
    system.classicSystem().registerExtension(NodeProbes.ID).journal(readSide);
    NodeComponents components;
    try {
      components = wiring.apply(system);
      settings.node().cluster().start(system);
      GoneMemberDowning.start(system, settings.node().downing());
      Duration askTimeout = settings.node().askTimeout();
      ClusterSingleton singletons = ClusterSingleton.get(system);
      AtomicReference<ActorRef<Portfolio.Command>> portfolioRef = new AtomicReference<>();
      AtomicReference<ActorRef<DeadLetterQueue.Command>> deadLettersRef = new AtomicReference<>();
      List<Supplier<ComponentHealth>> probes = new ArrayList<>();
      probes.add(() -> NodeHealth.journal(readSide));
      probes.add(() -> NodeHealth.cluster(system));
      if (components.feedsHealth() != null) {
        probes.add(components.feedsHealth());
      }
      OperatorService operator =
          new OperatorService(
              system, portfolioRef::get, deadLettersRef::get, readSide, db.vendor(), components.market(), probes,
              new OperatorService.Settings(settings.portfolio(), settings.cycle().costs(),
                  settings.market().feeds().staleAfter(), settings.node().dlqAskTimeout()));
      AlertSink alerts = components.alerts();
      if (alerts == null) {
        ActorRef<TelegramNotifier.Command> notifier =
            TelegramNotifier.initSingleton(
                system, TelegramNotifier.create(settings.telegram(), settings.alerts(), operator,
                    new TelegramMetrics(metrics.registry()), components.clock()));
        alerts = TelegramNotifier.alertSink(notifier);
      }
      CycleDirectory cycles = ArbitrageCycle.directory(system, askTimeout);
      ActorRef<Portfolio.Command> portfolio =
          singletons.init(
              SingletonActor.of(
                  Portfolio.create(settings.portfolio(), alerts, components.clock(), cycles), "portfolio"));
      portfolioRef.set(portfolio);
      ActorRef<DeadLetterQueue.Command> deadLetters =
          singletons.init(
              SingletonActor.of(DeadLetterQueue.create(cycles, alerts, components.clock()), "dead-letters"));
      deadLettersRef.set(deadLetters);
      ArbitrageCycle.init(
          system,
          new ArbitrageCycle.Dependencies(
              new CycleRules(settings.cycle()),
              MeteredGateway.wrap(components.venues(), metrics.registry()),
              components.market(),
              portfolio,
              deadLetters,
              alerts,
              components.clock(),
              askTimeout,
              settings.node().passivateAfterIdle(),
              settings.node().projectionTags()));
      CycleProjection.init(system, readSide);
      startPreflight(system, config, settings, components, portfolio, operator, metrics, askTimeout, alerts);
      log.info("node {} started on {}", Cluster.get(system).selfMember().address(), db.safeUrl());
      return new KimpNode(system, readSide, db, portfolio, deadLetters, cycles, components, metrics, operator, alerts);
    } catch (RuntimeException e) {
      system.terminate();
      throw e;
    }
  }

  /**
   * Live mode: the node's share of the keys' rate limits follows the cluster ({@link ClusterKeyLimits}), and the
   * pre-flight of the node's gateways runs before the node trades (waiting at most
   * {@code kimp.exchanges.preflight.timeout}), then every {@code kimp.exchanges.preflight.interval} and before every
   * resume; a rejected key pauses the Portfolio singleton (cluster-wide) by {@link Portfolio#KEY_CHECK}.
   */
  private static void startPreflight(ActorSystem<Void> system, Config config, KimpSettings settings,
      NodeComponents components,
      ActorRef<Portfolio.Command> portfolio, OperatorService operator, PrometheusMetrics metrics, Duration askTimeout,
      AlertSink alerts) {
    if (settings.gateways().live().isEmpty()) {
      return;
    }
    Consumer<String> stopTrading = reason ->
        AskPattern.<Portfolio.Command, Portfolio.Snapshot>ask(
                portfolio, r -> new Portfolio.Pause(Portfolio.KEY_CHECK, reason, r), askTimeout, system.scheduler())
            .whenComplete((s, t) -> {
              if (t != null) {
                log.error("could not stop trading for a rejected API key (the portfolio did not answer): {}", t.toString());
              }
            });
    if (components.venues().of(Venue.UPBIT) instanceof UpbitGateway u) {
      // before the first pre-flight, so that nodes starting together share the keys' limits from the start
      ClusterKeyLimits.start(system, u.limits(), metrics.registry(), ClusterKeyLimits.expectedMembers(config));
    }
    LiveSettings.PreflightSettings s = settings.gateways().live().get().preflight();
    // the coins the node watches (kimp.feeds.symbols, when a list), else those of kimp.transfer.coins
    List<String> watched = settings.market().feeds().symbols();
    Set<String> coins = new TreeSet<>(watched.isEmpty() ? settings.cycle().transfers().coins() : watched);
    var coinSettings = new Preflight.CoinSettings(coins, settings.cycle().transfers(), s.minFreeUsdt(), s.minFreeKrw());
    Preflight.forLive(components.venues(), coinSettings, stopTrading, alerts, components.clock(), metrics.registry())
        .ifPresent(p -> {
          operator.attachPreflight(p);
          p.start(system, s.interval(), s.timeout(), s.uncheckedRetry());
        });
  }

  /**
   * A connection pool for the paper ledger ({@code io.kimp.gateway.paper.PaperLedger}), on the node's database (its
   * tables come with the migrations), closed when {@code system} terminates.
   */
  public static javax.sql.DataSource paperLedgerDatabase(ActorSystem<?> system, DatabaseSettings database) {
    HikariDataSource pool = ReadSideDataSource.create(database, "kimp-paper-ledger");
    CoordinatedShutdown.get(system)
        .addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "close-paper-ledger", () -> {
          pool.close();
          return CompletableFuture.completedFuture(Done.getInstance());
        });
    return pool;
  }

  public ActorSystem<Void> system() {
    return system;
  }

  public HikariDataSource readSide() {
    return readSide;
  }

  public DatabaseSettings database() {
    return database;
  }

  public ActorRef<Portfolio.Command> portfolio() {
    return portfolio;
  }

  public ActorRef<DeadLetterQueue.Command> deadLetters() {
    return deadLetters;
  }

  public CycleDirectory cycles() {
    return cycles;
  }

  public NodeComponents components() {
    return components;
  }

  /** Leaves the cluster gracefully (shards hand off) and stops. */
  @Override
  public void close() {
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("node did not terminate within 60 s: {}", e.toString());
    }
  }
}
