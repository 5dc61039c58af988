package io.kimp.backtest.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Reads a candle file {@code timestamp,open,high,low,close,volume}. A header row is optional; when present, columns are
 * found by name (so extra columns and another order are fine). Every row is validated: parseable time and numbers,
 * positive prices, non-negative volume, high/low containing open/close, and times strictly ascending. A bad row fails
 * the read with {@code file:line: reason}, or is skipped and counted when reading leniently.
 */
public final class CandleFile {
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
   * @param fileSize the input's size when known (see {@link CandleRows#CandleRows})
   */
  static CandleSeries read(CsvScanner in, RowProblems problems, LongConsumer progress, long fileSize)
      throws IOException {
    CandleRows rows = new CandleRows(problems, fileSize);
    boolean first = true;
    long count = 0;
    while (in.nextLine()) {
      if (in.blank()) {
        continue;
      }
      byte[] b = in.buffer();
      if (first) {
        first = false;
        if (in.looksLikeHeader()) {
          List<String> names = new ArrayList<>();
          for (int f = 0; f < in.fieldCount(); f++) {
            names.add(in.text(f));
          }
          rows.header(names, in.lineNumber(), in.lineText());
          continue;
        }
      }
      if ((++count & 0xFFFF) == 0) {
        progress.accept(in.bytesRead());
      }
      long line = in.lineNumber();
      if (in.malformedAt() >= 0) {
        rows.notUtf8(line, in.malformedAt(), in.lineText());
        continue;
      }
      if (!rows.fieldCount(line, in.fieldCount(), in.lineText())) {
        continue;
      }
      int ts = rows.field(CandleRows.TS);
      long t = Timestamps.parseMillis(b, in.start(ts), in.end(ts));
      if (t == Timestamps.INVALID) {
        rows.badTimestamp(line, in.text(ts));
        continue;
      }
      double o = number(in, b, rows.field(CandleRows.OPEN));
      double h = number(in, b, rows.field(CandleRows.HIGH));
      double l = number(in, b, rows.field(CandleRows.LOW));
      double c = number(in, b, rows.field(CandleRows.CLOSE));
      double v = number(in, b, rows.field(CandleRows.VOLUME));
      int bad = CandleRows.firstNaN(o, h, l, c, v);
      if (bad >= 0) {
        rows.badNumber(line, bad, in.text(rows.field(bad)));
        continue;
      }
      rows.add(line, t, o, h, l, c, v, in.consumed());
    }
    progress.accept(in.bytesRead());
    return rows.series();
  }

  private static double number(CsvScanner in, byte[] b, int field) {
    return AsciiNumbers.parseDouble(b, in.start(field), in.end(field));
  }
}
