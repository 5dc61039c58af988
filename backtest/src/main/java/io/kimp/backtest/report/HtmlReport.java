package io.kimp.backtest.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.kimp.backtest.sim.BacktestResult;
import io.kimp.backtest.sim.PremiumSeries;
import io.kimp.backtest.sim.TradeRecord;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code report.html}: one self-contained page (styles inline, charts as embedded PNG data, no request leaves it) that a
 * person reads to judge a run: the KPIs, the three charts, every closed cycle, what was skipped, and the parameters.
 * A small inline script checks that every chart decoded and says so on the console if one did not (the browser test
 * reads the console).
 */
public final class HtmlReport {
  public static final String FILE = "report.html";
  private static final int MAX_TRADE_ROWS = 1000;
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

  private HtmlReport() {}

  public static void write(Path dir, BacktestResult r, Kpis k, List<InputSummary> inputs, long gapMs)
      throws IOException {
    write(dir, r, k, inputs, gapMs, null);
  }

  /** @param hedge the side-by-side comparison of a {@code --hedge} run ({@code r} is its hedged run), or null */
  public static void write(
      Path dir, BacktestResult r, Kpis k, List<InputSummary> inputs, long gapMs, HedgeComparison hedge)
      throws IOException {
    String html = render(r, k, inputs, Charts.premium(r, gapMs), Charts.equity(r), Charts.histogram(r), hedge);
    Files.writeString(dir.resolve(FILE), html, StandardCharsets.UTF_8);
  }

  static String render(
      BacktestResult r, Kpis k, List<InputSummary> inputs, byte[] premiumPng, byte[] equityPng, byte[] histogramPng) {
    return render(r, k, inputs, premiumPng, equityPng, histogramPng, null);
  }

