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

/** {@code kimp backtest --recording FILE}: its options, its report, and what it refuses. */
class RecordingBacktestCommandTest {
  /** The thresholds and timers the scripted recording is built around (see {@link TestData#recordingSettings}). */
  private static final String[] SETTINGS = {
    "--min-spread", "3", "--finalizer-min-profit", "2.5", "--investment", "1000000",
    "--set", "kimp.strategy.rebalance-check-interval=1s", "--set", "kimp.feeds.opportunity-cooldown=1s",
    "--set", "kimp.feeds.stale-after=2s", "--set", "kimp.transfer.poll-interval=200ms",
    "--set", "kimp.transfer.deposit-timeout=10s", "--set", "kimp.backtest.transfer-delay=1s", "--no-progress"
  };

  @TempDir Path dir;
  private Path recording;
  private String out;
  private String err;

  @BeforeEach
  void record() {
    recording = dir.resolve("kimchi.jsonl");
    TestData.kimchiRecording()
        .frame(500, "upbit", "{\"ty\":\"orderbook\",\"cd\":")
        .line(600, "not json")
        .write(recording, 10_000);
  }

  private int run(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of(SETTINGS));
    CliRun run = CliRun.of(new BacktestCommand(), all);
    out = run.out();
    err = run.err();
    return run.code();
  }

  @Test
  void aRecordingIsReplayedThroughTheLivePipelineIntoTheReport() throws Exception {
    Path target = dir.resolve("report");
    assertThat(run("--recording", recording.toString(), "--out", target.toString())).as(err).isZero();
    JsonNode r = new ObjectMapper().readTree(target.resolve("report.json").toFile());
    assertThat(r.get("input").asText()).isEqualTo("recording");
    assertThat(r.get("symbol").asText()).isEqualTo("all coins");
    assertThat(r.get("coins")).extracting(JsonNode::asText).containsExactly("XRP", "TRX", "BTC");
    assertThat(r.get("kpis").get("cycles").asInt()).isEqualTo(2);
    assertThat(r.get("activity").get("opportunities").asInt()).isEqualTo(7);
    assertThat(r.get("parameters").get("volumeCapFraction").asDouble()).isEqualTo(0.01);
    assertThat(r.get("parameters").get("opportunityCooldownSeconds").asDouble()).isEqualTo(1.0);
    // malformed frames by venue and reason, and the line that is no frame, with its number
    JsonNode inputs = r.get("inputs");
    assertThat(inputs.get(0).get("role").asText()).isEqualTo("recording lines");
    assertThat(inputs.get(0).get("badRowsByKind").get("notARecordedFrame").asLong()).isEqualTo(1);
    assertThat(inputs.get(0).get("badRowExamples").get(0).asText()).startsWith(recording + ":");
    assertThat(inputs.get(1).get("role").asText()).isEqualTo("upbit frames");
    assertThat(inputs.get(1).get("badRowsByKind").get("bad-json").asLong()).isEqualTo(1);
    assertThat(r.get("gapsSkipped").get("frameWithoutEvent").asLong()).isEqualTo(1);
    assertThat(err).contains("upbit frames: skipped 1 {bad-json=1}").contains("recording lines: skipped 1");

    List<String> trades = Files.readAllLines(target.resolve("trades.csv"));
    assertThat(trades).hasSize(3);
    assertThat(trades.subList(1, 3))
        .allSatisfy(t -> assertThat(t).contains(",XRP,KIMCHI,COMPLETED,").contains(",TRX,"));
    List<String> premium = Files.readAllLines(target.resolve("premium.csv"));
    assertThat(premium.get(0)).isEqualTo("timestamp,premium_pct,upbit_mid_krw,binance_mid_usdt,usdt_krw,coin");
    assertThat(premium.subList(1, premium.size())).extracting(l -> l.substring(l.lastIndexOf(',') + 1)).contains(
        "XRP", "TRX", "BTC");
    // the cycles table names the coin that carried the capital home
    assertThat(Files.readString(target.resolve("report.html"))).contains("<td class=\"l\">TRX</td>");
    assertThat(out).contains("all coins").contains("cycles 2, wins 2");
  }

  @Test
  void theSymbolOptionNamesTheCoinsThatMayTrade() throws Exception {
    Path target = dir.resolve("trx");
    assertThat(run("--recording", recording.toString(), "--symbol", "trx,btc", "--out", target.toString(),
        "--no-html")).as(err).isZero();
    JsonNode r = new ObjectMapper().readTree(target.resolve("report.json").toFile());
    assertThat(r.get("symbol").asText()).isEqualTo("TRX,BTC");
    assertThat(r.get("kpis").get("cycles").asInt()).isZero();
    assertThat(r.get("activity").get("opportunities").asInt()).isZero();
  }

  @Test
  void aRecordingAndCandlesExcludeEachOtherAndCandlesNeedOneSymbol() {
    String x = dir.resolve("x").toString();
    assertThat(run("--recording", recording.toString(), "--upbit", "u.csv", "--binance", "b.csv", "--fx", "f.csv",
        "--out", x)).isEqualTo(BacktestCommand.EXIT_BAD_OPTIONS);
    assertThat(err).contains("mutually exclusive");
    assertThat(run("--upbit", "u.csv", "--binance", "b.csv", "--fx", "f.csv", "--out", x))
        .isEqualTo(BacktestCommand.EXIT_BAD_OPTIONS);
    assertThat(err).contains("--symbol: name exactly one coin with candle files");
    assertThat(run("--out", x)).isEqualTo(BacktestCommand.EXIT_BAD_OPTIONS);
    assertThat(err).contains("Missing required argument");
    assertThat(run("--recording", dir.resolve("none.jsonl").toString(), "--out", x))
        .isEqualTo(BacktestCommand.EXIT_BAD_INPUT);
    assertThat(err).contains("none.jsonl").contains("no such readable file");
    assertThat(run("--recording", recording.toString(), "--set", "kimp.feeds.volume-cap-fraction=0", "--out", x))
        .isEqualTo(BacktestCommand.EXIT_BAD_OPTIONS);
    assertThat(err).contains("kimp.feeds.volume-cap-fraction");
    assertThat(dir.resolve("x")).doesNotExist();
  }

  @Test
  void aRecordingIsReplayedHedgedWithItsBinanceSpotBookAsThePerpetualsProxy() throws Exception {
    Path target = dir.resolve("hedged");
    assertThat(run("--recording", recording.toString(), "--hedge", "--no-html", "--out", target.toString()))
        .as(err).isZero();
    JsonNode h = new ObjectMapper().readTree(target.resolve("report.json").toFile()).get("hedge");
    assertThat(h.get("perpetualPrices").asText()).isEqualTo("spot-proxy");
    assertThat(h.get("unhedged").get("cycles").asInt()).isEqualTo(2);
    assertThat(h.get("hedged").get("cycles").asInt()).isEqualTo(2);
    // both cycles hedged both legs (XRP in, TRX home): open and close each, nothing left open
    assertThat(h.get("hedged").get("hedgedCycles").asInt()).isEqualTo(2);
    assertThat(h.get("futuresFills").asInt()).isEqualTo(8);
    assertThat(h.get("positionsAtEnd").size()).isZero();
    assertThat(h.get("matchedCycles").asInt()).isEqualTo(2);
    assertThat(h.get("maxDeviationKrw").decimalValue()).isLessThan(new java.math.BigDecimal("0.01"));
    assertThat(run("--recording", recording.toString(), "--hedge", "--perp", recording.toString(), "--out",
        dir.resolve("x").toString())).isEqualTo(BacktestCommand.EXIT_BAD_OPTIONS);
    assertThat(err).contains("--perp goes with candle files");
  }
}
