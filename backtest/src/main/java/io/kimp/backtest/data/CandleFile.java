package io.kimp.backtest.data;

import io.kimp.backtest.data.RowProblems.Kind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.LongConsumer;

/**
 * Reads a candle file {@code timestamp,open,high,low,close,volume}. A header row is optional; when present, columns are
 * found by name (so extra columns and another order are fine). Every row is validated: parseable time and numbers,
 * positive prices, non-negative volume, high/low containing open/close, and times strictly ascending. A bad row fails
 * the read with {@code file:line: reason}, or is skipped and counted when reading leniently.
 */
public final class CandleFile {
  private static final int TS = 0;
  private static final int OPEN = 1;
  private static final int HIGH = 2;
  private static final int LOW = 3;
  private static final int CLOSE = 4;
  private static final int VOLUME = 5;
  private static final String[] NAMES = {"timestamp", "open", "high", "low", "close", "volume"};

  /** Relative slack for high/low checks: venues round OHLC independently. */
  private static final double OHLC_SLACK = 1e-9;
  private static final int SIZING_SAMPLE = 4096;

  private CandleFile() {}

  public static CandleSeries read(Path file, boolean lenient) {
    return read(file, lenient, b -> {});
  }

  /**
   * @param progress receives the bytes read so far, now and then
   */
  public static CandleSeries read(Path file, boolean lenient, LongConsumer progress) {
    try (CsvScanner in = new CsvScanner(file)) {
      return read(in, new RowProblems(file.toString(), lenient), progress, java.nio.file.Files.size(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  static CandleSeries read(CsvScanner in, RowProblems problems, LongConsumer progress) throws IOException {
    return read(in, problems, progress, -1);
  }

  /**
   * @param fileSize the input's size when known: after the first rows the arrays are sized for the whole file once,
   *     instead of doubling (and copying) their way there
   */
  static CandleSeries read(CsvScanner in, RowProblems problems, LongConsumer progress, long fileSize)
      throws IOException {
    int[] col = {0, 1, 2, 3, 4, 5};
    int needed = 6;
    boolean first = true;
    int n = 0;
    long[] time = new long[1 << 14];
    double[] close = new double[1 << 14];
    double[] volume = new double[1 << 14];
    long prev = Long.MIN_VALUE;
    long rows = 0;
    while (in.nextLine()) {
      if (in.blank()) {
        continue;
      }
      byte[] b = in.buffer();
      if (first) {
        first = false;
        if (in.looksLikeHeader()) {
          col = header(in, problems.source());
          needed = Arrays.stream(col).max().getAsInt() + 1;
          continue;
        }
      }
      if ((++rows & 0xFFFF) == 0) {
        progress.accept(in.bytesRead());
      }
      long line = in.lineNumber();
      if (in.malformedAt() >= 0) {
        problems.bad(Kind.NOT_UTF8, line, "at byte " + (in.malformedAt() + 1) + " of '" + in.lineText() + "'");
        continue;
      }
      if (in.fieldCount() < needed) {
        problems.bad(Kind.FIELD_COUNT, line, "expected " + needed + " fields, found " + in.fieldCount()
            + " in '" + in.lineText() + "'");
        continue;
      }
      long t = Timestamps.parseMillis(b, in.start(col[TS]), in.end(col[TS]));
      if (t == Timestamps.INVALID) {
        problems.bad(Kind.TIMESTAMP, line, "'" + in.text(col[TS]) + "' (expected " + Timestamps.ACCEPTED + ")");
        continue;
      }
      double o = AsciiNumbers.parseDouble(b, in.start(col[OPEN]), in.end(col[OPEN]));
      double h = AsciiNumbers.parseDouble(b, in.start(col[HIGH]), in.end(col[HIGH]));
      double l = AsciiNumbers.parseDouble(b, in.start(col[LOW]), in.end(col[LOW]));
      double c = AsciiNumbers.parseDouble(b, in.start(col[CLOSE]), in.end(col[CLOSE]));
      double v = AsciiNumbers.parseDouble(b, in.start(col[VOLUME]), in.end(col[VOLUME]));
      if (Double.isNaN(o) || Double.isNaN(h) || Double.isNaN(l) || Double.isNaN(c) || Double.isNaN(v)) {
        int bad = Double.isNaN(o) ? OPEN : Double.isNaN(h) ? HIGH : Double.isNaN(l) ? LOW : Double.isNaN(c) ? CLOSE
            : VOLUME;
        problems.bad(Kind.NUMBER, line, "column " + NAMES[bad] + " is '" + in.text(col[bad]) + "'");
        continue;
      }
      if (!(o > 0 && h > 0 && l > 0 && c > 0)) {
        problems.bad(Kind.NON_POSITIVE_PRICE, line, "open/high/low/close " + o + "/" + h + "/" + l + "/" + c);
        continue;
      }
      if (v < 0) {
        problems.bad(Kind.NEGATIVE_VOLUME, line, "volume " + v);
        continue;
      }
      double slack = h * OHLC_SLACK;
      if (h + slack < Math.max(o, c) || l - slack > Math.min(o, c) || l > h) {
        problems.bad(Kind.INCONSISTENT_CANDLE, line, "open/high/low/close " + o + "/" + h + "/" + l + "/" + c);
        continue;
      }
      if (t <= prev) {
        problems.bad(Kind.NOT_ASCENDING, line, Timestamps.iso(t) + " is not after " + Timestamps.iso(prev));
        continue;
      }
      if (n == SIZING_SAMPLE && fileSize > 0) {
        long estimate = (long) (fileSize / (double) in.consumed() * n * 1.02) + 16;
        if (estimate > time.length && estimate < Integer.MAX_VALUE - 16) {
          time = Arrays.copyOf(time, (int) estimate);
          close = Arrays.copyOf(close, (int) estimate);
          volume = Arrays.copyOf(volume, (int) estimate);
        }
      }
      if (n == time.length) {
        int cap = n * 2;
        time = Arrays.copyOf(time, cap);
        close = Arrays.copyOf(close, cap);
        volume = Arrays.copyOf(volume, cap);
      }
      time[n] = t;
      close[n] = c;
      volume[n] = v;
      n++;
      prev = t;
    }
    progress.accept(in.bytesRead());
    return new CandleSeries(problems.source(), time, close, volume, n, problems);
  }

  /** Column positions by name; a missing column fails the read (a header is a promise about every row). */
  private static int[] header(CsvScanner in, String source) {
    int[] col = new int[NAMES.length];
    Arrays.fill(col, -1);
    for (int f = 0; f < in.fieldCount(); f++) {
      String name = in.text(f).toLowerCase(Locale.ROOT);
      int k = indexOf(name);
      if (k >= 0 && col[k] < 0) {
        col[k] = f;
      }
    }
    for (int k = 0; k < NAMES.length; k++) {
      if (col[k] < 0) {
        throw new BadInputException(source, in.lineNumber(),
            "header '" + in.lineText() + "' has no " + NAMES[k] + " column (expected timestamp,open,high,low,close,volume)");
      }
    }
    return col;
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