  static String render(
      BacktestResult r, Kpis k, List<InputSummary> inputs, byte[] premiumPng, byte[] equityPng, byte[] histogramPng,
      HedgeComparison hedge) {
    StringBuilder h = new StringBuilder(64 * 1024);
    PremiumSeries ps = r.premium();
    String period = ps.size() == 0
        ? "no moments"
        : TIME.format(Instant.ofEpochMilli(ps.time(0))) + " → " + TIME.format(Instant.ofEpochMilli(ps.time(ps.size() - 1)))
            + " UTC";
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .append("<title>kimp backtest ").append(esc(r.settings().symbol())).append("</title>")
        .append("<style>")
        .append("body{font-family:'DejaVu Sans',Arial,sans-serif;margin:24px;color:#1d2733;background:#fff}")
        .append("h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #d5dbe2}")
        .append(".sub{color:#5b6775;margin-bottom:16px}")
        .append(".cards{display:flex;flex-wrap:wrap;gap:10px}")
        .append(".card{border:1px solid #d5dbe2;border-radius:6px;padding:8px 12px;min-width:130px;background:#f7f9fb}")
        .append(".card b{display:block;font-size:18px}.card span{font-size:12px;color:#5b6775}")
        .append(".pos{color:#1a7f37}.neg{color:#c0362c}")
        .append("img.chart{display:block;max-width:100%;height:auto;border:1px solid #e3e7ec;margin:8px 0}")
        .append("table{border-collapse:collapse;font-size:12px}td,th{border:1px solid #d5dbe2;padding:3px 6px;")
        .append("text-align:right}th{background:#eef2f6}td.l,th.l{text-align:left}")
        .append(".warn{background:#fff6e0;border:1px solid #f0c36d;padding:8px;border-radius:4px}")
        .append("</style></head><body>\n");
    h.append("<h1>kimp backtest — ").append(esc(r.settings().symbol())).append("</h1>");
    h.append("<div class=\"sub\">").append(esc(period)).append(" · ").append(ps.size()).append(" moments · ")
        .append(r.settings().recording() != null
            ? "a recording through the live parsers, market state, detector and CycleRules on a simulated clock"
            : "the live OpportunityRule, Sizing and CycleRules on a simulated clock")
        .append("</div>\n");

    if (!r.settings().warnings().isEmpty()) {
      h.append("<div class=\"warn\"><b>Warnings</b><ul>");
      for (String w : r.settings().warnings()) {
        h.append("<li>").append(esc(w)).append("</li>");
      }
      h.append("</ul></div>\n");
    }

    h.append("<div class=\"cards\">");
    card(h, "total PnL", krw(k.totalPnlKrw()) + " KRW", k.totalPnlKrw().signum());
    card(h, "ROI", pct(k.roiPercent()), (int) Math.signum(k.roiPercent()));
    card(h, "cycles", Integer.toString(k.cycles()), 0);
    card(h, "wins / win rate", k.wins() + " / " + pct(k.winRate() * 100), 0);
    card(h, "average PnL", krw(k.averagePnlKrw()) + " KRW", k.averagePnlKrw().signum());
    card(h, "max drawdown", krw(k.maxDrawdownKrw()) + " KRW (" + pct(k.maxDrawdownPercent()) + ")",
        -k.maxDrawdownKrw().signum());
    card(h, "Sharpe (daily, ×√365)", String.format(Locale.ROOT, "%.2f", k.sharpe()), 0);
    card(h, "premium min / mean / max",
        String.format(Locale.ROOT, "%.2f / %.2f / %.2f %%", k.premiumMin(), k.premiumMean(), k.premiumMax()), 0);
    card(h, "gaps skipped", r.coverage().skippedTotal() + " skipped, " + r.coverage().gapEpisodes() + " gaps", 0);
    card(h, "final equity", krw(k.finalEquityKrw()) + " KRW", 0);
    h.append("</div>\n");
    if (hedge != null) {
      hedge(h, hedge);
    }

    h.append("<h2>Premium over time</h2>");
    img(h, "premium over time with cycle entries and exits", premiumPng);
    h.append("<h2>Equity curve</h2>");
    img(h, "realised equity curve", equityPng);
    h.append("<h2>Premium distribution</h2>");
    img(h, "premium histogram", histogramPng);

    trades(h, r.trades());
    activity(h, r);
    coverage(h, r, inputs);
    h.append("<h2>Parameters</h2><table>");
    JsonNode params = ReportWriter.parameters(r.settings());
    for (Map.Entry<String, JsonNode> e : params.properties()) {
      h.append("<tr><th class=\"l\">").append(esc(e.getKey())).append("</th><td class=\"l\">")
          .append(esc(e.getValue().asText())).append("</td></tr>");
    }
    h.append("</table>\n<h2>How the numbers were made</h2><ul>");
    for (String a : ReportWriter.assumptions(r.settings())) {
      h.append("<li>").append(esc(a)).append("</li>");
    }
    h.append("<li>Sharpe: ").append(esc(Kpis.SHARPE_METHOD)).append(".</li></ul>\n");
    h.append("<script>\nwindow.addEventListener('load', function () {\n"
        + "  var imgs = document.querySelectorAll('img.chart');\n  var ok = 0;\n"
        + "  for (var i = 0; i < imgs.length; i++) {\n"
        + "    if (imgs[i].complete && imgs[i].naturalWidth > 0) { ok++; }\n"
        + "    else { console.error('chart did not render: ' + imgs[i].alt); }\n  }\n"
        + "  document.body.setAttribute('data-charts-rendered', ok + '/' + imgs.length);\n});\n</script>\n");
    h.append("</body></html>\n");
    return h.toString();
  }

