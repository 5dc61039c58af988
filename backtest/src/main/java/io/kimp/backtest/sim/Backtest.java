package io.kimp.backtest.sim;

import io.kimp.backtest.BacktestSettings;
import io.kimp.backtest.market.MarketMoment;
import io.kimp.backtest.market.MarketSource;
import io.kimp.backtest.market.ReplayMarket;
import io.kimp.core.cycle.Cycle;
import io.kimp.core.cycle.CycleInput;
import io.kimp.core.cycle.CycleReply;
import io.kimp.core.cycle.CycleRules;
import io.kimp.core.cycle.CycleStatus;
import io.kimp.core.market.PerpView;
import io.kimp.core.market.Venue;
import io.kimp.core.portfolio.Sizing;
import io.kimp.core.strategy.Opportunity;
import io.kimp.core.strategy.OpportunityRule;
import io.kimp.core.strategy.PremiumMath;
import io.kimp.core.venue.FailureClass;
import io.kimp.core.venue.Venues;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * One replay of the live strategy on a {@link MarketSource}. At each input, on the simulated clock: the cycles' timers
 * due by then fire (against the market as it was), the market moves, the simulated operator looks at the coin's
 * dead-lettered cycle, and an opportunity is offered to the coin's cycle: the live detector's offer where the source
 * runs it (a recording), else the live rule's ({@link OpportunityRule#detect}, sized by the live {@link Sizing} rule).
 * Each coin's cycle is the live {@link CycleRules}, driven by its own {@link CycleDriver}, as live runs one entity per
 * symbol; all share one capital ledger and the two paper venues.
 *
 * <p>Each coin's cycle runs one cycle at a time, as live; the data's end leaves open cycles open (reported, not
 * valued).
 */
public final class Backtest {
  private static final int PROGRESS_EVERY = 4096;

  private final BacktestSettings settings;
  private final PerpReplay perp;

  public Backtest(BacktestSettings settings) {
    this(settings, PerpReplay.spotProxy());
  }

  /**
   * A replay whose cycles hedge on a simulated perpetual priced by {@code perp} when the settings switch the hedge on
   * ({@code kimp.hedge.enabled}); without it the perpetual venue is not there, as live.
   */
  public Backtest(BacktestSettings settings, PerpReplay perp) {
    this.settings = settings;
    this.perp = perp;
  }

  /** Appends an equity point for each trade closed since the last call; returns how many trades are booked. */
  private static int bookEquity(CycleTape tape, int booked, List<EquityPoint> equity) {
    BigDecimal running = equity.get(equity.size() - 1).equityKrw();
    List<TradeRecord> trades = tape.trades();
    for (int k = booked; k < trades.size(); k++) {
      running = running.add(trades.get(k).pnlKrw());
      equity.add(new EquityPoint(trades.get(k).endedAt(), running));
    }
    return trades.size();
  }

  public BacktestResult run(MarketSource source, ProgressListener progress) {
    return run(source, progress, DecisionTap.NONE);
  }

