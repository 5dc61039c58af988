package io.kimp.backtest.data;

import io.kimp.backtest.data.RowProblems.Kind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Reads a perpetual's funding-rate history {@code timestamp,rate} (Binance's {@code /fapi/v1/fundingRate} as CSV:
 * {@code fundingTime,fundingRate} are accepted as the column names too; without a header the first column is the time
 * and the second the rate). A rate is a fraction per funding period (0.0001 = 0.01 %) and may be negative; one beyond
 * ±5 % is no funding rate (a percent written as a number, say) and is a bad row. Times strictly ascending. Bad rows fail
 * the read with {@code file:line: reason}, or are skipped and counted when reading leniently, as every input file's.
 */
public final class FundingFile {
  private static final double MAX_ABS_RATE = 0.05;

  private FundingFile() {}

  public static FundingSeries read(Path file, boolean lenient) {
    try (CsvScanner in = new CsvScanner(file)) {
      return read(in, new RowProblems(file.toString(), lenient));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  static FundingSeries read(CsvScanner in, RowProblems problems) throws IOException {
    TimedRows rows = new TimedRows(in, problems, FundingFile::header);
    int n = 0;
    long[] time = new long[256];
    BigDecimal[] rate = new BigDecimal[256];
    while (rows.next()) {
      double r = rows.number();
      if (Double.isNaN(r)) {
        continue;
      }
      if (Math.abs(r) > MAX_ABS_RATE) {
        problems.bad(Kind.NUMBER, rows.line(), "rate " + rows.valueText() + " is beyond ±" + MAX_ABS_RATE
            + " (a fraction per funding period: 0.0001 = 0.01 %)");
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
      rate[n] = new BigDecimal(rows.valueText().trim());
      n++;
    }
    return new FundingSeries(problems.source(), Arrays.copyOf(time, n), Arrays.copyOf(rate, n), problems);
  }

  private static int[] header(CsvScanner in, String source) {
    int ts = -1;
    int rate = -1;
    for (int f = 0; f < in.fieldCount(); f++) {
      String name = in.text(f).toLowerCase(Locale.ROOT);
      if (ts < 0 && (name.equals("timestamp") || name.equals("time") || name.equals("fundingtime"))) {
        ts = f;
      } else if (rate < 0 && (name.equals("rate") || name.equals("fundingrate"))) {
        rate = f;
      }
    }
    if (ts < 0 || rate < 0) {
      throw new BadInputException(source, in.lineNumber(), "header '" + in.lineText()
          + "' needs a timestamp (or fundingTime) column and a rate (or fundingRate) column");
    }
    return new int[] {ts, rate};
  }
}
