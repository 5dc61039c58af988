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
 * @param openCycle the cycle still open when the data ended, or null
 * @param balances every paper venue's balances at the end (dust left by rounding included)
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
    OpenCycle openCycle,
    Map<Venue, Map<String, BigDecimal>> balances,
    long decisions,
    long elapsedNanos) {

  /** A cycle the data ended under: its capital is still reserved and its result unknown. */
  public record OpenCycle(UUID cycleId, CycleStatus status, Instant startedAt, BigDecimal investmentKrw) {}

  public BigDecimal initialCapitalKrw() {
    return settings.portfolio().capitalKrw();
  }
}