  /** The same data unhedged and hedged, side by side. */
  private static void hedge(StringBuilder h, HedgeComparison c) {
    h.append("<h2>Hedged and unhedged, same data</h2>");
    if (c.spotProxy()) {
      h.append("<div class=\"warn\" id=\"hedge-proxy\">No perpetual price file was given: the Binance spot price stood ")
          .append("in for the perpetual (its proxy), so the short's price result mirrors spot exactly: no basis is ")
          .append("modelled.</div>");
    }
    HedgeComparison.Side u = c.unhedged();
    HedgeComparison.Side d = c.hedged();
    h.append("<table id=\"hedge-comparison\"><tr><th class=\"l\"></th><th>unhedged</th><th>hedged</th></tr>");
    pair(h, "cycles", Integer.toString(u.cycles()), Integer.toString(d.cycles()));
    pair(h, "total PnL, KRW", krw(u.pnlKrw()), krw(d.pnlKrw()));
    pair(h, "mean PnL per cycle, KRW", krw(u.meanPnlKrw()), krw(d.meanPnlKrw()));
    pair(h, "standard deviation of PnL per cycle, KRW", krw(u.pnlStdevKrw()), krw(d.pnlStdevKrw()));
    pair(h, "worst cycle, KRW", krw(u.worstCycleKrw()), krw(d.worstCycleKrw()));
    pair(h, "hedge PnL (the shorts' price result), KRW", "–", krw(d.hedgePnlKrw()));
    pair(h, "hedge cost (futures fees + funding paid), KRW", "–", krw(d.hedgeCostKrw()));
    pair(h, "futures fees, USDT", "–", d.hedgeFeesUsdt().setScale(2, RoundingMode.HALF_UP).toPlainString());
    pair(h, "funding received (negative: paid), USDT", "–",
        d.fundingUsdt().setScale(2, RoundingMode.HALF_UP).toPlainString());
    pair(h, "cycles that hedged", "–", Integer.toString(d.hedgedCycles()));
    h.append("</table><p>Perpetual prices: ").append(esc(String.valueOf(c.perpSource()))).append(". Funding: ")
        .append(esc(String.valueOf(c.fundingSource()))).append(". ").append(c.matchedCycles())
        .append(" cycles started at the same time with the same investment in both runs; on each, hedged PnL = unhedged PnL + hedge PnL − hedge ")
        .append("cost to within ").append(c.maxDeviationKrw().toPlainString()).append(" KRW.</p>\n");
  }

  private static void pair(StringBuilder h, String label, String a, String b) {
    h.append("<tr><th class=\"l\">").append(esc(label)).append("</th><td>").append(esc(a)).append("</td><td>")
        .append(esc(b)).append("</td></tr>");
  }

  private static void trades(StringBuilder h, List<TradeRecord> trades) {
    h.append("<h2>Cycles (").append(trades.size()).append(")</h2>");
    if (trades.isEmpty()) {
      h.append("<p>No cycle closed in this run.</p>");
      return;
    }
    h.append("<table><tr><th>#</th><th class=\"l\">coin</th><th class=\"l\">started</th><th class=\"l\">ended</th>")
        .append("<th>hold h</th>")
        .append("<th class=\"l\">direction</th><th class=\"l\">status</th><th>investment KRW</th>")
        .append("<th>entry premium %</th><th>net edge %</th><th>exit premium %</th>")
        .append("<th class=\"l\">carried home by</th><th>PnL KRW</th><th>PnL %</th>")
        .append("<th>failures</th></tr>");
    int shown = Math.min(trades.size(), MAX_TRADE_ROWS);
    for (int i = 0; i < shown; i++) {
      TradeRecord t = trades.get(i);
      double hold = Duration.between(t.startedAt(), t.endedAt()).toSeconds() / 3600.0;
      h.append("<tr><td>").append(i + 1).append("</td><td class=\"l\">").append(esc(t.symbol()))
          .append("</td><td class=\"l\">").append(TIME.format(t.startedAt()))
          .append("</td><td class=\"l\">").append(TIME.format(t.endedAt())).append("</td><td>")
          .append(String.format(Locale.ROOT, "%.1f", hold)).append("</td><td class=\"l\">")
          .append(t.direction()).append("</td><td class=\"l\">").append(esc(t.status())).append("</td><td>")
          .append(krw(t.investmentKrw())).append("</td><td>").append(num(t.entryPremiumPercent()))
          .append("</td><td>").append(num(t.entryNetEdgePercent())).append("</td><td>")
          .append(num(t.exitPremiumPercent())).append("</td><td class=\"l\">")
          .append(t.rebalanceCoin() == null ? "–" : esc(t.rebalanceCoin())).append("</td><td class=\"")
          .append(t.win() ? "pos" : "neg")
          .append("\">").append(krw(t.pnlKrw())).append("</td><td>").append(num(t.pnlPercent()))
          .append("</td><td>").append(t.failures()).append("</td></tr>");
    }
    h.append("</table>");
    if (shown < trades.size()) {
      h.append("<p>First ").append(shown).append(" of ").append(trades.size()).append(" cycles; all are in trades.csv.</p>");
    }
    h.append('\n');
  }

