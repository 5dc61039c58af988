package io.kimp.backtest.data;

import io.kimp.backtest.data.RowProblems.Kind;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The column layout and the row checks of a candle file, apart from how its fields are tokenized: {@link CandleFile}
 * feeds it the rows its scanner parsed, and the CSV-library readers of {@code kimp bench csv} feed it theirs, so every
 * reader applies the same checks, counts the same {@link RowProblems} and names file, line and column the same way.
 *
 * <p>A row is checked in this order: field count, timestamp, numbers (first bad column named), positive prices,
 * non-negative volume, high/low containing open/close, strictly ascending times. Good rows are kept column-wise.
 */
public final class CandleRows {
  public static final int TS = 0;
  public static final int OPEN = 1;
  public static final int HIGH = 2;
  public static final int LOW = 3;
  public static final int CLOSE = 4;
  public static final int VOLUME = 5;
  private static final String[] NAMES = {"timestamp", "open", "high", "low", "close", "volume"};

  /** Relative slack for high/low checks: venues round OHLC independently. */
  private static final double OHLC_SLACK = 1e-9;
  private static final int SIZING_SAMPLE = 4096;

  private final RowProblems problems;
  private final long fileSize;
  private int[] col = {0, 1, 2, 3, 4, 5};
  private int needed = 6;
  private int n;
  private long[] time = new long[1 << 14];
  private double[] close = new double[1 << 14];
  private double[] volume = new double[1 << 14];
  private long prev = Long.MIN_VALUE;

  /**
   * @param fileSize the input's size when known (else -1): after the first rows the arrays are sized for the whole
   *     file once, instead of doubling (and copying) their way there
   */
  public CandleRows(RowProblems problems, long fileSize) {
    this.problems = problems;
    this.fileSize = fileSize;
  }

  public RowProblems problems() {
    return problems;
  }

  /**
   * Takes the header's field names: columns are then found by name (extra columns and another order are fine); a
   * missing column fails the read (a header is a promise about every row).
   */
  public void header(List<String> names, long line, String lineText) {
    int[] c = new int[NAMES.length];
    Arrays.fill(c, -1);
    for (int f = 0; f < names.size(); f++) {
      int k = indexOf(names.get(f).toLowerCase(Locale.ROOT));
      if (k >= 0 && c[k] < 0) {
        c[k] = f;
      }
    }
    for (int k = 0; k < NAMES.length; k++) {
      if (c[k] < 0) {
        throw new BadInputException(problems.source(), line,
            "header '" + lineText + "' has no " + NAMES[k] + " column (expected timestamp,open,high,low,close,volume)");
      }
    }
    col = c;
    needed = Arrays.stream(c).max().getAsInt() + 1;
  }

  /** The field index of column {@code column} ({@link #TS} … {@link #VOLUME}) in the file. */
  public int field(int column) {
    return col[column];
  }

  /** False (the row counted or thrown) when the row has fewer fields than the columns need. */
  public boolean fieldCount(long line, int fields, String lineText) {
    if (fields < needed) {
      problems.bad(Kind.FIELD_COUNT, line, "expected " + needed + " fields, found " + fields + " in '" + lineText + "'");
      return false;
    }
    return true;
  }

  /** A row whose bytes are not UTF-8 ({@code at}: 0-based offset of the first bad byte in the line). */
  public void notUtf8(long line, int at, String lineText) {
    problems.bad(Kind.NOT_UTF8, line, "at byte " + (at + 1) + " of '" + lineText + "'");
  }

  /** A row whose time field ({@code text}) is not a timestamp. */
  public void badTimestamp(long line, String text) {
    problems.bad(Kind.TIMESTAMP, line, "'" + text + "' (expected " + Timestamps.ACCEPTED + ")");
  }

  /** The column ({@link #OPEN} … {@link #VOLUME}) of the first NaN of the five, or -1 when all are numbers. */
  public static int firstNaN(double o, double h, double l, double c, double v) {
    if (!(Double.isNaN(o) || Double.isNaN(h) || Double.isNaN(l) || Double.isNaN(c) || Double.isNaN(v))) {
      return -1;
    }
    return Double.isNaN(o) ? OPEN : Double.isNaN(h) ? HIGH : Double.isNaN(l) ? LOW : Double.isNaN(c) ? CLOSE : VOLUME;
  }

  /** A row whose column {@code column} ({@link #OPEN} … {@link #VOLUME}) is not a number ({@code text}). */
  public void badNumber(long line, int column, String text) {
    problems.bad(Kind.NUMBER, line, "column " + NAMES[column] + " is '" + text + "'");
  }

  /** Checks a parsed row's values and keeps it when they are good; false when it was counted (or thrown) as bad. */
  public boolean add(long line, long t, double o, double h, double l, double c, double v, long consumed) {
    if (!(o > 0 && h > 0 && l > 0 && c > 0)) {
      problems.bad(Kind.NON_POSITIVE_PRICE, line, "open/high/low/close " + o + "/" + h + "/" + l + "/" + c);
      return false;
    }
    if (v < 0) {
      problems.bad(Kind.NEGATIVE_VOLUME, line, "volume " + v);
      return false;
    }
    double slack = h * OHLC_SLACK;
    if (h + slack < Math.max(o, c) || l - slack > Math.min(o, c) || l > h) {
      problems.bad(Kind.INCONSISTENT_CANDLE, line, "open/high/low/close " + o + "/" + h + "/" + l + "/" + c);
      return false;
    }
    if (t <= prev) {
      problems.bad(Kind.NOT_ASCENDING, line, Timestamps.iso(t) + " is not after " + Timestamps.iso(prev));
      return false;
    }
    if (n == SIZING_SAMPLE && fileSize > 0 && consumed > 0) {
      long estimate = (long) (fileSize / (double) consumed * n * 1.02) + 16;
      if (estimate > time.length && estimate < Integer.MAX_VALUE - 16) {
        resize((int) estimate);
      }
    }
    if (n == time.length) {
      resize(n * 2);
    }
    time[n] = t;
    close[n] = c;
    volume[n] = v;
    n++;
    prev = t;
    return true;
  }

  private void resize(int cap) {
    time = Arrays.copyOf(time, cap);
    close = Arrays.copyOf(close, cap);
    volume = Arrays.copyOf(volume, cap);
  }

  /** The series of the rows kept. */
  public CandleSeries series() {
    return new CandleSeries(problems.source(), time, close, volume, n, problems);
  }

  private static int indexOf(String name) {
    switch (name) {
      case "timestamp":
      case "time":
      case "datetime":
      case "date":
      case "open_time":
        return TS;
      default:
        for (int k = 1; k < NAMES.length; k++) {
          if (NAMES[k].equals(name)) {
            return k;
          }
        }
        return -1;
    }
  }
}
