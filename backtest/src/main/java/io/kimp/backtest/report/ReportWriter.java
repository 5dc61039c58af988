package io.kimp.backtest.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kimp.backtest.BacktestSettings;
import io.kimp.backtest.data.Timestamps;
import io.kimp.backtest.sim.BacktestResult;
import io.kimp.backtest.sim.EquityPoint;
import io.kimp.backtest.sim.HedgeRecord;
import io.kimp.backtest.sim.HedgeRun;
import io.kimp.backtest.sim.PremiumSeries;
import io.kimp.backtest.sim.TradeRecord;
import io.kimp.core.market.Venue;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a replay's machine-readable outputs: {@code report.json} (KPIs, coverage, activity, parameters, assumptions),
 * {@code trades.csv} (one row per closed cycle), {@code premium.csv} (the premium at every moment, with its inputs and
 * coin) and {@code equity.csv} (the realised equity curve).
 */
public final class ReportWriter {
  public static final String REPORT_JSON = "report.json";
  public static final String TRADES_CSV = "trades.csv";
  public static final String PREMIUM_CSV = "premium.csv";
  public static final String EQUITY_CSV = "equity.csv";

  /** What a reader must know about how the numbers of a candle replay were made. */
  public static final List<String> ASSUMPTIONS = List.of(
      "Decisions are the live code's: OpportunityRule.detect sized by Sizing, the cycle by CycleRules.decide/apply.",
      "A moment needs both venues' candles with the same open time and acts on their closes; other candles are skipped"
          + " and counted, never interpolated.",
      "Books are modelled from candles: one level each side at close × (1 ∓ half-spread), as deep as depth-fraction of"
          + " the candle's volume.",
      "The USD/KRW rate stands in for USDT/KRW; it is the last value at or before the moment (see fx parameters).",
      "Market orders fill at once against the modelled book; taker fees are charged in the bought asset; withdrawals"
          + " pay the configured network fee and are credited after the transfer delay.",
      "PnL is realised: a cycle's result counts when its capital is released; a cycle open at the end is not valued.",
      "Not modelled: the live portfolio's daily-loss pause, venue outages other than data gaps, deposit address"
          + " failures, partial venue answers.");

  /** What a reader must know about how the numbers of a recording's replay were made. */
  public static final List<String> RECORDING_ASSUMPTIONS = List.of(
      "Decisions are the live code's: the recorded frames go through the live parsers, market state and opportunity"
          + " detector (stale guard, cooldown, evaluation size, volume cap); each coin's cycle runs"
          + " CycleRules.decide/apply and its capital is sized by Sizing.",
      "A moment is a frame that changed a coin's inputs while both its books and the USDT/KRW rate were fresh; the"
          + " detector judges each frame at its recorded receive time, the cycles run on the simulated clock.",
      "Books are the recorded ones (Binance best bid/offer laid over its partial depth); USDT/KRW is Upbit KRW-USDT.",
      "Market orders fill at once against the recorded book; taker fees are charged in the bought asset; withdrawals"
          + " pay the configured network fee and are credited after the transfer delay.",
      "PnL is realised: a cycle's result counts when its capital is released; a cycle open at the end is not valued.",
      "Not modelled: the live portfolio's daily-loss pause, venue outages, deposit address failures, partial venue"
          + " answers.");

  /** The assumptions of the replay {@code s} describes. */
  public static List<String> assumptions(BacktestSettings s) {
    return s.recording() != null ? RECORDING_ASSUMPTIONS : ASSUMPTIONS;
  }

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ReportWriter() {}

  public static void writeAll(Path dir, BacktestResult r, Kpis k, List<InputSummary> inputs, Map<String, Object> run)
      throws IOException {
    writeAll(dir, r, k, inputs, run, null);
  }