  private static void activity(StringBuilder h, BacktestResult r) {
    h.append("<h2>What the cycles went through</h2><table>");
    row(h, "opportunities found by the live rule", r.opportunities());
    row(h, "starts refused (a cycle open, capital denied)", r.startsRefused());
    row(h, "step failures (retried by the live retry rules)", r.stepFailures());
    row(h, "dead letters", r.deadLetters().size());
    row(h, "operator recoveries / discards", r.operatorRecoveries() + " / " + r.operatorDiscards());
    r.alerts().forEach((kind, n) -> row(h, "alert " + kind.name(), n));
    for (BacktestResult.OpenCycle c : r.openCycles()) {
      row(h, "open at the end (not valued)", c.symbol() + " " + c.status() + " since "
          + TIME.format(c.startedAt()) + ", " + krw(c.investmentKrw()) + " KRW");
    }
    h.append("</table>");
    if (!r.deadLetters().isEmpty()) {
      h.append("<ul>");
      for (String d : r.deadLetters()) {
        h.append("<li>").append(esc(d)).append("</li>");
      }
      h.append("</ul>");
    }
    h.append('\n');
  }

  private static void coverage(StringBuilder h, BacktestResult r, List<InputSummary> inputs) {
    h.append("<h2>Data coverage</h2><table>");
    r.coverage().skipped().forEach((reason, n) -> row(h, "skipped: " + reason, n));
    row(h, "gap episodes", r.coverage().gapEpisodes());
    row(h, "longest gap between moments", span(r.coverage().longestGapMs()));
    row(h, "inputs outside the span replayed", r.coverage().outsideOverlap());
    for (InputSummary i : inputs) {
      row(h, i.role() + ": " + i.file(), i.rows() + " rows, " + i.skippedTotal() + " bad rows skipped"
          + (i.skipped().isEmpty() ? "" : " " + i.skipped()));
      for (String e : i.examples()) {
        row(h, "", e);
      }
    }
    h.append("</table>\n");
  }

  private static void row(StringBuilder h, String k, Object v) {
    h.append("<tr><th class=\"l\">").append(esc(k)).append("</th><td class=\"l\">").append(esc(String.valueOf(v)))
        .append("</td></tr>");
  }

  private static void card(StringBuilder h, String label, String value, int sign) {
    String cls = sign > 0 ? " class=\"pos\"" : sign < 0 ? " class=\"neg\"" : "";
    h.append("<div class=\"card\"><b").append(cls).append(">").append(esc(value)).append("</b><span>")
        .append(esc(label)).append("</span></div>");
  }

  private static void img(StringBuilder h, String alt, byte[] png) {
    h.append("<img class=\"chart\" alt=\"").append(esc(alt)).append("\" width=\"").append(Charts.WIDTH)
        .append("\" height=\"").append(Charts.HEIGHT).append("\" src=\"data:image/png;base64,")
        .append(Base64.getEncoder().encodeToString(png)).append("\">\n");
  }

  private static String krw(BigDecimal v) {
    return String.format(Locale.ROOT, "%,d", v.setScale(0, RoundingMode.HALF_UP).longValueExact());
  }

  /** A duration in the unit that reads best: seconds for a recording's, hours for candles'. */
  private static String span(long ms) {
    if (ms < 60_000) {
      return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }
    if (ms < 3_600_000) {
      return String.format(Locale.ROOT, "%.1f min", ms / 60_000.0);
    }
    return String.format(Locale.ROOT, "%.1f h", ms / 3_600_000.0);
  }

  private static String pct(double v) {
    return String.format(Locale.ROOT, "%.2f %%", v);
  }

  private static String num(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.3f", v) : "–";
  }

  static String esc(String s) {
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<':
          b.append("&lt;");
          break;
        case '>':
          b.append("&gt;");
          break;
        case '&':
          b.append("&amp;");
          break;
        case '"':
          b.append("&quot;");
          break;
        case '\'':
          b.append("&#39;");
          break;
        default:
          b.append(c);
      }
    }
    return b.toString();
  }
}
