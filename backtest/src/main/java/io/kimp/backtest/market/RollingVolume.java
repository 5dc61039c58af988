package io.kimp.backtest.market;

import io.kimp.backtest.data.CandleSeries;

/**
 * The trailing 24 h quote volume of a candle series ({@code Σ volume × close}), walked forward in time. It counts as known
 * only when the window holds at least 95 % of the candles it should: at the start of the data and after a gap the real
 * volume is not known, and a partial sum would understate it (the live rule treats 0 as unknown: no volume cap).
 */
final class RollingVolume {
  private static final long DAY_MS = 86_400_000L;

  private final CandleSeries series;
  private final int expected;
  private int lo;
  private int hi; // exclusive
  private double sum;

  RollingVolume(CandleSeries series) {
    this.series = series;
    long interval = series.intervalMs();
    this.expected = interval > 0 ? (int) Math.floor(DAY_MS / (double) interval * 0.95) : Integer.MAX_VALUE;
  }

  /** The 24 h quote volume up to and including candle {@code i}, or 0 when not known. */
  double at(int i) {
    while (hi <= i) {
      sum += series.volume(hi) * series.close(hi);
      hi++;
    }
    long from = series.time(i) - DAY_MS;
    while (lo < hi && series.time(lo) <= from) {
      sum -= series.volume(lo) * series.close(lo);
      lo++;
    }
    return hi - lo >= expected ? Math.max(sum, 0) : 0;
  }
}
