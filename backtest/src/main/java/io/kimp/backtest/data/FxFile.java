package io.kimp.backtest.data;

import io.kimp.backtest.data.RowProblems.Kind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

/**
 * Reads a USD/KRW (or USDT/KRW) rate file: daily {@code date,close,…} or intraday {@code timestamp,rate}. The header
 * names the columns (time: {@code date|timestamp|time}; value: {@code rate}, else {@code close}); without a header the
 * first column is the time and the second the rate. Rows whose time is a date are daily closes.
 */
public final class FxFile {
  private FxFile() {}

  /**
   * How rates become usable.
   *
   * @param dailyEffectiveAfter a daily close dated D is used from D 00:00 UTC plus this (0 follows the data's
   *     convention; a day avoids using a close before it is known)
   * @param dailyMaxAge how long a daily close is carried over days without one (weekends, holidays)
   * @param intradayMaxAge how long an intraday rate stays usable
   */
  public record Options(Duration dailyEffectiveAfter, Duration dailyMaxAge, Duration intradayMaxAge) {
    public static Options defaults() {
      return new Options(Duration.ZERO, Duration.ofDays(4), Duration.ofHours(1));
    }
  }

  public static FxSeries read(Path file, boolean lenient, Options options) {
    try (CsvScanner in = new CsvScanner(file)) {
      return read(in, new RowProblems(file.toString(), lenient), options);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  static FxSeries read(CsvScanner in, RowProblems problems, Options options) throws IOException {
    TimedRows rows = new TimedRows(in, problems, FxFile::header);
    Boolean daily = null;
    int n = 0;
    long[] time = new long[256];
    double[] rate = new double[256];
    while (rows.next()) {
      boolean dateOnly = rows.dateOnly();
      if (daily == null) {
        daily = dateOnly;
      } else if (daily != dateOnly) {
        problems.bad(Kind.TIMESTAMP, rows.line(), "'" + rows.timeText() + "' mixes " + (daily ? "dates" : "timestamps")
            + " with " + (daily ? "timestamps" : "dates"));
        continue;
      }
      double r = rows.number();
      if (Double.isNaN(r)) {
        continue;
      }
      if (!(r > 0)) {
        problems.bad(Kind.NON_POSITIVE_PRICE, rows.line(), "rate " + r);
        continue;
      }
      if (!rows.ascending()) {
        continue;
      }
      if (n == time.length) {
        time = Arrays.copyOf(time, n * 2);
        rate = Arrays.copyOf(rate, n * 2);
      }
      time[n] = rows.time();
      rate[n] = r;
      n++;
    }
    boolean isDaily = daily != null && daily;
    if (isDaily) {
      long shift = options.dailyEffectiveAfter().toMillis();
      for (int i = 0; i < n; i++) {
        time[i] += shift;
      }
    }
    long maxAge = (isDaily ? options.dailyMaxAge() : options.intradayMaxAge()).toMillis();
    long tail = isDaily ? Math.min(Duration.ofDays(1).toMillis(), maxAge) : maxAge;
    return new FxSeries(problems.source(), time, rate, n, isDaily, maxAge, tail, problems);
  }

  private static int[] header(CsvScanner in, String source) {
    int ts = -1;
    int rate = -1;
    int close = -1;
    for (int f = 0; f < in.fieldCount(); f++) {
      String name = in.text(f).toLowerCase(Locale.ROOT);
      if (ts < 0 && (name.equals("date") || name.equals("timestamp") || name.equals("time")
          || name.equals("datetime"))) {
        ts = f;
      } else if (rate < 0 && name.equals("rate")) {
        rate = f;
      } else if (close < 0 && name.equals("close")) {
        close = f;
      }
    }
    int value = rate >= 0 ? rate : close;
    if (ts < 0 || value < 0) {
      throw new BadInputException(source, in.lineNumber(), "header '" + in.lineText()
          + "' needs a date/timestamp column and a rate or close column (daily date,close,… or intraday timestamp,rate)");
    }
    return new int[] {ts, value};
  }
}
