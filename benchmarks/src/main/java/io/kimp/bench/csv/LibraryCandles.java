package io.kimp.bench.csv;

import io.kimp.backtest.data.CandleRows;
import io.kimp.backtest.data.CandleSeries;
import io.kimp.backtest.data.RowProblems;
import java.util.ArrayList;
import java.util.List;

/**
 * The row handling shared by the CSV-library candle readers: each library tokenizes, this turns its records into the
 * backtest's {@link CandleSeries} with the backtest's own {@link CandleRows} checks (so the same rows are kept, and
 * the same problems counted or thrown with the same file, line and column), converting fields by {@link LibraryFields}.
 */
final class LibraryCandles {
  /** One record as a library hands it over. */
  interface Fields {
    int count();

    String get(int field);

    /** A record's fields through its library's own accessors. */
    static Fields of(java.util.function.IntSupplier count, java.util.function.IntFunction<String> get) {
      return new Fields() {
        @Override
        public int count() {
          return count.getAsInt();
        }

        @Override
        public String get(int field) {
          return get.apply(field);
        }
      };
    }
  }

  private final CandleRows rows;
  private boolean first = true;

  LibraryCandles(String source, boolean lenient, long fileSize) {
    this.rows = new CandleRows(new RowProblems(source, lenient), fileSize);
  }

  /** One record starting on 1-based line {@code line}; {@code consumed}: input read so far, or -1 when unknown. */
  void row(long line, Fields f, long consumed) {
    int n = f.count();
    if (n == 1 && f.get(0).isEmpty()) {
      return; // a blank line
    }
    if (first) {
      first = false;
      String head = f.get(0);
      if (!head.isEmpty() && Character.isLetter(head.charAt(0)) && LibraryFields.millis(head) == LibraryFields.INVALID) {
        List<String> names = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          names.add(f.get(i));
        }
        rows.header(names, line, lineText(f));
        return;
      }
    }
    if (!rows.fieldCount(line, n, lineText(f))) {
      return;
    }
    String ts = f.get(rows.field(CandleRows.TS));
    long t = LibraryFields.millis(ts);
    if (t == LibraryFields.INVALID) {
      rows.badTimestamp(line, shorten(ts, 60));
      return;
    }
    double o = LibraryFields.number(f.get(rows.field(CandleRows.OPEN)));
    double h = LibraryFields.number(f.get(rows.field(CandleRows.HIGH)));
    double l = LibraryFields.number(f.get(rows.field(CandleRows.LOW)));
    double c = LibraryFields.number(f.get(rows.field(CandleRows.CLOSE)));
    double v = LibraryFields.number(f.get(rows.field(CandleRows.VOLUME)));
    int bad = CandleRows.firstNaN(o, h, l, c, v);
    if (bad >= 0) {
      rows.badNumber(line, bad, shorten(f.get(rows.field(bad)), 60));
      return;
    }
    rows.add(line, t, o, h, l, c, v, consumed);
  }

  CandleSeries series() {
    return rows.series();
  }

  /** The record as a line for messages (the library gives fields, not the line): joined by commas, at most 120 chars. */
  private static String lineText(Fields f) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < f.count(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(f.get(i));
    }
    return shorten(sb.toString(), 120);
  }

  private static String shorten(String s, int max) {
    return s.length() > max ? s.substring(0, max) + "…" : s;
  }
}
