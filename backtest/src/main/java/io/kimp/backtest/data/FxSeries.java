package io.kimp.backtest.data;

import java.util.Arrays;

/**
 * USD/KRW (standing in for USDT/KRW) over time. The rate at {@code t} is the last value effective at or before {@code t},
 * and only while it is not too old: {@code maxAgeMs} between known values (weekends, holidays), {@code tailMs} after the
 * file's last value (a daily close covers its own day, no more). Never interpolated.
 */
public final class FxSeries {
  private final String source;
  private final long[] effective;
  private final double[] rate;
  private final int size;
  private final boolean daily;
  private final long maxAgeMs;
  private final long tailMs;
  private final RowProblems problems;

  FxSeries(String source, long[] effective, double[] rate, int size, boolean daily, long maxAgeMs, long tailMs,
      RowProblems problems) {
    this.source = source;
    this.effective = effective;
    this.rate = rate;
    this.size = size;
    this.daily = daily;
    this.maxAgeMs = maxAgeMs;
    this.tailMs = tailMs;
    this.problems = problems;
  }

  /** A series from arrays (tests, generated data): {@code effective} strictly ascending. */
  public static FxSeries of(String source, long[] effective, double[] rate, boolean daily, long maxAgeMs, long tailMs) {
    return new FxSeries(source, effective.clone(), rate.clone(), effective.length, daily, maxAgeMs, tailMs,
        new RowProblems(source, true));
  }

  public String source() {
    return source;
  }

  public int size() {
    return size;
  }

  /** Rows were dates (daily closes) rather than timestamps. */
  public boolean daily() {
    return daily;
  }

  public long maxAgeMs() {
    return maxAgeMs;
  }

  public long tailMs() {
    return tailMs;
  }

  public long effectiveTime(int i) {
    return effective[i];
  }

  public double rate(int i) {
    return rate[i];
  }

  public RowProblems problems() {
    return problems;
  }

  /** The rate usable at {@code t}, or NaN. */
  public double rateAt(long t) {
    int i = Arrays.binarySearch(effective, 0, size, t);
    int idx = i >= 0 ? i : -i - 2;
    return usable(idx, t) ? rate[idx] : Double.NaN;
  }

  private boolean usable(int idx, long t) {
    if (idx < 0) {
      return false;
    }
    long age = t - effective[idx];
    return age <= maxAgeMs && (idx < size - 1 || age < tailMs);
  }

  /** Sequential lookups for non-decreasing times, O(1) amortised. */
  public Cursor cursor() {
    return new Cursor();
  }

  /** See {@link #cursor()}. */
  public final class Cursor {
    private int idx = -1;

    public double rateAt(long t) {
      while (idx + 1 < size && effective[idx + 1] <= t) {
        idx++;
      }
      return usable(idx, t) ? rate[idx] : Double.NaN;
    }
  }
}
