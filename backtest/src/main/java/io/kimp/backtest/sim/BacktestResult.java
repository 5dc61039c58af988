package io.kimp.backtest.sim;

import io.kimp.backtest.BacktestSettings;
import io.kimp.backtest.market.MarketSource;
import io.kimp.core.alert.AlertKind;
import io.kimp.core.cycle.CycleStatus;
import io.kimp.core.market.Venue;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What a replay produced: the premium at every moment, the realised equity curve, the closed cycles, and the counts a
 * reader needs to trust them (what was skipped, refused, failed, recovered, and what was still open at the end).
 *
 * @param opportunities moments at which the live rule found an opportunity
 * @param startsRefused opportunities the cycle refused (one already open, capital denied)
 * @param openCycles the cycles still open when the data ended (one per coin at most)
 * @param balances every paper venue's balances at the end (dust left by rounding included)
 * @param hedge the perpetual side of a hedged replay, null when the hedge was off
 */
public record BacktestResult(
    BacktestSettings settings,
    MarketSource.Coverage coverage,
    PremiumSeries premium,
    List<EquityPoint> equity,
    List<TradeRecord> trades,
    long opportunities,
    long startsRefused,
    long operatorRecoveries,
    long operatorDiscards,
    long stepFailures,
    List<String> deadLetters,
    Map<AlertKind, Long> alerts,
    List<OpenCycle> openCycles,
    Map<Venue, Map<String, BigDecimal>> balances,
    long decisions,
    long elapsedNanos,
    HedgeRun hedge) {

  public BacktestResult {
    openCycles = List.copyOf(openCycles);
  }

  /** A cycle the data ended under: its capital is still reserved and its result unknown. */
  public record OpenCycle(
      UUID cycleId, String symbol, CycleStatus status, Instant startedAt, BigDecimal investmentKrw,
      double entryPremiumPercent) {}

  /** The first cycle still open at the end, or null. */
  public OpenCycle openCycle() {
    return openCycles.isEmpty() ? null : openCycles.get(0);
  }

  public BigDecimal initialCapitalKrw() {
    return settings.portfolio().capitalKrw();
  }
}
