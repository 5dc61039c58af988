package io.kimp.backtest.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.kimp.backtest.BacktestSettings;
import io.kimp.backtest.TestData;
import io.kimp.backtest.cli.BacktestCommand;
import io.kimp.backtest.data.CandleSeries;
import io.kimp.backtest.data.FxSeries;
import io.kimp.backtest.market.CandleMarketSource;
import io.kimp.backtest.sim.Backtest;
import io.kimp.backtest.sim.BacktestResult;
import io.kimp.backtest.sim.ProgressListener;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * report.html of a real-data run, opened in headless Chromium: it renders (a screenshot with real content), its charts
 * decode (the page's own check reports 3/3), nothing reaches the console, and nothing is fetched from anywhere.
 * The checks themselves are shown able to fail on a broken page and a blank one.
 */
class ReportBrowserTest {
  @TempDir Path dir;

  @Test
  void theRealDataReportRendersOfflineWithChartsAndNoConsoleErrors() throws Exception {
    HeadlessChromium chromium = HeadlessChromium.require(dir);
    Path out = dir.resolve("report");
    StringWriter err = new StringWriter();
    int code = new CommandLine(new BacktestCommand()).setOut(new PrintWriter(new StringWriter()))
        .setErr(new PrintWriter(err)).execute(
            "--upbit", TestData.upbitCandles().toString(), "--binance", TestData.binanceCandles().toString(),
            "--fx", TestData.usdKrwDaily().toString(), "--symbol", "BTC", "--investment", "10000000",
            "--out", out.toString());
    assertThat(code).as(err.toString()).isZero();
    Path html = out.resolve(HtmlReport.FILE);
    String source = Files.readString(html);
    assertThat(source).doesNotContainPattern("(?i)(src|href)\\s*=\\s*\"(https?:)?//")
        .doesNotContainPattern("(?i)url\\(\\s*['\"]?(https?:)?//")
        .contains("data:image/png;base64,");

    HeadlessChromium.Page page = chromium.screenshot(html, 1280, 2600);
    assertThat(page.console()).as("console output of the report").isEmpty();
    assertThat(page.screenshot().getWidth()).isEqualTo(1280);
    assertThat(HeadlessChromium.luminanceSpread(page.screenshot())).as("luminance spread").isGreaterThan(20);
    assertThat(HeadlessChromium.inkedShare(page.screenshot())).as("share of drawn pixels").isGreaterThan(0.05);

    String dom = chromium.dumpDom(html);
    assertThat(dom).contains("data-charts-rendered=\"3/3\"").contains("kimp backtest — BTC").contains("total PnL");
  }

  @Test
  void theChecksCatchABrokenChartAndABlankPage() throws Exception {
    HeadlessChromium chromium = HeadlessChromium.require(dir);
    BacktestResult r = tinyReplay();
    String checker = HtmlReport.render(r, Kpis.of(r), List.of(), new byte[] {1, 2, 3}, new byte[0], new byte[0]);
    Path broken = TestData.write(dir, "broken.html", checker);
    HeadlessChromium.Page page = chromium.screenshot(broken, 800, 600);
    assertThat(page.console()).anySatisfy(l -> assertThat(l).contains("chart did not render"));
    assertThat(chromium.dumpDom(broken)).contains("data-charts-rendered=\"0/3\"");

    Path blank = TestData.write(dir, "blank.html", "<!DOCTYPE html><html><body style=\"background:#fff\"></body></html>");
    HeadlessChromium.Page white = chromium.screenshot(blank, 800, 600);
    assertThat(HeadlessChromium.luminanceSpread(white.screenshot())).isLessThan(1);
    assertThat(HeadlessChromium.inkedShare(white.screenshot())).isZero();
  }

  /** A real (if short) replay, so the page is the report's own markup and script. */
  private static BacktestResult tinyReplay() {
    long t0 = 1_735_689_600_000L;
    long[] t = {t0, t0 + 300_000};
    CandleSeries upbit = CandleSeries.of("u", t, new double[] {140_000_000, 140_000_000}, new double[] {1, 1});
    CandleSeries binance = CandleSeries.of("b", t, new double[] {100_000, 100_000}, new double[] {1, 1});
    FxSeries fx = FxSeries.of("fx", new long[] {t0}, new double[] {1400}, false, 3_600_000, 3_600_000);
    BacktestSettings s = TestData.settings("BTC", Map.of());
    return new Backtest(s).run(
        new CandleMarketSource("BTC", upbit, binance, fx, s.books(), Long.MIN_VALUE, Long.MAX_VALUE),
        ProgressListener.NONE);
  }
}
