package io.kimp.app.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.kimp.app.http.AdminSettings;
import io.kimp.app.node.ClusterFormation;
import io.kimp.app.node.GoneMemberDowning;
import io.kimp.app.telegram.AlertSettings;
import io.kimp.app.telegram.TelegramSettings;
import io.kimp.app.watch.FeedAlarms;
import io.kimp.core.config.CoreSettings;
import io.kimp.core.cycle.CycleSettings;
import io.kimp.core.market.OpportunityDetector;
import io.kimp.core.market.Plausibility;
import io.kimp.core.portfolio.PortfolioSettings;
import io.kimp.feeds.FeedSettings;
import io.kimp.gateway.GatewaySettings;
import io.kimp.gateway.TradingMode;
import io.kimp.persistence.DatabaseSettings;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The whole {@code kimp.*} tree, read and validated once at start-up ({@link #from}); each part of the node is handed
 * only the record it needs. Pekko's own settings stay in the {@link Config} the actor system is created with.
 *
 * <p>Two readers still take the raw configuration, each for a reason: the console's backtests (each run reads {@code kimp.backtest.*} for the coin it replays) and the projection's restart back-off,
 * which {@code persistence} reads from the actor system's configuration (validated here).
 *
 * @param node the node's identity, how it joins its cluster and how its cycles are reached
 * @param storage the database and the files of the node's state
 * @param cycle the cycle state machine's knobs
 * @param portfolio capital, sizing, risk limits and strategy thresholds
 * @param market market data, the plausibility guard, the opportunity detector and the feed alarms
 * @param admin the admin API and the console
 * @param telegram the Telegram bot
 * @param alerts which alerts are sent, and how often
 * @param gateways the trading mode's venues: paper, or live with their keys, rate limits and pre-flight
 */
public record KimpSettings(
    Node node,
    Storage storage,
    CycleSettings cycle,
    PortfolioSettings portfolio,
    Market market,
    Admin admin,
    TelegramSettings telegram,
    AlertSettings alerts,
    GatewaySettings gateways,
    HedgeWatchSettings hedgeWatch) {

  /**
   * The cluster-wide check of the transfer hedge ({@code HedgeWatch}), when {@code kimp.hedge.enabled}.
   *
   * @param interval {@code kimp.hedge.watch-interval}: how often the futures account's positions are compared with the
   *     shorts the cycles' journals hold open
   * @param closeOrphans {@code kimp.hedge.close-orphans}: a short no cycle accounts for (seen in two checks in a row) is
   *     closed with a reduce-only buy; off: only alerted
   */
  public record HedgeWatchSettings(Duration interval, boolean closeOrphans) {}

  /**
   * @param systemName the actor system's (and so the cluster's) name, {@code kimp.node.system-name}
   * @param tradingMode paper or live, {@code kimp.trading.mode}
   * @param cluster how the node joins its cluster
   * @param downing when an unreachable member whose process is gone is downed
   * @param askTimeout {@code kimp.execution.ask-timeout}: how long a cycle entity or the portfolio may take to answer
   * @param dlqAskTimeout {@code kimp.dlq.ask-timeout}: how long the dead-letter queue may take to answer an operator
   * @param passivateAfterIdle {@code kimp.cycle.passivate-after-idle}
   * @param projectionTags {@code kimp.cycle.projection-tags}: tag slices of the read-side projection
   */
  public record Node(
      String systemName,
      TradingMode tradingMode,
      ClusterFormation cluster,
      GoneMemberDowning.Settings downing,
      Duration askTimeout,
      Duration dlqAskTimeout,
      Duration passivateAfterIdle,
      int projectionTags) {}

  /**
   * @param database the journal's and read side's database
   * @param migrateOnStart {@code kimp.db.migrate-on-start}
   * @param highWaterMarkInterval how often the journal's high-water mark is written
   * @param dataDir {@code kimp.data-dir}, absolute
   * @param paperLedgerFile {@code kimp.paper.ledger-file} (a kimp 0.1 ledger to import), absolute
   */
  public record Storage(
      DatabaseSettings database,
      boolean migrateOnStart,
      Duration highWaterMarkInterval,
      Path dataDir,
      Path paperLedgerFile) {}

  /**
   * @param feeds the market-data connections and coins
   * @param plausibility which market values are believed
   * @param detector the opportunity detector's cooldown and trading rule
   * @param alarms when a silent or stale feed raises an alert
   * @param watchdogInterval {@code kimp.alerts.feeds.check-interval}
   */
  public record Market(
      FeedSettings feeds,
      Plausibility.Settings plausibility,
      OpportunityDetector.Settings detector,
      FeedAlarms.Settings alarms,
      Duration watchdogInterval) {}

  /**
   * @param api host, port, token and limits of the admin API
   * @param idleTimeout {@code kimp.admin.idle-timeout}: a silent connection is closed
   * @param requestTimeout {@code kimp.admin.request-timeout}: an unanswered request gets a 503 (below idleTimeout)
   * @param sessionTtl {@code kimp.admin.session-ttl}: how long a console sign-in lasts
   * @param idleCheckInterval {@code kimp.alerts.idle-check-interval}: how often "why no cycle opens" is checked
   */
  public record Admin(
      AdminSettings api, Duration idleTimeout, Duration requestTimeout, Duration sessionTtl,
      Duration idleCheckInterval) {}

  /**
   * Reads and validates every {@code kimp.*} setting the node uses; a bad one is a {@link ConfigException} naming its key.
   */
  public static KimpSettings from(Config c) {
    return from(c, DatabaseSettings.fromConfig(c));
  }

  /** {@link #from(Config)} with the database settings already read from {@code c}. */
  static KimpSettings from(Config c, DatabaseSettings database) {
    GatewaySettings gateways = GatewaySettings.from(c);
    TradingMode mode = gateways.mode();
    // read by persistence from the actor system's configuration
    CoreSettings.positive(c, "kimp.projection.restart-backoff.min");
    CoreSettings.positive(c, "kimp.projection.restart-backoff.max");
    // read by the portfolio singleton from the actor system's configuration
    CoreSettings.positive(c, "kimp.settings.republish-interval");
    CoreSettings.positive(c, "kimp.reservation-audit.interval");
    CoreSettings.positive(c, "kimp.reservation-audit.after");

    Node node = new Node(
        c.getString("kimp.node.system-name"),
        mode,
        ClusterFormation.fromConfig(c),
        GoneMemberDowning.Settings.fromConfig(c),
        CoreSettings.positive(c, "kimp.execution.ask-timeout"),
        CoreSettings.positive(c, "kimp.dlq.ask-timeout"),
        CoreSettings.positive(c, "kimp.cycle.passivate-after-idle"),
        CoreSettings.atLeast(c, "kimp.cycle.projection-tags", 1));
    Storage storage = new Storage(
        database,
        c.getBoolean("kimp.db.migrate-on-start"),
        CoreSettings.positive(c, "kimp.db.high-water-mark-interval"),
        Path.of(c.getString("kimp.data-dir")).toAbsolutePath().normalize(),
        Path.of(c.getString("kimp.paper.ledger-file")).toAbsolutePath().normalize());
    CycleSettings cycle = CoreSettings.cycle(c);
    PortfolioSettings portfolio = CoreSettings.portfolio(c);
    FeedSettings feeds = FeedSettings.from(c);
    Market market = new Market(
        feeds,
        FeedSettings.plausibility(c),
        feeds.detector(portfolio, cycle.costs(), FeedSettings.hedgeCosts(c, cycle.hedge())),
        FeedAlarms.Settings.fromConfig(c),
        CoreSettings.positive(c, "kimp.alerts.feeds.check-interval"));
    Duration idle = CoreSettings.positive(c, "kimp.admin.idle-timeout");
    Duration request = CoreSettings.positive(c, "kimp.admin.request-timeout");
    if (request.compareTo(idle) >= 0) {
      throw new ConfigException.BadValue(
          "kimp.admin.request-timeout", "must be shorter than kimp.admin.idle-timeout (" + idle.toSeconds() + " s)");
    }
    Admin admin = new Admin(
        AdminSettings.fromConfig(c), idle, request,
        CoreSettings.positive(c, "kimp.admin.session-ttl"),
        CoreSettings.positive(c, "kimp.alerts.idle-check-interval"));
    return new KimpSettings(
        node,
        storage,
        cycle,
        portfolio,
        market,
        admin,
        TelegramSettings.fromConfig(c),
        AlertSettings.fromConfig(c),
        gateways,
        new HedgeWatchSettings(
            CoreSettings.positive(c, "kimp.hedge.watch-interval"), c.getBoolean("kimp.hedge.close-orphans")));
  }
}
