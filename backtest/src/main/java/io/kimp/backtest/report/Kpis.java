package io.kimp.backtest.report;

import io.kimp.backtest.sim.BacktestResult;
import io.kimp.backtest.sim.EquityPoint;
import io.kimp.backtest.sim.PremiumSeries;
import io.kimp.backtest.sim.TradeRecord;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

/**
 * The key figures of a replay. All finite: where a ratio has no data (no cycles, fewer than two days) it is 0, and the
 * report says why.
 *
 * @param winRate wins / cycles, 0 to 1
 * @param roiPercent total PnL against the initial capital
 * @param maxDrawdownKrw the largest fall of realised equity from a previous peak
 * @param maxDrawdownPercent that fall against the peak
 * @param sharpe daily returns of realised equity (every UTC calendar day of the run, flat days included), mean over
 *     sample standard deviation, × √365 (crypto venues trade every day), risk-free rate 0
 */
public record Kpis(
    BigDecimal totalPnlKrw,
    int cycles,
    int wins,
    double winRate,
    BigDecimal averagePnlKrw,
    double roiPercent,
    BigDecimal maxDrawdownKrw,
    double maxDrawdownPercent,
    double sharpe,
    int sharpeDays,
    BigDecimal initialEquityKrw,
    BigDecimal finalEquityKrw,
    double averageHoldMinutes,
    double premiumMin,
    double premiumMean,
    double premiumMax) {

  public static final String SHARPE_METHOD =
      "daily returns of realised equity over every UTC calendar day of the run (flat days included), "
          + "mean / sample standard deviation × √365, risk-free rate 0; 0 with fewer than 2 daily returns or no variation";

  public static Kpis of(BacktestResult r) {
    List<TradeRecord> trades = r.trades();
    BigDecimal total = BigDecimal.ZERO;
    int wins = 0;
    double holdMinutes = 0;
    for (TradeRecord t : trades) {
      total = total.add(t.pnlKrw());
      if (t.win()) {
        wins++;
      }
      holdMinutes += Duration.between(t.startedAt(), t.endedAt()).toSeconds() / 60.0;
    }
    int cycles = trades.size();
    BigDecimal capital = r.initialCapitalKrw();
    BigDecimal average = cycles == 0
        ? BigDecimal.ZERO
        : total.divide(BigDecimal.valueOf(cycles), 2, RoundingMode.HALF_UP);
    double roi = total.divide(capital, MathContext.DECIMAL64).doubleValue() * 100.0;

    BigDecimal peak = capital;
    BigDecimal maxDd = BigDecimal.ZERO;
    double maxDdPct = 0;
    for (EquityPoint p : r.equity()) {
      if (p.equityKrw().compareTo(peak) > 0) {
        peak = p.equityKrw();
      }
      BigDecimal dd = peak.subtract(p.equityKrw());
      if (dd.compareTo(maxDd) > 0) {
        maxDd = dd;
        maxDdPct = dd.divide(peak, MathContext.DECIMAL64).doubleValue() * 100.0;
      }
    }
    double[] sharpe = sharpe(r.equity());
    PremiumSeries ps = r.premium();
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    double sum = 0;
    for (int i = 0; i < ps.size(); i++) {
      double p = ps.premium(i);
      min = Math.min(min, p);
      max = Math.max(max, p);
      sum += p;
    }
    boolean any = ps.size() > 0;
    BigDecimal finalEquity = r.equity().get(r.equity().size() - 1).equityKrw();
    return new Kpis(
        total, cycles, wins, cycles == 0 ? 0 : (double) wins / cycles, average, roi, maxDd, maxDdPct, sharpe[0],
        (int) sharpe[1], capital, finalEquity, cycles == 0 ? 0 : holdMinutes / cycles, any ? min : 0,
        any ? sum / ps.size() : 0, any ? max : 0);
  }

  /** {sharpe, days}: see {@link #SHARPE_METHOD}. */
  static double[] sharpe(List<EquityPoint> equity) {
    LocalDate firstDay = LocalDate.ofInstant(equity.get(0).at(), ZoneOffset.UTC);
    LocalDate lastDay = LocalDate.ofInstant(equity.get(equity.size() - 1).at(), ZoneOffset.UTC);
    int days = (int) (lastDay.toEpochDay() - firstDay.toEpochDay()) + 1;
    if (days < 3) {
      return new double[] {0, days};
    }
    double[] close = new double[days];
    int k = 0;
    double level = equity.get(0).equityKrw().doubleValue();
    for (int d = 0; d < days; d++) {
      long endOfDay = firstDay.plusDays(d + 1L).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
      while (k < equity.size() && equity.get(k).at().toEpochMilli() < endOfDay) {
        level = equity.get(k).equityKrw().doubleValue();
        k++;
      }
      close[d] = level;
    }
    int n = days - 1;
    double[] ret = new double[n];
    double mean = 0;
    for (int d = 1; d < days; d++) {
      ret[d - 1] = close[d] / close[d - 1] - 1;
      mean += ret[d - 1];
    }
    mean /= n;
    double var = 0;
    for (double x : ret) {
      var += (x - mean) * (x - mean);
    }
    var /= n - 1;
    double sd = Math.sqrt(var);
    double s = sd > 0 ? mean / sd * Math.sqrt(365) : 0;
    return new double[] {Double.isFinite(s) ? s : 0, n};
  }
}