  /** @param hedge the side-by-side comparison of a {@code --hedge} run ({@code r} is its hedged run), or null */
  public static void writeAll(
      Path dir, BacktestResult r, Kpis k, List<InputSummary> inputs, Map<String, Object> run, HedgeComparison hedge)
      throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(REPORT_JSON), json(r, k, inputs, run, hedge), StandardCharsets.UTF_8);
    writeTrades(dir.resolve(TRADES_CSV), r.trades(), r.hedge());
    writePremium(dir.resolve(PREMIUM_CSV), r.premium());
    writeEquity(dir.resolve(EQUITY_CSV), r.equity());
  }

  static String json(BacktestResult r, Kpis k, List<InputSummary> inputs, Map<String, Object> run)
      throws IOException {
    return json(r, k, inputs, run, null);
  }

  static String json(
      BacktestResult r, Kpis k, List<InputSummary> inputs, Map<String, Object> run, HedgeComparison hedge)
      throws IOException {
    ObjectNode root = JSON.createObjectNode();
    BacktestSettings s = r.settings();
    root.put("symbol", s.symbol());
    root.put("input", s.recording() != null ? "recording" : "candles");
    ArrayNode coins = root.putArray("coins");
    r.premium().coins().forEach(coins::add);
    ObjectNode period = root.putObject("period");
    PremiumSeries ps = r.premium();
    period.put("from", ps.size() > 0 ? Timestamps.iso(ps.time(0)) : null);
    period.put("to", ps.size() > 0 ? Timestamps.iso(ps.time(ps.size() - 1)) : null);
    period.put("moments", ps.size());

    ObjectNode kpis = root.putObject("kpis");
    kpis.put("totalPnlKrw", k.totalPnlKrw());
    kpis.put("cycles", k.cycles());
    kpis.put("wins", k.wins());
    kpis.put("winRate", k.winRate());
    kpis.put("averagePnlKrw", k.averagePnlKrw());
    kpis.put("roiPercent", k.roiPercent());
    kpis.put("maxDrawdownKrw", k.maxDrawdownKrw());
    kpis.put("maxDrawdownPercent", k.maxDrawdownPercent());
    kpis.put("sharpe", k.sharpe());
    kpis.put("sharpeDays", k.sharpeDays());
    kpis.put("sharpeMethod", Kpis.SHARPE_METHOD);
    kpis.put("initialEquityKrw", k.initialEquityKrw());
    kpis.put("finalEquityKrw", k.finalEquityKrw());
    kpis.put("averageHoldMinutes", k.averageHoldMinutes());

    ObjectNode premium = root.putObject("premium");
    premium.put("minPercent", k.premiumMin());
    premium.put("meanPercent", k.premiumMean());
    premium.put("maxPercent", k.premiumMax());
    premium.put("points", ps.size());

    ObjectNode gaps = root.putObject("gapsSkipped");
    r.coverage().skipped().forEach(gaps::put);
    gaps.put("total", r.coverage().skippedTotal());
    gaps.put("gapEpisodes", r.coverage().gapEpisodes());
    gaps.put("longestGapMinutes", r.coverage().longestGapMs() / 60_000.0);
    gaps.put("outsideOverlap", r.coverage().outsideOverlap());

    ArrayNode in = root.putArray("inputs");
    for (InputSummary i : inputs) {
      ObjectNode o = in.addObject();
      o.put("role", i.role());
      o.put("file", i.file());
      o.put("rows", i.rows());
      o.put("badRowsSkipped", i.skippedTotal());
      ObjectNode by = o.putObject("badRowsByKind");
      i.skipped().forEach(by::put);
      ArrayNode ex = o.putArray("badRowExamples");
      i.examples().forEach(ex::add);
    }

    ObjectNode act = root.putObject("activity");
    act.put("opportunities", r.opportunities());
    act.put("startsRefused", r.startsRefused());
    act.put("stepFailures", r.stepFailures());
    act.put("operatorRecoveries", r.operatorRecoveries());
    act.put("operatorDiscards", r.operatorDiscards());
    ArrayNode dl = act.putArray("deadLetters");
    r.deadLetters().forEach(dl::add);
    ObjectNode alerts = act.putObject("alerts");
    r.alerts().forEach((kind, n) -> alerts.put(kind.name(), n));
    ArrayNode open = act.putArray("openCyclesAtEnd");
    for (BacktestResult.OpenCycle c : r.openCycles()) {
      ObjectNode oc = open.addObject();
      oc.put("cycleId", c.cycleId().toString());
      oc.put("symbol", c.symbol());
      oc.put("status", c.status().name());
      oc.put("startedAt", c.startedAt().toString());
      oc.put("investmentKrw", c.investmentKrw());
    }
    ObjectNode bal = act.putObject("venueBalancesAtEnd");
    for (Map.Entry<Venue, Map<String, BigDecimal>> e : r.balances().entrySet()) {
      ObjectNode v = bal.putObject(e.getKey().name().toLowerCase(Locale.ROOT));
      e.getValue().forEach((asset, amount) -> v.put(asset, amount.stripTrailingZeros().toPlainString()));
    }
    act.put("decisions", r.decisions());

    if (hedge != null) {
      root.set("hedge", hedge(hedge, r.hedge()));
    } else if (r.hedge() != null) {
      root.set("hedge", hedgeRun(r.hedge())); // hedged by the configuration (kimp.hedge.enabled), not by --hedge
    }
    root.set("parameters", parameters(s));
    ObjectNode runNode = root.putObject("run");
    run.forEach((key, value) -> runNode.putPOJO(key, value));
    runNode.put("simulationSeconds", r.elapsedNanos() / 1e9);
    ArrayNode w = root.putArray("warnings");
    s.warnings().forEach(w::add);
    ArrayNode a = root.putArray("assumptions");
    assumptions(s).forEach(a::add);
    return JSON.writeValueAsString(root);
  }

  /** The {@code hedge} section: the two runs side by side, where the perpetual's prices came from, the totals. */
  static ObjectNode hedge(HedgeComparison c, HedgeRun run) {
    ObjectNode h = JSON.createObjectNode();
    h.put("perpetualPrices", c.spotProxy() ? "spot-proxy" : "file");
    h.put("perpetualSource", c.perpSource());
    h.put("funding", c.fundingSource());
    h.set("unhedged", side(c.unhedged()));
    h.set("hedged", side(c.hedged()));
    h.put("matchedCycles", c.matchedCycles());
    h.put("maxDeviationKrw", c.maxDeviationKrw());
    h.put("identity", "per matched cycle: hedged PnL = unhedged PnL + hedge PnL - hedge cost");
    if (run != null) {
      h.put("futuresFills", run.fills());
      h.put("fundingPayments", run.fundingPayments());
      h.put("futuresWalletUsdtAtEnd", run.walletUsdt());
      ObjectNode pos = h.putObject("positionsAtEnd");
      run.positionsAtEnd().forEach((coin, q) -> pos.put(coin, q.stripTrailingZeros().toPlainString()));
    }
    ArrayNode notes = h.putArray("notes");
    c.notes().forEach(notes::add);
    return h;
  }

  /** The {@code hedge} section of a run the configuration hedged, without an unhedged run to compare it with. */
  static ObjectNode hedgeRun(HedgeRun run) {
    ObjectNode h = JSON.createObjectNode();
    h.put("perpetualPrices", run.spotProxy() ? "spot-proxy" : "file");
    h.put("perpetualSource", run.perpSource());
    h.put("funding", run.fundingSource());
    h.put("hedgedCycles", run.byCycle().size());
    h.put("futuresFeesUsdt", run.feesUsdt());
    h.put("fundingUsdt", run.fundingUsdt());
    h.put("futuresFills", run.fills());
    h.put("fundingPayments", run.fundingPayments());
    ObjectNode pos = h.putObject("positionsAtEnd");
    run.positionsAtEnd().forEach((coin, q) -> pos.put(coin, q.stripTrailingZeros().toPlainString()));
    ArrayNode notes = h.putArray("notes");
    run.notes().forEach(notes::add);
    return h;
  }

  private static ObjectNode side(HedgeComparison.Side s) {
    ObjectNode o = JSON.createObjectNode();
    o.put("cycles", s.cycles());
    o.put("hedgedCycles", s.hedgedCycles());
    o.put("pnlKrw", s.pnlKrw().setScale(2, RoundingMode.HALF_UP));
    o.put("meanPnlKrw", s.meanPnlKrw().setScale(2, RoundingMode.HALF_UP));
    o.put("pnlStdevPerCycleKrw", s.pnlStdevKrw().setScale(2, RoundingMode.HALF_UP));
    o.put("worstCycleKrw", s.worstCycleKrw().setScale(2, RoundingMode.HALF_UP));
    o.put("hedgePnlKrw", s.hedgePnlKrw().setScale(2, RoundingMode.HALF_UP));
    o.put("hedgeCostKrw", s.hedgeCostKrw().setScale(2, RoundingMode.HALF_UP));
    o.put("hedgeFeesUsdt", s.hedgeFeesUsdt());
    o.put("fundingUsdt", s.fundingUsdt());
    return o;
  }

  /** Every setting the replay ran with. */
  public static ObjectNode parameters(BacktestSettings s) {
    ObjectNode p = JSON.createObjectNode();
    var c = s.cycle();
    var pf = s.portfolio();
    p.put("symbol", s.symbol());
    p.put("minSpreadPercent", s.minSpreadPercent());
    p.put("finalizerMinProfitPercent", c.rebalance().finalizerMinProfitPercent());
    p.put("volumeCapFraction", s.volumeCapFraction());
    if (s.recording() != null) {
      p.put("opportunityCooldownSeconds", s.recording().detector().cooldown().toMillis() / 1000.0);
      p.put("evaluationSizeKrw", s.recording().detector().rule().sizeKrw());
    }
    for (Venue v : Venue.values()) {
      String name = v.name().toLowerCase(Locale.ROOT);
      p.put(name + "TakerFee", c.costs().takerFee(v));
      for (String coin : s.symbols()) {
        p.put(name + "WithdrawalFee" + coin, c.costs().withdrawalFee(v, coin));
      }
    }
    p.put("capitalKrw", pf.capitalKrw());
    p.put("sizing", pf.sizing().name());
    p.put("fixedAmountKrw", pf.fixedAmountKrw());
    p.put("percentage", pf.percentage());
    p.put("minOrderKrw", pf.minOrderKrw());
    p.put("maxExposureKrw", pf.maxExposureKrw());
    p.put("transferDelayMinutes", s.transferDelay().toSeconds() / 60.0);
    p.put("depositTimeoutMinutes", c.transfer().depositTimeout().toSeconds() / 60.0);
    p.put("retryBaseDelayMinutes", c.retry().baseDelay().toSeconds() / 60.0);
    p.put("maxAttempts", c.retry().maxAttempts());
    p.put("rebalanceCheckIntervalSeconds", c.rebalance().checkInterval().toSeconds());
    p.put("pollIntervalSeconds", c.transfer().pollInterval().toSeconds());
    p.put("staleAfterMinutes", s.staleAfter().toMillis() / 60_000.0);
    if (s.recording() == null) {
      p.put("halfSpreadBps", s.books().halfSpread() * 10_000);
      p.put("depthFraction", s.books().depthFraction());
      p.put("fxDailyEffectiveAfterHours", s.fx().dailyEffectiveAfter().toSeconds() / 3600.0);
      p.put("fxDailyMaxAgeDays", s.fx().dailyMaxAge().toSeconds() / 86_400.0);
      p.put("fxIntradayMaxAgeMinutes", s.fx().intradayMaxAge().toSeconds() / 60.0);
    }
    p.put("hedge", c.hedge().enabled());
    if (c.hedge().enabled()) {
      p.put("futuresTakerFee", c.hedge().futuresTakerFee());
      p.put("hedgeLeverage", c.hedge().leverage());
      p.put("hedgeUnlisted", c.hedge().unlisted().name());
    }
    p.put("operator", s.operatorRecovers() ? "recover" : "none");
    p.put("seed", s.seed());
    return p;
  }

  static void writeTrades(Path file, List<TradeRecord> trades) throws IOException {
    writeTrades(file, trades, null);
  }

  /** With {@code hedge}, each row also says what the cycle's hedge did (empty for a cycle that did not hedge). */
  static void writeTrades(Path file, List<TradeRecord> trades, HedgeRun hedge)
      throws IOException {
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write("cycle_id,symbol,direction,status,started_at,rebalance_at,ended_at,hold_minutes,investment_krw,"
          + "entry_premium_pct,entry_net_edge_pct,exit_premium_pct,rebalance_coin,pnl_krw,pnl_pct,failures,"
          + "initial_buy_price,initial_sell_price,rebalance_buy_price,rebalance_sell_price"
          + (hedge == null ? "" : ",hedge_short_qty,hedge_closed_qty,hedge_open_price,hedge_close_price,"
              + "hedge_pnl_usdt,hedge_fees_usdt,hedge_funding_usdt,hedge_usdt_krw,hedge_pnl_krw,hedge_cost_krw")
          + "\n");
      for (TradeRecord t : trades) {
        w.write(String.join(",",
            t.cycleId().toString(), t.symbol(), t.direction().name(), t.status(), iso(t.startedAt()),
            iso(t.rebalanceAt()), iso(t.endedAt()),
            num(java.time.Duration.between(t.startedAt(), t.endedAt()).toSeconds() / 60.0),
            plain(t.investmentKrw()), num(t.entryPremiumPercent()), num(t.entryNetEdgePercent()),
            num(t.exitPremiumPercent()), t.rebalanceCoin() == null ? "" : t.rebalanceCoin(), plain(t.pnlKrw()),
            num(t.pnlPercent()), Integer.toString(t.failures()), plain(t.initialBuyPrice()),
            plain(t.initialSellPrice()), plain(t.rebalanceBuyPrice()), plain(t.rebalanceSellPrice())));
        if (hedge != null) {
          HedgeRecord h = hedge.byCycle().get(t.cycleId());
          w.write(h == null ? ",,,,,,,,," : "," + String.join(",", plain(h.shortedQuantity()),
              plain(h.closedQuantity()), plain(h.averageOpenPrice()), plain(h.averageClosePrice()), plain(h.pnlUsdt()),
              plain(h.feesUsdt()), plain(h.fundingUsdt()), plain(h.usdtKrw()), plain(h.pnlKrw()),
              plain(h.costKrw())));
        }
        w.write('\n');
      }
    }
  }

  static void writePremium(Path file, PremiumSeries ps) throws IOException {
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write("timestamp,premium_pct,upbit_mid_krw,binance_mid_usdt,usdt_krw,coin\n");
      StringBuilder sb = new StringBuilder(128);
      for (int i = 0; i < ps.size(); i++) {
        sb.setLength(0);
        sb.append(Timestamps.iso(ps.time(i))).append(',').append(ps.premium(i)).append(',')
            .append(ps.upbitMid(i)).append(',').append(ps.binanceMid(i)).append(',').append(ps.usdtKrw(i))
            .append(',').append(ps.coin(i)).append('\n');
        w.append(sb);
      }
    }
  }

  static void writeEquity(Path file, List<EquityPoint> equity) throws IOException {
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write("timestamp,equity_krw\n");
      for (EquityPoint p : equity) {
        w.write(iso(p.at()) + "," + plain(p.equityKrw()) + "\n");
      }
    }
  }

  private static String iso(Instant t) {
    return t == null ? "" : t.toString();
  }

  private static String num(double v) {
    return Double.isFinite(v) ? Double.toString(v) : "";
  }

  private static String plain(BigDecimal v) {
    return v == null ? "" : v.stripTrailingZeros().toPlainString();
  }
}
