package io.kimp.app.operator;

import io.kimp.app.preflight.Preflight;
import io.kimp.core.cycle.CycleStatus;
import io.kimp.core.cycle.Leg;
import io.kimp.core.cycle.Step;
import io.kimp.core.dlq.DeadLetterQueue;
import io.kimp.core.market.CoinQuote;
import io.kimp.core.market.Direction;
import io.kimp.core.market.MarketView;
import io.kimp.core.portfolio.Portfolio;
import io.kimp.core.strategy.PremiumMath;
import io.kimp.persistence.readmodel.CycleQueries;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * The operators' actions over the real engine: the portfolio and dead-letter-queue singletons, the read tables, the
 * market view and the node's health probes. Channels (Telegram, the admin HTTP API, the CLI through the API) call this.
 * Read-table queries run on the blocking JDBC dispatcher, never on the caller's thread.
 */
public final class OperatorService implements OperatorActions {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(OperatorService.class);

  private final ActorSystem<?> system;
  private final Supplier<ActorRef<Portfolio.Command>> portfolio;
  private final Supplier<ActorRef<DeadLetterQueue.Command>> deadLetters;
  private final DataSource readSide;
  private final CycleQueries cycles;
  private final MarketView market;
  private final List<Supplier<ComponentHealth>> probes;
  private final ZoneId tradingDay;
  private final Duration timeout;
  private final Executor jdbc;
  private final io.kimp.persistence.DatabaseSettings.Vendor vendor;
  private final PremiumBoard board;
  private volatile Preflight preflight;
  private volatile org.apache.pekko.actor.typed.ActorRef<io.kimp.app.hedge.HedgeWatch.Command> hedgeWatch;

  /**
   * What the operators' view needs of the configuration.
   *
   * @param portfolio capital, risk limits and the trading day's zone ({@code kimp.portfolio.*}, {@code kimp.risk.*})
   * @param costs the venues' fees, for the premium board's net edge
   * @param staleAfter a quote older than this is shown as stale ({@code kimp.feeds.stale-after})
   * @param askTimeout how long the singletons may take to answer ({@code kimp.dlq.ask-timeout})
   */
  public record Settings(
      io.kimp.core.portfolio.PortfolioSettings portfolio, io.kimp.core.strategy.TradingCosts costs,
      Duration staleAfter, Duration askTimeout) {}

  /**
   * @param portfolio and {@code deadLetters} are suppliers: the singletons are started after the alert sink that needs
   *     this service exists
   */
  public OperatorService(
      ActorSystem<?> system,
      Supplier<ActorRef<Portfolio.Command>> portfolio,
      Supplier<ActorRef<DeadLetterQueue.Command>> deadLetters,
      DataSource readSide,
      io.kimp.persistence.DatabaseSettings.Vendor vendor,
      MarketView market,
      List<Supplier<ComponentHealth>> probes,
      Settings settings) {
    this.system = system;
    this.portfolio = portfolio;
    this.deadLetters = deadLetters;
    this.readSide = readSide;
    this.cycles = new CycleQueries(readSide);
    this.vendor = vendor;
    this.market = market;
    this.probes = List.copyOf(probes);
    this.tradingDay = settings.portfolio().tradingDayZone();
    this.timeout = settings.askTimeout();
    this.board = new PremiumBoard(market, settings.costs(), settings.staleAfter().toMillis(), settings.portfolio());
    this.jdbc = system.dispatchers().lookup(
        org.apache.pekko.actor.typed.DispatcherSelector.fromConfig("pekko.projection.jdbc.blocking-jdbc-dispatcher"));
  }

  /** Every watched coin's prices, premium and net edge (the dashboard's board). */
  public PremiumBoard board() {
    return board;
  }

  /** Why no new cycle opens now, if none can ({@link TradingIdle}). */
  public CompletionStage<TradingIdle> whyIdle() {
    double minSpread =
        io.kimp.core.settings.RuntimeSettings.get(system).minSpreadPercent().doubleValue();
    return portfolio().thenCombine(deadLetters(true), (s, dlq) -> {
      board.resize(s.settings());
      return TradingIdle.of(s, dlq, board, minSpread, System.currentTimeMillis());
    });
  }

  // ---- health

  /** Every probe's answer (a probe that throws is DOWN). */
  public List<ComponentHealth> components() {
    List<ComponentHealth> out = new ArrayList<>();
    for (Supplier<ComponentHealth> p : probes) {
      try {
        out.add(p.get());
      } catch (RuntimeException e) {
        out.add(new ComponentHealth("unknown", Health.DOWN, e.toString()));
      }
    }
    return out;
  }

  /** DOWN if any component is DOWN, DEGRADED if any is, else UP. */
  public static Health overall(List<ComponentHealth> components) {
    Health h = Health.UP;
    for (ComponentHealth c : components) {
      if (c.health() == Health.DOWN) {
        return Health.DOWN;
      }
      if (c.health() == Health.DEGRADED) {
        h = Health.DEGRADED;
      }
    }
    return h;
  }