  /** A replay whose decisions {@code tap} sees as they are made. */
  public BacktestResult run(MarketSource source, ProgressListener progress, DecisionTap tap) {
    long started = System.nanoTime();
    long firstTime = source.peekTime();
    Instant origin = firstTime == MarketSource.END ? Instant.EPOCH : Instant.ofEpochMilli(firstTime);
    SimClock clock = new SimClock(origin);
    ReplayMarket own = source.market(clock);
    ReplayMarket market = own != null ? own : new SimMarket(settings.symbol(), clock, settings.staleAfter());
    PaperVenue upbit = new PaperVenue(Venue.UPBIT, market, clock, settings.staleAfter(), settings.cycle().costs());
    PaperVenue binance =
        new PaperVenue(Venue.BINANCE, market, clock, settings.staleAfter(), settings.cycle().costs());
    PaperVenue.link(upbit, binance, settings.transferDelay());
    Venues venues = new Venues(upbit, binance);
    CapitalLedger ledger = new CapitalLedger(settings.portfolio());
    SimTimers timers = new SimTimers();
    CycleTape tape = new CycleTape(tap);
    SimPerpVenue futures = null;
    if (settings.cycle().hedge().enabled()) {
      PerpView perps = perp.proxy()
          ? SimPerpMarket.spotProxy(market, clock, perp.funding())
          : SimPerpMarket.candles(settings.symbols().get(0), perp.candles(), settings.books(), clock, perp.funding());
      BigDecimal taker = settings.cycle().hedge().futuresTakerFee();
      futures = new SimPerpVenue(perps, clock, settings.staleAfter(),
          coin -> Optional.of(perp.contract(coin, taker)), perp.funding(), perp.leverage());
      futures.linkSpot(binance);
      futures.onFill(tape::perpFill);
      futures.onFunding(tape::funding);
      venues = venues.withPerpetual(futures);
    }
    long seed = settings.seed();
    long[] counter = {0};
    CycleRules rules = new CycleRules(settings.cycle(), () -> new UUID(seed, ++counter[0]));
    Map<String, CycleDriver> cycles = new TreeMap<>();

    PremiumSeries premium = new PremiumSeries();
    List<EquityPoint> equity = new ArrayList<>();
    equity.add(new EquityPoint(origin, ledger.equityKrw()));
    int tradesSeen = 0;
    long opportunities = 0;
    long refused = 0;
    long recoveries = 0;
    long discards = 0;
    long moments = 0;
    boolean funded = false;
    Instant last = origin;

    for (long t = firstTime; t != MarketSource.END; t = source.peekTime()) {
      Instant now = Instant.ofEpochMilli(t);
      for (SimTimers.Timer due = timers.pollDue(now); due != null; due = timers.pollDue(now)) {
        clock.advanceTo(due.due());
        cycles.get(due.entity()).fire(due);
      }
      clock.advanceTo(now);
      MarketMoment m = source.next();
      if (m == null) {
        continue;
      }
      if (futures != null) {
        futures.settleFunding(); // at the last price before this moment: the candle that closes at it
      }
      market.update(m);
      if (!funded) {
        // the operator funds both venues with twice the capital in each venue's currency, so that any cycle the
        // ledger grants is affordable whatever the rate does: the ledger, not the float, limits the cycles
        BigDecimal funds = settings.portfolio().capitalKrw().multiply(BigDecimal.valueOf(2));
        upbit.fund(Venue.UPBIT.quoteCurrency(), funds);
        binance.fund(Venue.BINANCE.quoteCurrency(),
            funds.divide(BigDecimal.valueOf(m.usdtKrw()), java.math.MathContext.DECIMAL64));
        if (futures != null) {
          // the futures wallet holds twice the capital's worth in USDT, like the spot venues: any short the ledger's
          // cycles need is margined even at leverage 1, so the margin never limits a replay (the ledger does)
          futures.fund(funds.divide(BigDecimal.valueOf(m.usdtKrw()), java.math.MathContext.DECIMAL64));
        }
        funded = true;
      }
      last = now;
      moments++;
      String coin = m.coin();
      premium.add(coin, m.timeMs(), PremiumMath.premiumPercent(m.upbit().mid(), m.binance().mid(), m.usdtKrw()),
          m.upbit().mid(), m.binance().mid(), m.usdtKrw());

      CycleDriver cycle = cycles.get(coin);
      Cycle c = cycle == null ? null : cycle.state().cycle();
      if (settings.operatorRecovers() && c != null && c.status() == CycleStatus.DEAD_LETTER && market.fresh(coin)) {
        if (c.failureClass() == FailureClass.PERMANENT) {
          cycle.send(new CycleInput.Discard(c.cycleId(), "backtest operator: permanent failure: " + c.failureReason()));
          discards++;
        } else {
          cycle.send(new CycleInput.Recover(c.cycleId(), "backtest-operator"));
          recoveries++;
        }
      }

      if (settings.trades(coin)) {
        Opportunity opp = source.offersOpportunities() ? m.offer() : detect(m, ledger, now);
        if (opp != null) {
          opportunities++;
          if (cycle == null) {
            cycle = new CycleDriver(coin, rules, venues, ledger, market, timers, clock, tape);
            cycles.put(coin, cycle);
          }
          CycleReply reply = cycle.send(new CycleInput.Start(opp));
          tap.offered(opp, reply);
          if (reply != null && !reply.accepted()) {
            refused++;
          }
        }
      }
      tradesSeen = bookEquity(tape, tradesSeen, equity);
      if (moments % PROGRESS_EVERY == 0) {
        progress.progress(source.progress(), moments);
      }
    }
    bookEquity(tape, tradesSeen, equity);
    equity.add(new EquityPoint(last, ledger.equityKrw()));
    progress.progress(1.0, moments);

    List<BacktestResult.OpenCycle> open = new ArrayList<>();
    long decisions = 0;
    for (CycleDriver d : cycles.values()) {
      decisions += d.decisions();
      Cycle c = d.state().cycle();
      if (c != null && c.status().isOpen()) {
        open.add(new BacktestResult.OpenCycle(c.cycleId(), c.symbol(), c.status(), c.startedAt(), c.investmentKrw(),
            c.opportunity().premiumPercent()));
      }
    }
    Map<Venue, Map<String, BigDecimal>> balances = new EnumMap<>(Venue.class);
    balances.put(Venue.UPBIT, upbit.balanceSheet());
    balances.put(Venue.BINANCE, binance.balanceSheet());
    return new BacktestResult(
        settings, source.coverage(), premium, equity, tape.trades(), opportunities, refused, recoveries, discards,
        tape.stepFailures(), tape.deadLetterReasons(), tape.alerts(), open, balances, decisions,
        System.nanoTime() - started, futures == null ? null : hedgeRun(futures, tape));
  }

  private HedgeRun hedgeRun(SimPerpVenue futures, CycleTape tape) {
    futures.settleFunding();
    List<String> notes = new ArrayList<>();
    if (perp.proxy()) {
      notes.add("No perpetual price file: the Binance spot book stood in for the perpetual (its bid and ask, its mid as"
          + " the mark price), so the hedge's price result mirrors the spot coin's and no basis risk is modelled.");
    }
    return new HedgeRun(perp.proxy(),
        perp.proxy() ? "spot proxy (Binance spot book)" : perp.candleSource(), perp.fundingSource(), tape.hedges(),
        futures.feesUsdt(), futures.fundingUsdt(), futures.realisedUsdt(), futures.walletUsdt(),
        futures.fundingPayments().size(), tape.hedgeFills(), futures.positions(), notes);
  }

  /** The live rule on a moment, at the size the ledger would grant the coin's cycle now; null when none. */
  private Opportunity detect(MarketMoment m, CapitalLedger ledger, Instant now) {
    Sizing.Result size = ledger.wouldGrant(m.coin());
    if (!size.granted()) {
      return null;
    }
    OpportunityRule.Settings rule = new OpportunityRule.Settings(
        settings.minSpreadPercent(), size.amountKrw().doubleValue(), settings.volumeCapFraction(),
        settings.cycle().costs());
    return OpportunityRule.detect(m.coin(), m.upbit(), m.binance(), m.usdtKrw(), m.upbitVolume24hKrw(),
        m.binanceVolume24hUsdt(), rule, now).orElse(null);
  }
}
