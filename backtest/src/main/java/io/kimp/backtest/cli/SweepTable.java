package io.kimp.backtest.cli;

import io.kimp.backtest.report.Kpis;
import io.kimp.backtest.sim.BacktestResult;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** The KPIs of every sweep point, as an aligned text table and as {@code sweep.csv}. */
final class SweepTable {
  static final String FILE = "sweep.csv";
  private static final List<String> KPI_COLUMNS = List.of(
      "cycles", "wins", "win_rate_pct", "total_pnl_krw", "avg_pnl_krw", "roi_pct", "max_drawdown_pct", "sharpe",
      "opportunities", "open_at_end");

  private final List<String> params;
  private final List<List<String>> rows = new ArrayList<>();

  SweepTable(List<String> params) {
    this.params = List.copyOf(params);
  }

  void add(Map<String, BigDecimal> point, Kpis k, BacktestResult r) {
    List<String> row = new ArrayList<>();
    for (String p : params) {
      row.add(point.get(p).toPlainString());
    }
    row.add(Integer.toString(k.cycles()));
    row.add(Integer.toString(k.wins()));
    row.add(f2(k.winRate() * 100));
    row.add(k.totalPnlKrw().setScale(0, java.math.RoundingMode.HALF_UP).toPlainString());
    row.add(k.averagePnlKrw().setScale(0, java.math.RoundingMode.HALF_UP).toPlainString());
    row.add(String.format(Locale.ROOT, "%.4f", k.roiPercent()));
    row.add(String.format(Locale.ROOT, "%.4f", k.maxDrawdownPercent()));
    row.add(f2(k.sharpe()));
    row.add(Long.toString(r.opportunities()));
    row.add(r.openCycle() == null ? "no" : "yes");
    rows.add(row);
  }

  private List<String> header() {
    List<String> h = new ArrayList<>(params);
    h.addAll(KPI_COLUMNS);
    return h;
  }

  String csv() {
    StringBuilder b = new StringBuilder(String.join(",", header())).append('\n');
    for (List<String> r : rows) {
      b.append(String.join(",", r)).append('\n');
    }
    return b.toString();
  }

  String text() {
    List<String> h = header();
    int[] width = new int[h.size()];
    for (int c = 0; c < h.size(); c++) {
      width[c] = h.get(c).length();
      for (List<String> r : rows) {
        width[c] = Math.max(width[c], r.get(c).length());
      }
    }
    StringBuilder b = new StringBuilder();
    line(b, h, width);
    for (List<String> r : rows) {
      line(b, r, width);
    }
    return b.toString();
  }

  private static void line(StringBuilder b, List<String> cells, int[] width) {
    for (int c = 0; c < cells.size(); c++) {
      String s = cells.get(c);
      b.append(" ".repeat(width[c] - s.length())).append(s).append(c + 1 < cells.size() ? "  " : "\n");
    }
  }

  /** A directory name for a point, e.g. {@code min-spread=0.5}. */
  static String label(Map<String, BigDecimal> point) {
    return point.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue().toPlainString())
        .collect(Collectors.joining(","));
  }

  private static String f2(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }
}
