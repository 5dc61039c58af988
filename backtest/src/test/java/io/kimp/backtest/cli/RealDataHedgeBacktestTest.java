package io.kimp.backtest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kimp.backtest.BacktestSettings;
import io.kimp.backtest.CandleInputs;
import io.kimp.backtest.TestData;
import io.kimp.backtest.sim.Backtest;
import io.kimp.backtest.sim.BacktestResult;
import io.kimp.backtest.sim.DecisionTap;
import io.kimp.backtest.sim.PerpReplay;
import io.kimp.backtest.sim.ProgressListener;
import io.kimp.core.cycle.CycleEvent;
import io.kimp.core.cycle.CycleEvent.StepCompleted;
import io.kimp.core.cycle.Leg;
import io.kimp.core.cycle.Step;
import io.kimp.core.cycle.journal.FilledOrder;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code kimp backtest --hedge} on the real 2025 BTC data (spot as the perpetual's proxy: the shared data has no
 * perpetual file), end to end through the live cycle rules' hedge steps: every hedged leg shorts the quantity its BUY
 * left to transfer (on the contract's step) and buys exactly that back reduce-only; the venue is flat at the end; and
 * the report's figures agree with each other, recomputed here from trades.csv of both runs: per matched cycle, hedged
 * PnL = unhedged PnL + hedge PnL − hedge cost, to the cent.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RealDataHedgeBacktestTest {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
  private static final BigDecimal STEP = new BigDecimal("0.001");
  private static final BigDecimal CENT = new BigDecimal("0.01");

  @TempDir static Path out;
  private String stdout;

  @BeforeAll
  void runOnce() {
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    int exit = new CommandLine(new BacktestCommand()).setOut(new PrintWriter(o)).setErr(new PrintWriter(e)).execute(
        "--upbit", TestData.upbitCandles().toString(),
        "--binance", TestData.binanceCandles().toString(),
        "--fx", TestData.usdKrwDaily().toString(),
        "--symbol", "BTC",
        "--capital", "20000000",
        "--investment", "10000000",
        "--min-spread", "0.5",
        "--hedge",
        "--no-html",
        "--out", out.toString());
    stdout = o.toString();
    System.out.println(stdout);
    assertThat(exit).as("exit code; stderr: %s", e).isZero();
  }

  @Test
  void hedgedLegsShortWhatTheBuyLeftAndCloseExactlyThatShort() {
    BacktestSettings s = TestData.settings("BTC", Map.of(
        "kimp.strategy.min-spread-percent", "0.5", "kimp.portfolio.sizing", "FIXED_AMOUNT",
        "kimp.portfolio.fixed-amount-krw", "10000000", "kimp.portfolio.capital-krw", "20000000",
        "kimp.risk.max-exposure-krw", "20000000", "kimp.hedge.enabled", "on"));
    assertThat(s.cycle().hedge().enabled()).isTrue();
    CandleInputs in = CandleInputs.load(TestData.upbitCandles(), TestData.binanceCandles(), TestData.usdKrwDaily(),
        false, s.fx(), b -> {});
    Map<String, FilledOrder> fills = new HashMap<>();
    List<String> legs = new ArrayList<>();
    BacktestResult r = new Backtest(s, PerpReplay.spotProxy()).run(
        in.source("BTC", s.books(), Long.MIN_VALUE, Long.MAX_VALUE), ProgressListener.NONE, new DecisionTap() {
          @Override
          public void event(CycleEvent e) {
            if (e instanceof StepCompleted c && c.order() != null) {
              fills.put(c.cycleId() + "/" + c.leg() + "/" + c.step(), c.order());
              if (c.step() == Step.HEDGE_CLOSE) {
                legs.add(c.cycleId() + "/" + c.leg());
              }
            }
          }
        });
    assertThat(r.trades()).isNotEmpty();
    // both legs of every closed cycle hedged (a cycle open at the end may have closed its first leg's short too)
    assertThat(legs.size()).isBetween(2 * r.trades().size(), 2 * r.trades().size() + r.openCycles().size());
    for (String leg : legs) {
      FilledOrder buy = fills.get(leg + "/" + Step.BUY);
      FilledOrder open = fills.get(leg + "/" + Step.HEDGE_OPEN);
      FilledOrder close = fills.get(leg + "/" + Step.HEDGE_CLOSE);
      BigDecimal left = buy.filledQuantity().subtract(buy.feeAsset().equals("BTC") ? buy.fee() : BigDecimal.ZERO);
      BigDecimal expected = left.divide(STEP, 0, RoundingMode.DOWN).multiply(STEP);
      assertThat(open.filledQuantity()).as("short of %s", leg).isEqualByComparingTo(expected);
      assertThat(close.filledQuantity()).as("close of %s", leg).isEqualByComparingTo(open.filledQuantity());
      assertThat(open.feeAsset()).isEqualTo("USDT");
    }
    for (var t : r.trades()) {
      assertThat(legs).contains(t.cycleId() + "/" + Leg.INITIAL, t.cycleId() + "/" + Leg.REBALANCE);
    }
    // nothing left short but what a cycle open at the end holds
    if (r.openCycles().isEmpty()) {
      assertThat(r.hedge().positionsAtEnd()).isEmpty();
    }
    assertThat(r.hedge().spotProxy()).isTrue();
    assertThat(r.hedge().fundingUsdt()).isEqualByComparingTo("0");
  }

  private static Map<String, Map<String, String>> rows(Path csv) throws Exception {
    List<String> lines = Files.readAllLines(csv);
    String[] header = lines.get(0).split(",");
    Map<String, Map<String, String>> byStart = new HashMap<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",", -1);
      Map<String, String> row = new HashMap<>();
      for (int i = 0; i < header.length; i++) {
        row.put(header[i], f[i]);
      }
      byStart.put(row.get("started_at"), row);
    }
    return byStart;
  }

  @Test
  void theFiguresAgreeWithEachOtherAndWithBothRunsTrades() throws Exception {
    JsonNode h = JSON.readTree(out.resolve("report.json").toFile()).get("hedge");
    assertThat(h.get("perpetualPrices").asText()).isEqualTo("spot-proxy");
    JsonNode un = h.get("unhedged");
    JsonNode he = h.get("hedged");
    int cycles = he.get("cycles").asInt();
    assertThat(cycles).isPositive();
    assertThat(he.get("hedgedCycles").asInt()).isEqualTo(cycles);
    assertThat(un.get("hedgedCycles").asInt()).isZero();

    Map<String, Map<String, String>> hedged = rows(out.resolve("trades.csv"));
    Map<String, Map<String, String>> unhedged = rows(out.resolve("unhedged/trades.csv"));
    assertThat(hedged).hasSize(cycles);
    assertThat(unhedged).hasSize(un.get("cycles").asInt());
    // with the capital twice the investment every cycle is sized alike in both runs: all of them match
    assertThat(h.get("matchedCycles").asInt()).isEqualTo(cycles).isEqualTo(un.get("cycles").asInt());
    BigDecimal total = BigDecimal.ZERO;
    BigDecimal hedgePnl = BigDecimal.ZERO;
    BigDecimal hedgeCost = BigDecimal.ZERO;
    BigDecimal worst = null;
    List<BigDecimal> pnls = new ArrayList<>();
    int matched = 0;
    for (Map.Entry<String, Map<String, String>> e : hedged.entrySet()) {
      Map<String, String> t = e.getValue();
      BigDecimal pnl = new BigDecimal(t.get("pnl_krw"));
      BigDecimal hp = new BigDecimal(t.get("hedge_pnl_krw"));
      BigDecimal hc = new BigDecimal(t.get("hedge_cost_krw"));
      // the short's figures: sold at the open price, bought back at the close price, fees 0.05 % of both notionals
      BigDecimal q = new BigDecimal(t.get("hedge_short_qty"));
      assertThat(new BigDecimal(t.get("hedge_closed_qty"))).isEqualByComparingTo(q);
      BigDecimal open = new BigDecimal(t.get("hedge_open_price"));
      BigDecimal close = new BigDecimal(t.get("hedge_close_price"));
      BigDecimal rate = new BigDecimal(t.get("hedge_usdt_krw"));
      assertThat(new BigDecimal(t.get("hedge_pnl_usdt")).multiply(rate).subtract(hp).abs()).isLessThan(CENT);
      assertThat(new BigDecimal(t.get("hedge_funding_usdt"))).isEqualByComparingTo("0");
      assertThat(q.signum()).isPositive();
      assertThat(open.signum()).isPositive();
      assertThat(close.signum()).isPositive();
      Map<String, String> u = unhedged.get(e.getKey());
      if (u != null) {
        matched++;
        BigDecimal expected = new BigDecimal(u.get("pnl_krw")).add(hp).subtract(hc);
        assertThat(pnl.subtract(expected).abs()).as("cycle started %s", e.getKey()).isLessThan(CENT);
      }
      total = total.add(pnl);
      hedgePnl = hedgePnl.add(hp);
      hedgeCost = hedgeCost.add(hc);
      worst = worst == null || pnl.compareTo(worst) < 0 ? pnl : worst;
      pnls.add(pnl);
    }
    assertThat(matched).isEqualTo(h.get("matchedCycles").asInt()).isPositive();
    assertThat(h.get("maxDeviationKrw").decimalValue()).isLessThan(CENT);
    assertThat(he.get("pnlKrw").decimalValue().subtract(total).abs()).isLessThanOrEqualTo(new BigDecimal("0.005"));
    assertThat(he.get("hedgePnlKrw").decimalValue().subtract(hedgePnl).abs())
        .isLessThanOrEqualTo(new BigDecimal("0.005"));
    assertThat(he.get("hedgeCostKrw").decimalValue().subtract(hedgeCost).abs())
        .isLessThanOrEqualTo(new BigDecimal("0.005"));
    assertThat(hedgeCost.signum()).isPositive(); // fees were paid
    assertThat(he.get("worstCycleKrw").decimalValue().subtract(worst).abs())
        .isLessThanOrEqualTo(new BigDecimal("0.005"));
    // the sample standard deviation of the per-cycle PnL, computed here
    BigDecimal mean = total.divide(BigDecimal.valueOf(pnls.size()), MathContext.DECIMAL64);
    BigDecimal ss = BigDecimal.ZERO;
    for (BigDecimal p : pnls) {
      ss = ss.add(p.subtract(mean).pow(2));
    }
    BigDecimal sd = pnls.size() < 2 ? BigDecimal.ZERO
        : ss.divide(BigDecimal.valueOf(pnls.size() - 1), MathContext.DECIMAL64).sqrt(MathContext.DECIMAL64);
    assertThat(he.get("pnlStdevPerCycleKrw").decimalValue().subtract(sd).abs())
        .isLessThanOrEqualTo(new BigDecimal("0.005"));
    assertThat(stdout).contains("PnL std dev per cycle KRW").contains("hedge cost KRW");
  }
}