  @Override
  public CompletionStage<EngineStatus> status() {
    CompletionStage<Portfolio.Snapshot> snap = portfolio();
    CompletionStage<int[]> counts = query(() -> new int[] {cycles.openCycles()});
    CompletionStage<List<DeadLetterQueue.Entry>> dlq = deadLetters(true);
    return snap.thenCombine(counts, (s, n) -> new Object[] {s, n})
        .thenCombine(dlq, (sn, d) -> {
          Portfolio.Snapshot s = (Portfolio.Snapshot) sn[0];
          int[] n = (int[]) sn[1];
          List<ComponentHealth> components = components();
          return new EngineStatus(Instant.now(), overall(components), trading(s), s.equityKrw(), s.reservedKrw(),
              s.freeKrw(), s.todayRealizedPnlKrw(), n[0], d.size(), components);
        });
  }

  @Override
  public CompletionStage<List<PremiumRow>> premiums() {
    List<PremiumRow> rows = new ArrayList<>();
    for (CoinQuote q : market.freshQuotes().values()) {
      BigDecimal upbit = q.upbitBid().add(q.upbitAsk()).divide(BigDecimal.valueOf(2));
      BigDecimal binance = q.binanceBid().add(q.binanceAsk()).divide(BigDecimal.valueOf(2));
      rows.add(new PremiumRow(q.coin(), PremiumMath.premiumPercent(q), upbit, binance, q.usdtKrw(), q.observedAt()));
    }
    rows.sort(Comparator.comparingDouble(PremiumRow::premiumPercent).reversed());
    return CompletableFuture.completedFuture(rows);
  }

  @Override
  public CompletionStage<List<CycleRow>> cycles(CycleQuery q) {
    CycleQueries.Filter f = new CycleQueries.Filter(q.status(), q.symbol(), q.openOnly(), q.offset(), q.limit());
    return query(() -> cycles.cycles(f).stream()
        .map(r -> new CycleRow(
            r.id(), r.symbol(), Direction.valueOf(r.direction()), CycleStatus.valueOf(r.status()),
            r.rebalanceSymbol() == null ? Leg.INITIAL : Leg.REBALANCE,
            r.lastSide() == null ? null : Step.valueOf(r.lastSide()), r.retryCount(), r.initialInvestmentKrw(),
            r.totalNetProfitKrw(), r.startTime(), r.lockedAt(), r.hedged()))
        .toList());
  }

  /** The cycle's read-table row, if the projection has it. */
  public CompletionStage<java.util.Optional<CycleQueries.CycleRecord>> cycle(UUID cycleId) {
    return query(() -> cycles.cycle(cycleId));
  }

  /** The cycle's step attempts, oldest first. */
  public CompletionStage<List<CycleQueries.TradeRecord>> trades(UUID cycleId) {
    return query(() -> cycles.trades(cycleId));
  }

  /**
   * Cycles per status in the read tables, and the step attempts that were retries (attempt number above 1): the
   * operations metrics sample these.
   */
  public CompletionStage<CycleQueries.CycleCounts> cycleCounts() {
    return query(cycles::counts);
  }

  @Override
  public CompletionStage<List<DeadLetterQueue.Entry>> deadLetters(boolean openOnly) {
    return AskPattern.<DeadLetterQueue.Command, DeadLetterQueue.Entries>ask(
            deadLetters.get(), r -> new DeadLetterQueue.ListEntries(openOnly, r), timeout, system.scheduler())
        .thenApply(DeadLetterQueue.Entries::entries);
  }

  @Override
  public CompletionStage<DeadLetterQueue.Outcome> recover(UUID cycleId, String by) {
    return AskPattern.ask(deadLetters.get(), r -> new DeadLetterQueue.Recover(cycleId, by, r), timeout.multipliedBy(2),
        system.scheduler());
  }

  /** Close a dead-lettered cycle (capital written off if anything moved). */
  public CompletionStage<DeadLetterQueue.Outcome> discard(UUID cycleId, String reason, String by) {
    return AskPattern.ask(deadLetters.get(), r -> new DeadLetterQueue.Discard(cycleId, reason, by, r),
        timeout.multipliedBy(2), system.scheduler());
  }

  public CompletionStage<java.util.Optional<DeadLetterQueue.Entry>> deadLetter(UUID cycleId) {
    return AskPattern.ask(deadLetters.get(), r -> new DeadLetterQueue.Get(cycleId, r), timeout, system.scheduler());
  }

  @Override
  public CompletionStage<TradingSwitch> pause(String by, String reason) {
    return AskPattern.<Portfolio.Command, Portfolio.Snapshot>ask(
            portfolio.get(), r -> new Portfolio.Pause(by, reason, r), timeout, system.scheduler())
        .thenApply(OperatorService::trading);
  }

