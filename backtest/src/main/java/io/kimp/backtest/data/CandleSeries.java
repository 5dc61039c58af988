package io.kimp.backtest.data;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * One venue's candles, column-wise: open times (epoch ms, strictly ascending), closes and base volumes. Only what the
 * backtest uses is kept (open, high and low are validated on reading, then dropped) so that tens of millions of rows
 * fit in memory.
 */
public final class CandleSeries {
  private final String source;
  private final long[] time;
  private final double[] close;
  private final double[] volume;
  private final int size;
  private final long intervalMs;
  private final RowProblems problems;

  CandleSeries(String source, long[] time, double[] close, double[] volume, int size, RowProblems problems) {
    this.source = source;
    this.time = time;
    this.close = close;
    this.volume = volume;
    this.size = size;
    this.problems = problems;
    this.intervalMs = typicalInterval(time, size);
  }

  /** A series from arrays (tests, generated data); {@code time} must be strictly ascending. */
  public static CandleSeries of(String source, long[] time, double[] close, double[] volume) {
    for (int i = 1; i < time.length; i++) {
      if (time[i] <= time[i - 1]) {
        throw new IllegalArgumentException("times not strictly ascending at index " + i);
      }
    }
    return new CandleSeries(
        source, time.clone(), close.clone(), volume.clone(), time.length, new RowProblems(source, true));
  }

  public String source() {
    return source;
  }

  public int size() {
    return size;
  }

  public long time(int i) {
    return time[i];
  }

  public double close(int i) {
    return close[i];
  }

  public double volume(int i) {
    return volume[i];
  }

  /** The most common spacing of consecutive candles (the candle length), 0 for fewer than two candles. */
  public long intervalMs() {
    return intervalMs;
  }

  /** Bad rows skipped while reading (empty unless read leniently). */
  public RowProblems problems() {
    return problems;
  }

  /** Index of the first candle at or after {@code t}. */
  public int ceilingIndex(long t) {
    int i = Arrays.binarySearch(time, 0, size, t);
    return i >= 0 ? i : -i - 1;
  }

  private static long typicalInterval(long[] time, int size) {
    Map<Long, Integer> counts = new HashMap<>();
    int n = Math.min(size, 10_001);
    for (int i = 1; i < n; i++) {
      counts.merge(time[i] - time[i - 1], 1, Integer::sum);
    }
    long best = 0;
    int bestCount = 0;
    for (Map.Entry<Long, Integer> e : counts.entrySet()) {
      if (e.getValue() > bestCount || (e.getValue() == bestCount && e.getKey() < best)) {
        best = e.getKey();
        bestCount = e.getValue();
      }
    }
    return best;
  }
}
