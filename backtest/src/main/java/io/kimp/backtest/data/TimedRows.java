package io.kimp.backtest.data;

import io.kimp.backtest.data.RowProblems.Kind;
import java.io.IOException;
import java.util.function.BiFunction;

/**
 * The rows of a two-column time series file ({@code time,value}: a rate file, a funding-rate file), read the way every
 * such file is: blank lines skipped, an optional header naming the columns, then each row's encoding, field count and
 * time checked and what is wrong reported to {@link RowProblems}. The files differ only in what a value may be, so the
 * reader asks for the value ({@link #number}) and the order ({@link #ascending}) when its own checks allow, and every
 * refusal keeps its place and wording.
 */
final class TimedRows {
  private final CsvScanner in;
  private final RowProblems problems;
  private final BiFunction<CsvScanner, String, int[]> header;
  private int timeCol = 0;
  private int valueCol = 1;
  private boolean first = true;
  private long line;
  private long time;
  private long prev = Long.MIN_VALUE;

  /**
   * @param header the columns {time, value} a header line names, or a {@link BadInputException}; given the scanner on
   *     the header and the source's name
   */
  TimedRows(CsvScanner in, RowProblems problems, BiFunction<CsvScanner, String, int[]> header) {
    this.in = in;
    this.problems = problems;
    this.header = header;
  }

  /** Moves to the next row whose time reads; false at the end of the file. */
  boolean next() throws IOException {
    while (in.nextLine()) {
      if (in.blank()) {
        continue;
      }
      if (first) {
        first = false;
        if (in.looksLikeHeader()) {
          int[] cols = header.apply(in, problems.source());
          timeCol = cols[0];
          valueCol = cols[1];
          continue;
        }
      }
      line = in.lineNumber();
      if (in.malformedAt() >= 0) {
        problems.bad(Kind.NOT_UTF8, line, "at byte " + (in.malformedAt() + 1) + " of '" + in.lineText() + "'");
        continue;
      }
      if (in.fieldCount() <= Math.max(timeCol, valueCol)) {
        problems.bad(Kind.FIELD_COUNT, line, "expected at least " + (Math.max(timeCol, valueCol) + 1)
            + " fields, found " + in.fieldCount() + " in '" + in.lineText() + "'");
        continue;
      }
      time = Timestamps.parseMillis(in.buffer(), in.start(timeCol), in.end(timeCol));
      if (time == Timestamps.INVALID) {
        problems.bad(Kind.TIMESTAMP, line, "'" + in.text(timeCol) + "' (expected " + Timestamps.ACCEPTED + ")");
        continue;
      }
      return true;
    }
    return false;
  }

  long line() {
    return line;
  }

  long time() {
    return time;
  }

  /** Whether the row's time is a date alone (a daily row). */
  boolean dateOnly() {
    return Timestamps.isDateOnly(in.buffer(), in.start(timeCol), in.end(timeCol));
  }

  String timeText() {
    return in.text(timeCol);
  }

  String valueText() {
    return in.text(valueCol);
  }

  /** The row's value, or NaN when it is no number (reported as a bad row). */
  double number() {
    double r = AsciiNumbers.parseDouble(in.buffer(), in.start(valueCol), in.end(valueCol));
    if (Double.isNaN(r)) {
      problems.bad(Kind.NUMBER, line, "rate is '" + in.text(valueCol) + "'");
    }
    return r;
  }

  /** Whether the row's time is after the last accepted row's (then it is the last accepted), else reported. */
  boolean ascending() {
    if (time <= prev) {
      problems.bad(Kind.NOT_ASCENDING, line, Timestamps.iso(time) + " is not after " + Timestamps.iso(prev));
      return false;
    }
    prev = time;
    return true;
  }
}
