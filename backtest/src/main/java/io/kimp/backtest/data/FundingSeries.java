package io.kimp.backtest.data;

import java.math.BigDecimal;
import java.util.Arrays;

/**
 * A perpetual's funding rates by funding time, as read from a file. The rate paid at a funding time is the row stamped
 * within a minute of it (Binance stamps a few milliseconds late); a funding time the file has no row for pays nothing.
 */
public final class FundingSeries {
  /** How far a row's stamp may be from the funding time it is for. */
  public static final long TOLERANCE_MS = 60_000;

  private final String source;
  private final long[] time;
  private final BigDecimal[] rate;
  private final RowProblems problems;

  FundingSeries(String source, long[] time, BigDecimal[] rate, RowProblems problems) {
    this.source = source;
    this.time = time;
    this.rate = rate;
    this.problems = problems;
  }

  public String source() {
    return source;
  }

  public int size() {
    return time.length;
  }

  public long time(int i) {
    return time[i];
  }

  /** The rate paid at the funding time {@code atMs}: the row within {@link #TOLERANCE_MS} of it, else null. */
  public BigDecimal rateAt(long atMs) {
    int i = Arrays.binarySearch(time, atMs + TOLERANCE_MS);
    int floor = i >= 0 ? i : -i - 2; // the last row at or before atMs + tolerance
    if (floor < 0 || time[floor] < atMs - TOLERANCE_MS) {
      return null;
    }
    return rate[floor];
  }

  /** Bad rows skipped while reading (empty unless read leniently). */
  public RowProblems problems() {
    return problems;
  }
}
