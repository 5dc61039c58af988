package io.kimp.backtest.report;

import io.kimp.backtest.sim.BacktestResult;
import io.kimp.backtest.sim.EquityPoint;
import io.kimp.backtest.sim.PremiumSeries;
import io.kimp.backtest.sim.TradeRecord;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.BitmapEncoder.BitmapFormat;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.Histogram;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.XYSeries.XYSeriesRenderStyle;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The report's charts, drawn with XChart and encoded as PNG. Long series are reduced to the minimum and maximum of each
 * of {@value #BUCKETS} time buckets (every spike stays visible), and a line is broken wherever the data has a gap, so
 * the picture never suggests prices that were not there.
 */
public final class Charts {
  static final int WIDTH = 1100;
  static final int HEIGHT = 420;
  private static final int BUCKETS = 1500;
  private static final Color PREMIUM = new Color(0x1f, 0x6f, 0xb4);
  private static final Color ENTRY = new Color(0x1a, 0x9c, 0x3a);
  private static final Color EXIT = new Color(0xd0, 0x3a, 0x2f);
  /** Lines of further coins (a recording's): distinct from the first coin's and from the markers. */
  private static final Color[] OTHER_COINS = {
    new Color(0xe0, 0x8a, 0x1e), new Color(0x7b, 0x4f, 0xa8), new Color(0x4d, 0x4d, 0x4d), new Color(0x17, 0xa2, 0xb8),
    new Color(0xb5, 0x5d, 0x8d), new Color(0x8c, 0x6d, 0x2c)
  };

  private Charts() {}

  /** Premium over time, with cycle entries (green) and rebalance starts (red). */
  public static byte[] premium(BacktestResult r, long gapMs) throws IOException {
    XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title("Premium over time")
        .xAxisTitle("time (UTC)").yAxisTitle("premium %").build();
    style(chart);
    chart.getStyler().setDatePattern(datePattern(r.premium()));
    chart.getStyler().setLegendPosition(LegendPosition.OutsideS);
    chart.getStyler().setLegendLayout(org.knowm.xchart.style.Styler.LegendLayout.Horizontal);
    PremiumSeries ps = r.premium();
    List<String> coins = ps.coins();
    for (int k = 0; k < Math.max(1, coins.size()); k++) {
      List<Date> x = new ArrayList<>();
      List<Double> y = new ArrayList<>();
      downsample(ps, k, gapMs, x, y);
      if (x.isEmpty()) {
        x.add(new Date(0));
        y.add(0.0);
      }
      XYSeries line = chart.addSeries(coins.size() > 1 ? "premium % " + coins.get(k) : "premium %", x, y);
      line.setMarker(SeriesMarkers.NONE);
      line.setLineColor(k == 0 ? PREMIUM : OTHER_COINS[(k - 1) % OTHER_COINS.length]);
      line.setLineStyle(new BasicStroke(1.2f));
    }
    List<Date> ex = new ArrayList<>();
    List<Double> ey = new ArrayList<>();
    List<Date> xx = new ArrayList<>();
    List<Double> xy = new ArrayList<>();
    for (TradeRecord t : r.trades()) {
      ex.add(Date.from(t.startedAt()));
      ey.add(t.entryPremiumPercent());
      if (t.rebalanceAt() != null && Double.isFinite(t.exitPremiumPercent())) {
        xx.add(Date.from(t.rebalanceAt()));
        xy.add(t.exitPremiumPercent());
      }
    }
    for (BacktestResult.OpenCycle c : r.openCycles()) {
      ex.add(Date.from(c.startedAt()));
      ey.add(c.entryPremiumPercent());
    }
    scatter(chart, "cycle entry", ex, ey, ENTRY, true);
    scatter(chart, "cycle exit (rebalance)", xx, xy, EXIT, false);
    return png(chart);
  }

  /** Realised equity, a step at every closed cycle. */
  public static byte[] equity(BacktestResult r) throws IOException {
    XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title("Equity curve (realised)")
        .xAxisTitle("time (UTC)").yAxisTitle("equity KRW").build();
    style(chart);
    chart.getStyler().setDatePattern(datePattern(r.premium()));
    chart.getStyler().setYAxisDecimalPattern("#,###");
    List<Date> x = new ArrayList<>();
    List<Double> y = new ArrayList<>();
    for (EquityPoint p : r.equity()) {
      x.add(Date.from(p.at()));
      y.add(p.equityKrw().doubleValue());
    }
    XYSeries s = chart.addSeries("equity KRW", x, y);
    s.setXYSeriesRenderStyle(XYSeriesRenderStyle.Step);
    s.setMarker(SeriesMarkers.NONE);
    s.setLineColor(PREMIUM);
    return png(chart);
  }

  /** Distribution of the premium over all moments. */
  public static byte[] histogram(BacktestResult r) throws IOException {
    PremiumSeries ps = r.premium();
    List<Double> values = new ArrayList<>(ps.size());
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < ps.size(); i++) {
      values.add(ps.premium(i));
      min = Math.min(min, ps.premium(i));
      max = Math.max(max, ps.premium(i));
    }
    if (values.isEmpty()) {
      values.add(0.0);
      min = -1;
      max = 1;
    }
    if (max - min < 1e-9) {
      min -= 0.5;
      max += 0.5;
    }
    double lo = Math.floor(min * 10) / 10;
    double hi = Math.ceil(max * 10) / 10;
    int bins = (int) Math.max(10, Math.min(60, Math.round((hi - lo) / 0.1)));
    Histogram h = new Histogram(values, bins, lo, hi);
    CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title("Premium distribution")
        .xAxisTitle("premium % (bin centre)").yAxisTitle("moments").build();
    chart.getStyler().setLegendVisible(false);
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setPlotGridVerticalLinesVisible(false);
    chart.getStyler().setXAxisDecimalPattern("0.00");
    chart.getStyler().setXAxisLabelRotation(60);
    chart.getStyler().setAvailableSpaceFill(0.95);
    chart.addSeries("moments", h.getxAxisData(), h.getyAxisData()).setFillColor(PREMIUM);
    return png(chart);
  }

  private static void scatter(XYChart chart, String name, List<Date> x, List<Double> y, Color color, boolean up) {
    if (x.isEmpty()) {
      return;
    }
    XYSeries s = chart.addSeries(name, x, y);
    s.setXYSeriesRenderStyle(XYSeriesRenderStyle.Scatter);
    s.setMarker(up ? SeriesMarkers.TRIANGLE_UP : SeriesMarkers.TRIANGLE_DOWN);
    s.setMarkerColor(color);
  }

  /** Days for a run of days or more; the time of day for a short one (a recording of minutes). */
  private static String datePattern(PremiumSeries ps) {
    boolean short_ = ps.size() > 0 && ps.time(ps.size() - 1) - ps.time(0) < 2 * 86_400_000L;
    return short_ ? "HH:mm:ss" : "yyyy-MM-dd";
  }

  private static void style(XYChart chart) {
    chart.getStyler().setLegendPosition(LegendPosition.InsideNW);
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setMarkerSize(9);
    chart.getStyler().setXAxisLabelRotation(0);
  }

  /**
   * The points of coin {@code coin} (an index into {@link PremiumSeries#coins()}): min and max per time bucket (in time
   * order), a null (a break in the line) wherever consecutive points are more than {@code gapMs} apart.
   */
  static void downsample(PremiumSeries ps, int coin, long gapMs, List<Date> x, List<Double> y) {
    int total = ps.size();
    int[] idx = new int[total];
    int n = 0;
    for (int i = 0; i < total; i++) {
      if (ps.coinIndex(i) == coin) {
        idx[n++] = i;
      }
    }
    if (n == 0) {
      return;
    }
    long t0 = ps.time(idx[0]);
    long span = Math.max(1, ps.time(idx[n - 1]) - t0);
    boolean reduce = n > BUCKETS * 2;
    double width = (double) span / BUCKETS;
    int i = 0;
    while (i < n) {
      if (i > 0 && gapMs > 0 && ps.time(idx[i]) - ps.time(idx[i - 1]) > gapMs) {
        x.add(new Date(ps.time(idx[i - 1]) + 1));
        y.add(null);
      }
      if (!reduce) {
        x.add(new Date(ps.time(idx[i])));
        y.add(ps.premium(idx[i]));
        i++;
        continue;
      }
      long bucket = (long) ((ps.time(idx[i]) - t0) / width);
      int lo = i;
      int hi = i;
      int j = i + 1;
      while (j < n && (long) ((ps.time(idx[j]) - t0) / width) == bucket
          && !(gapMs > 0 && ps.time(idx[j]) - ps.time(idx[j - 1]) > gapMs)) {
        if (ps.premium(idx[j]) < ps.premium(idx[lo])) {
          lo = j;
        }
        if (ps.premium(idx[j]) > ps.premium(idx[hi])) {
          hi = j;
        }
        j++;
      }
      int a = Math.min(lo, hi);
      int b = Math.max(lo, hi);
      x.add(new Date(ps.time(idx[a])));
      y.add(ps.premium(idx[a]));
      if (b != a) {
        x.add(new Date(ps.time(idx[b])));
        y.add(ps.premium(idx[b]));
      }
      i = j;
    }
  }

  private static byte[] png(Chart<?, ?> chart) throws IOException {
    return BitmapEncoder.getBitmapBytes(chart, BitmapFormat.PNG);
  }
}
