package io.kimp.backtest.report;

import io.kimp.backtest.sim.BacktestResult;
import io.kimp.backtest.sim.HedgeRecord;
import io.kimp.backtest.sim.HedgeRun;
import io.kimp.backtest.sim.TradeRecord;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The same data replayed unhedged and hedged, side by side: what the hedge did to the PnL and to its spread from cycle
 * to cycle, and what it cost. Cycles of the two runs are matched by coin, start time and size (the hedge's steps take no
 * simulated time, so the same opportunities start the same cycles, unless the edge's hedge costs turned one down or the
 * capital the ledger grants has moved apart with the two runs' results); on each matched pair the hedged cycle's PnL must be the unhedged one's plus the hedge's price result less its cost,
 * and {@link #maxDeviationKrw} says how far the worst pair is from that.
 *
 * @param matchedCycles cycles that started at the same time on the same coin with the same investment in both runs
 * @param maxDeviationKrw the largest |hedged − (unhedged + hedge PnL − hedge cost)| over the matched cycles
 */
public record HedgeComparison(
    Side unhedged, Side hedged, boolean spotProxy, String perpSource, String fundingSource, int matchedCycles,
    BigDecimal maxDeviationKrw, List<String> notes) {

  /**
   * One run's figures.
   *
   * @param pnlStdevKrw the sample standard deviation of the per-cycle PnL (0 with fewer than two cycles)
   * @param worstCycleKrw the lowest per-cycle PnL (0 without cycles)
   * @param hedgePnlKrw the shorts' price result (0 unhedged)
   * @param hedgeCostKrw futures fees plus funding paid (less funding received), KRW (0 unhedged)
   */
  public record Side(
      int cycles, BigDecimal pnlKrw, BigDecimal meanPnlKrw, BigDecimal pnlStdevKrw, BigDecimal worstCycleKrw,
      BigDecimal hedgePnlKrw, BigDecimal hedgeCostKrw, BigDecimal hedgeFeesUsdt, BigDecimal fundingUsdt,
      int hedgedCycles) {

    static Side of(BacktestResult r) {
      List<TradeRecord> trades = r.trades();
      int n = trades.size();
      BigDecimal total = BigDecimal.ZERO;
      BigDecimal worst = null;
      for (TradeRecord t : trades) {
        total = total.add(t.pnlKrw());
        worst = worst == null || t.pnlKrw().compareTo(worst) < 0 ? t.pnlKrw() : worst;
      }
      BigDecimal mean = n == 0 ? BigDecimal.ZERO : total.divide(BigDecimal.valueOf(n), MathContext.DECIMAL64);
      BigDecimal sd = BigDecimal.ZERO;
      if (n > 1) {
        BigDecimal ss = BigDecimal.ZERO;
        for (TradeRecord t : trades) {
          BigDecimal d = t.pnlKrw().subtract(mean);
          ss = ss.add(d.multiply(d));
        }
        sd = ss.divide(BigDecimal.valueOf(n - 1), MathContext.DECIMAL64).sqrt(MathContext.DECIMAL64);
      }
      BigDecimal hedgePnl = BigDecimal.ZERO;
      BigDecimal hedgeCost = BigDecimal.ZERO;
      int hedged = 0;
      HedgeRun h = r.hedge();
      if (h != null) {
        for (TradeRecord t : trades) {
          HedgeRecord hr = h.byCycle().get(t.cycleId());
          if (hr != null) {
            hedged++;
            hedgePnl = hedgePnl.add(hr.pnlKrw());
            hedgeCost = hedgeCost.add(hr.costKrw());
          }
        }
      }
      return new Side(n, total, mean, sd, worst == null ? BigDecimal.ZERO : worst, hedgePnl, hedgeCost,
          h == null ? BigDecimal.ZERO : h.feesUsdt(), h == null ? BigDecimal.ZERO : h.fundingUsdt(), hedged);
    }
  }

  public static HedgeComparison of(BacktestResult unhedged, BacktestResult hedged) {
    Map<String, TradeRecord> base = new HashMap<>();
    for (TradeRecord t : unhedged.trades()) {
      base.put(key(t), t);
    }
    int matched = 0;
    BigDecimal worst = BigDecimal.ZERO;
    HedgeRun h = hedged.hedge();
    for (TradeRecord t : hedged.trades()) {
      TradeRecord u = base.get(key(t));
      if (u == null) {
        continue;
      }
      matched++;
      HedgeRecord hr = h == null ? null : h.byCycle().get(t.cycleId());
      BigDecimal expected = hr == null ? u.pnlKrw() : u.pnlKrw().add(hr.pnlKrw()).subtract(hr.costKrw());
      BigDecimal dev = t.pnlKrw().subtract(expected).abs();
      worst = dev.compareTo(worst) > 0 ? dev : worst;
    }
    return new HedgeComparison(Side.of(unhedged), Side.of(hedged), h != null && h.spotProxy(),
        h == null ? null : h.perpSource(), h == null ? null : h.fundingSource(), matched,
        worst.setScale(4, RoundingMode.HALF_UP), h == null ? List.of() : h.notes());
  }

  /** Coin, start and size: a cycle the other run sized differently (its capital had moved) is not the same cycle. */
  private static String key(TradeRecord t) {
    return t.symbol() + "@" + t.startedAt() + "/" + t.investmentKrw().stripTrailingZeros().toPlainString();
  }
}
