package io.kimp.backtest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kimp.backtest.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kimp backtest --hedge}: the same data unhedged and hedged, side by side in report.json, report.html and on
 * stdout; the perpetual's prices from {@code --perp} or spot as the proxy, said so; bad hedge options refused in one
 * line with exit code 2, a bad perpetual row with {@code file:line} as every input file's.
 */
class HedgeBacktestCommandTest {
  private static final String HEADER = "timestamp,open,high,low,close,volume\n";

  @TempDir Path dir;
  private Path upbit;
  private Path binance;
  private Path perp;
  private Path fx;
  private String out;
  private String err;

  /** One day of 5-minute candles; Upbit 3 % above Binance from 02:00 to 06:00; the perpetual 10 USDT above spot. */
  @BeforeEach
  void files() throws Exception {
    upbit = TestData.write(dir, "upbit.csv", TestData.candleDay(TestData::upbitPremiumDay, 50));
    binance = TestData.write(dir, "binance.csv", TestData.candleDay(m -> 100_000, 50));
    perp = TestData.write(dir, "perp.csv", TestData.candleDay(m -> 100_010, 500));
    fx = TestData.write(dir, "fx.csv", "date,close\n2025-03-03,1400\n");
  }

  private int run(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--upbit", upbit.toString(), "--binance", binance.toString(), "--fx", fx.toString(),
        "--symbol", "BTC", "--investment", "10000000", "--transfer-minutes", "20", "--no-progress"));
    CliRun run = CliRun.of(new BacktestCommand(), all);
    out = run.out();
    err = run.err();
    return run.code();
  }

  @Test
  void withoutAPerpetualFileSpotIsTheProxyAndTheReportSaysSo() throws Exception {
    Path target = dir.resolve("proxy");
    assertThat(run("--hedge", "--out", target.toString())).as(err).isZero();
    JsonNode h = new ObjectMapper().readTree(target.resolve("report.json").toFile()).get("hedge");
    assertThat(h.get("perpetualPrices").asText()).isEqualTo("spot-proxy");
    assertThat(h.get("funding").asText()).contains("no funding");
    assertThat(h.get("notes").get(0).asText()).contains("spot book stood in for the perpetual");
    for (String side : new String[] {"unhedged", "hedged"}) {
      for (String f : new String[] {"cycles", "pnlKrw", "pnlStdevPerCycleKrw", "worstCycleKrw", "hedgePnlKrw",
          "hedgeCostKrw"}) {
        assertThat(h.get(side).has(f)).as(side + "." + f).isTrue();
      }
    }
    assertThat(h.get("unhedged").get("cycles").asInt()).isEqualTo(1);
    // the unhedged run's own report beside it, as a plain run writes it
    JsonNode u = new ObjectMapper().readTree(target.resolve("unhedged/report.json").toFile());
    assertThat(u.has("hedge")).isFalse();
    assertThat(u.get("parameters").get("hedge").asBoolean()).isFalse();
    assertThat(new ObjectMapper().readTree(target.resolve("report.json").toFile()).get("parameters").get("hedge")
        .asBoolean()).isTrue();
    String html = Files.readString(target.resolve("report.html"));
    assertThat(html).contains("id=\"hedge-comparison\"").contains("id=\"hedge-proxy\"")
        .contains("standard deviation of PnL per cycle");
    assertThat(out).contains("unhedged").contains("hedged").contains("PnL std dev per cycle KRW")
        .contains("the Binance spot price stood in for it");
    assertThat(Files.readAllLines(target.resolve("trades.csv")).get(0)).contains("hedge_pnl_krw,hedge_cost_krw");
  }

  @Test
  void aPerpetualFileIsReadAndNamedInTheReport() throws Exception {
    Path target = dir.resolve("file");
    assertThat(run("--hedge", "--perp", perp.toString(), "--out", target.toString())).as(err).isZero();
    JsonNode r = new ObjectMapper().readTree(target.resolve("report.json").toFile());
    assertThat(r.get("hedge").get("perpetualPrices").asText()).isEqualTo("file");
    assertThat(r.get("hedge").get("perpetualSource").asText()).isEqualTo(perp.toString());
    JsonNode inputs = r.get("inputs");
    assertThat(inputs.get(inputs.size() - 1).get("role").asText()).isEqualTo("perpetual candles");
    assertThat(inputs.get(inputs.size() - 1).get("rows").asInt()).isEqualTo(288);
    assertThat(out).doesNotContain("stood in");
    // prices stand still: the short opens at the perpetual's bid and closes at its ask, so the hedge only costs,
    // and the one cycle is the same cycle in both runs, less exactly that
    JsonNode h = r.get("hedge");
    assertThat(h.get("hedged").get("hedgedCycles").asInt()).isEqualTo(1);
    assertThat(h.get("matchedCycles").asInt()).isEqualTo(1);
    assertThat(h.get("maxDeviationKrw").decimalValue()).isLessThan(new java.math.BigDecimal("0.01"));
    assertThat(h.get("hedged").get("hedgePnlKrw").decimalValue().signum()).isNegative();
    assertThat(h.get("hedged").get("hedgeCostKrw").decimalValue().signum()).isPositive();
    assertThat(h.get("hedged").get("pnlKrw").decimalValue()).isLessThan(h.get("unhedged").get("pnlKrw").decimalValue());
    assertThat(h.get("futuresFills").asInt()).isEqualTo(4); // open and close on each leg
    assertThat(h.get("positionsAtEnd").size()).isZero();
    // the short was opened at the perpetual's price (100010 less the 1 bp half-spread), not spot's
    List<String> trades = Files.readAllLines(target.resolve("trades.csv"));
    List<String> header = List.of(trades.get(0).split(","));
    String[] row = trades.get(1).split(",", -1);
    assertThat(Double.parseDouble(row[header.indexOf("hedge_open_price")])).isCloseTo(100010 * 0.9999,
        org.assertj.core.api.Assertions.within(1e-6));
    assertThat(Double.parseDouble(row[header.indexOf("hedge_close_price")])).isCloseTo(100010 * 1.0001,
        org.assertj.core.api.Assertions.within(1e-6));
  }

  @Test
  void fundingIsPaidOnTheShortWhileItIsOpenAndBookedWithItsCycle() throws Exception {
    // the premium from 07:50 to 10:00: the first leg's short is open from 07:50 until its coin arrives 20 min later,
    // over the 08:00 funding time; the second leg's, after 10:00, over none
    upbit = TestData.write(dir, "upbit-late.csv",
        TestData.candleDay(m -> 140_000_000 * (m >= 470 && m < 600 ? 1.03 : 1), 50));
    Path rates = TestData.write(dir, "funding.csv", "timestamp,rate\n2025-03-03 00:00:00,0.0003\n"
        + "2025-03-03 08:00:00,0.0001\n2025-03-03 16:00:00,0.0002\n");
    Path target = dir.resolve("funding");
    List<String> args = new ArrayList<>(List.of("--hedge", "--perp", perp.toString(), "--funding", rates.toString(),
        "--out", target.toString()));
    assertThat(runWith(args, "20")).as(err).isZero();
    JsonNode r = new ObjectMapper().readTree(target.resolve("report.json").toFile());
    JsonNode h = r.get("hedge");
    assertThat(h.get("funding").asText()).contains(rates.toString()).contains("3 rates");
    assertThat(h.get("fundingPayments").asInt()).isEqualTo(1);
    List<String> trades = Files.readAllLines(target.resolve("trades.csv"));
    List<String> header = List.of(trades.get(0).split(","));
    String[] row = trades.get(1).split(",", -1);
    // the first leg bought 7142.857 USDT / 100010 = 0.07142 BTC less the 0.1 % fee: a short of 0.071 on the step,
    // which receives 0.071 × the mark (the perpetual's close, 100010) × 0.0001 = 0.710071 USDT at 08:00
    assertThat(new java.math.BigDecimal(row[header.indexOf("hedge_funding_usdt")])).isEqualByComparingTo("0.710071");
    assertThat(h.get("hedged").get("fundingUsdt").decimalValue())
        .isEqualByComparingTo(row[header.indexOf("hedge_funding_usdt")]);
    // booked with the cycle: the identity holds with the funding in the hedge's cost
    assertThat(h.get("matchedCycles").asInt()).isEqualTo(1);
    assertThat(h.get("maxDeviationKrw").decimalValue()).isLessThan(new java.math.BigDecimal("0.01"));
    assertThat(out).contains("funding: " + rates);
    JsonNode inputs = r.get("inputs");
    assertThat(inputs.get(inputs.size() - 1).get("role").asText()).isEqualTo("funding rates");
    assertThat(run("--funding", rates.toString(), "--out", dir.resolve("y").toString()))
        .isEqualTo(BacktestCommand.EXIT_BAD_OPTIONS);
    assertThat(err).isEqualTo("kimp backtest: --funding needs --hedge" + System.lineSeparator());
  }

  private int runWith(List<String> args, String transferMinutes) {
    List<String> all = new ArrayList<>(args);
    all.addAll(List.of("--upbit", upbit.toString(), "--binance", binance.toString(), "--fx", fx.toString(),
        "--symbol", "BTC", "--investment", "10000000", "--transfer-minutes", transferMinutes, "--no-progress"));
    CliRun run = CliRun.of(new BacktestCommand(), all);
    out = run.out();
    err = run.err();
    return run.code();
  }

  @Test
  void aRunTheConfigurationHedgesSaysWhereItsPerpetualPricesCameFrom() throws Exception {
    Path target = dir.resolve("configured");
    assertThat(run("--set", "kimp.hedge.enabled=on", "--out", target.toString())).as(err).isZero();
    JsonNode r = new ObjectMapper().readTree(target.resolve("report.json").toFile());
    assertThat(r.get("parameters").get("hedge").asBoolean()).isTrue();
    assertThat(r.get("hedge").get("perpetualPrices").asText()).isEqualTo("spot-proxy");
    assertThat(r.get("hedge").get("hedgedCycles").asInt()).isEqualTo(1);
    assertThat(r.get("hedge").get("notes").get(0).asText()).contains("spot book stood in for the perpetual");
  }

  @Test
  void badHedgeOptionsAreRefusedInOneLineWithExitCode2() throws Exception {
    String x = dir.resolve("x").toString();
    assertThat(run("--perp", perp.toString(), "--out", x)).isEqualTo(BacktestCommand.EXIT_BAD_OPTIONS);
    assertThat(err).isEqualTo("kimp backtest: --perp needs --hedge" + System.lineSeparator());
    assertThat(run("--hedge", "--sweep", "min-spread=0.5:1:0.5", "--out", x))
        .isEqualTo(BacktestCommand.EXIT_BAD_OPTIONS);
    assertThat(err.lines().count()).isEqualTo(1);
    assertThat(err).contains("--hedge and --sweep cannot be combined");
    Path early = TestData.write(dir, "early.csv", HEADER + "2024-01-01 00:00:00,1,1,1,1,1\n");
    assertThat(run("--hedge", "--perp", early.toString(), "--out", x)).isEqualTo(BacktestCommand.EXIT_BAD_OPTIONS);
    assertThat(err.lines().count()).isEqualTo(1);
    assertThat(err).contains("do not overlap the spot candles");
    assertThat(dir.resolve("x/report.json")).doesNotExist();
  }

  @Test
  void aBadPerpetualRowIsNamedByFileAndLineAsEveryInputFilesIs() throws Exception {
    List<String> lines = new ArrayList<>(Files.readAllLines(perp));
    lines.set(4, lines.get(4).replace(",500", ",lots"));
    Files.write(perp, lines);
    assertThat(run("--hedge", "--perp", perp.toString(), "--out", dir.resolve("o").toString()))
        .isEqualTo(BacktestCommand.EXIT_BAD_INPUT);
    assertThat(err).isEqualTo("kimp backtest: " + perp + ":5: bad number: column volume is 'lots'"
        + System.lineSeparator());
    assertThat(run("--hedge", "--perp", dir.resolve("none.csv").toString(), "--out", dir.resolve("o").toString()))
        .isEqualTo(BacktestCommand.EXIT_BAD_INPUT);
    assertThat(err).contains("none.csv").contains("no such readable file");
  }
}
