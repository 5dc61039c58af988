package io.kimp.backtest.sim;

import io.kimp.backtest.BacktestSettings;
import io.kimp.backtest.market.MarketMoment;
import io.kimp.backtest.market.MarketSource;
import io.kimp.core.cycle.Cycle;
import io.kimp.core.cycle.CycleInput;
import io.kimp.core.cycle.CycleReply;
import io.kimp.core.cycle.CycleRules;
import io.kimp.core.cycle.CycleStatus;
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
import java.util.UUID;

/**
 * One replay of the live strategy on a {@link MarketSource}. At each moment, on the simulated clock: the cycle's timers
 * due before it fire (against the market as it was), the market moves, the simulated operator looks at a dead-lettered
 * cycle, and the live rule ({@link OpportunityRule#detect}, sized by the live {@link Sizing} rule) decides whether to
 * send the cycle a {@code Start}. The cycle itself is the live {@link CycleRules}, driven by {@link CycleDriver}.
 *
 * <p>The symbol's cycle entity runs one cycle at a time, as live; the data's end leaves an open cycle open (reported,
 * not valued).
 */
public final class Backtest {
  private static final int PROGRESS_EVERY = 4096;

  private final BacktestSettings settings;

  public Backtest(BacktestSettings settings) {
    this.settings = settings;
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
    long started = System.nanoTime();
    String symbol = settings.symbol();
    MarketMoment first = source.next();
    Instant origin = first == null ? Instant.EPOCH : Instant.ofEpochMilli(first.timeMs());
    SimClock clock = new SimClock(origin);
    SimMarket market = new SimMarket(symbol, clock, settings.staleAfter());
    PaperVenue upbit = new PaperVenue(Venue.UPBIT, market, clock, settings.staleAfter(), settings.cycle().costs());
    PaperVenue binance =
        new PaperVenue(Venue.BINANCE, market, clock, settings.staleAfter(), settings.cycle().costs());
    PaperVenue.link(upbit, binance, settings.transferDelay());
    CapitalLedger ledger = new CapitalLedger(settings.portfolio());
    if (first != null) {
      // the operator funds both venues with twice the capital in each venue's currency, so that any cycle the ledger
      // grants is affordable whatever the rate does: the ledger, not the float, limits the cycles
      BigDecimal funds = settings.portfolio().capitalKrw().multiply(BigDecimal.valueOf(2));
      upbit.fund(Venue.UPBIT.quoteCurrency(), funds);
      binance.fund(Venue.BINANCE.quoteCurrency(),
          funds.divide(BigDecimal.valueOf(first.usdtKrw()), java.math.MathContext.DECIMAL64));
    }
    SimTimers timers = new SimTimers();
    CycleTape tape = new CycleTape();
    long seed = settings.seed();
    long[] counter = {0};
    CycleRules rules = new CycleRules(settings.cycle(), () -> new UUID(seed, ++counter[0]));
    CycleDriver cycle =
        new CycleDriver(symbol, rules, new Venues(upbit, binance), ledger, market, timers, clock, tape);

    PremiumSeries premium = new PremiumSeries();
    List<EquityPoint> equity = new ArrayList<>();
    equity.add(new EquityPoint(origin, ledger.equityKrw()));
    int tradesSeen = 0;
    long opportunities = 0;
    long refused = 0;
    long recoveries = 0;
    long discards = 0;
    long moments = 0;
    Instant last = origin;

    for (MarketMoment m = first; m != null; m = source.next()) {
      Instant t = Instant.ofEpochMilli(m.timeMs());
      for (SimTimers.Timer due = timers.pollDue(t); due != null; due = timers.pollDue(t)) {
        clock.advanceTo(due.due());
        cycle.fire(due);
      }
      clock.advanceTo(t);
      market.update(m);
      last = t;
      moments++;
      premium.add(m.timeMs(), PremiumMath.premiumPercent(m.upbit().mid(), m.binance().mid(), m.usdtKrw()),
          m.upbit().mid(), m.binance().mid(), m.usdtKrw());

      Cycle c = cycle.state().cycle();
      if (settings.operatorRecovers() && c != null && c.status() == CycleStatus.DEAD_LETTER && market.fresh()) {
        if (c.failureClass() == FailureClass.PERMANENT) {
          cycle.send(new CycleInput.Discard(c.cycleId(), "backtest operator: permanent failure: " + c.failureReason()));
          discards++;
        } else {
          cycle.send(new CycleInput.Recover(c.cycleId(), "backtest-operator"));
          recoveries++;
        }
      }

      Sizing.Result size = ledger.wouldGrant(symbol);
      if (size.granted()) {
        OpportunityRule.Settings rule = new OpportunityRule.Settings(
            settings.minSpreadPercent(), size.amountKrw().doubleValue(), settings.volumeCapFraction(),
            settings.cycle().costs());
        Optional<Opportunity> opp = OpportunityRule.detect(
            symbol, m.upbit(), m.binance(), m.usdtKrw(), m.upbitVolume24hKrw(), m.binanceVolume24hUsdt(), rule, t);
        if (opp.isPresent()) {
          opportunities++;
          CycleReply reply = cycle.send(new CycleInput.Start(opp.get()));
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

    Cycle c = cycle.state().cycle();
    BacktestResult.OpenCycle open = c != null && c.status().isOpen()
        ? new BacktestResult.OpenCycle(c.cycleId(), c.status(), c.startedAt(), c.investmentKrw())
        : null;
    Map<Venue, Map<String, BigDecimal>> balances = new EnumMap<>(Venue.class);
    balances.put(Venue.UPBIT, upbit.balanceSheet());
    balances.put(Venue.BINANCE, binance.balanceSheet());
    return new BacktestResult(
        settings, source.coverage(), premium, equity, tape.trades(), opportunities, refused, recoveries, discards,
        tape.stepFailures(), tape.deadLetterReasons(), tape.alerts(), open, balances, cycle.decisions(),
        System.nanoTime() - started);
  }
}