  /**
   * Resumes trading cluster-wide; in live mode the pre-flight runs first and a key still rejected refuses the resume
   * ({@link Preflight.ResumeRefused}).
   */
  @Override
  public CompletionStage<TradingSwitch> resume(String by) {
    Preflight p = preflight;
    CompletionStage<?> checked = p == null ? CompletableFuture.completedFuture(null) : p.beforeResume();
    return checked.thenCompose(x -> AskPattern.<Portfolio.Command, Portfolio.Snapshot>ask(
            portfolio.get(), r -> new Portfolio.Resume(by, r), timeout, system.scheduler()))
        .thenApply(OperatorService::trading);
  }

  /** Live mode: the node's pre-flight, run before every resume and shown by {@code GET /api/v1/preflight}. */
  public void attachPreflight(Preflight p) {
    this.preflight = p;
  }

  /** The node's pre-flight (empty in paper mode). */
  public java.util.Optional<Preflight> preflight() {
    return java.util.Optional.ofNullable(preflight);
  }

  /** The transfer hedge's position watch (a cluster singleton's proxy), when the hedge is on. */
  public void attachHedgeWatch(org.apache.pekko.actor.typed.ActorRef<io.kimp.app.hedge.HedgeWatch.Command> watch) {
    this.hedgeWatch = watch;
  }

  /** The hedge watch's last check; empty when the hedge is off on this node. */
  public java.util.Optional<CompletionStage<io.kimp.app.hedge.HedgeWatch.Snapshot>> hedge() {
    var w = hedgeWatch;
    return w == null
        ? java.util.Optional.empty()
        : java.util.Optional.of(AskPattern.ask(w, io.kimp.app.hedge.HedgeWatch.Get::new, timeout, system.scheduler()));
  }

  public CompletionStage<Portfolio.Snapshot> portfolio() {
    return AskPattern.ask(portfolio.get(), Portfolio.GetSnapshot::new, timeout, system.scheduler());
  }

  /**
   * Replaces the cluster's runtime settings with {@code s}, unless {@link SettingsRules} finds a problem: then the stage
   * fails with {@link SettingsRules.Refused} and nothing changes. {@code changed} names the fields the operator set
   * (a problem is attributed to one of them).
   */
  public CompletionStage<Portfolio.Snapshot> updateSettings(
      io.kimp.core.portfolio.PortfolioSettings s, java.util.Set<String> changed, String by) {
    try {
      SettingsRules.require(s, changed);
    } catch (SettingsRules.Refused e) {
      return CompletableFuture.failedFuture(e);
    }
    return AskPattern.ask(portfolio.get(), r -> new Portfolio.UpdateSettings(s, by, r), timeout, system.scheduler());
  }

  @Override
  public CompletionStage<DailySummary> dailySummary(LocalDate day) {
    OffsetDateTime from = day.atStartOfDay(tradingDay).toOffsetDateTime();
    OffsetDateTime to = day.plusDays(1).atStartOfDay(tradingDay).toOffsetDateTime();
    CompletionStage<CycleQueries.DayNumbers> numbers = query(() -> cycles.day(from, to));
    return numbers.thenCombine(portfolio(), (n, s) -> new Object[] {n, s})
        .thenCombine(deadLetters(true), (ns, d) -> {
          CycleQueries.DayNumbers n = (CycleQueries.DayNumbers) ns[0];
          Portfolio.Snapshot s = (Portfolio.Snapshot) ns[1];
          return new DailySummary(day, n.started(), n.completed(), n.deadLettered(), n.netProfitKrw(),
              s.equityKrw(), n.openNow(), d.size(), s.paused());
        });
  }

  /** Where a backup was written. */
  public record Backup(String file, long bytes) {}

  /**
   * An online backup of the embedded H2 database (journal, snapshots, read tables) into {@code to}, a new zip file on the
   * node's host (checked by {@link BackupTarget#of}): the node holds the H2 file open, so only it can copy it consistently
   * ({@code BACKUP TO}). The file is created owner-only (0600) before H2 writes into it, and never replaces another.
   * PostgreSQL is backed up with pg_dump instead; asking for it is an {@link UnsupportedOperationException}. A database
   * error fails the stage with {@link BackupTarget.Failed}, whose message does not quote the database's.
   */
  public CompletionStage<Backup> backup(BackupTarget to) {
    if (vendor != io.kimp.persistence.DatabaseSettings.Vendor.H2) {
      return CompletableFuture.failedFuture(new UnsupportedOperationException(
          "the journal is in PostgreSQL: back it up with pg_dump (docs/OPERATIONS.md, Backups)"));
    }
    return CompletableFuture.supplyAsync(() -> new Backup(to.path().toString(), to.write(readSide)), jdbc);
  }

  // ---- helpers

  private static TradingSwitch trading(Portfolio.Snapshot s) {
    return new TradingSwitch(s.paused(), s.pausedBy(), s.pauseReason());
  }

  private interface SqlWork<T> {
    T run() throws SQLException;
  }

  private <T> CompletionStage<T> query(SqlWork<T> work) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return work.run();
      } catch (SQLException e) {
        log.debug("read-table query failed", e);
        throw new IllegalStateException("read tables: " + SqlErrors.describe(e), e);
      }
    }, jdbc);
  }

  static Instant instant(Timestamp t) {
    return t == null ? null : t.toInstant();
  }
}
