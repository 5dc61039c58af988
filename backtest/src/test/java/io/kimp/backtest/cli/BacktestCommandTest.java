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

/** The command's contract: options, exit codes, messages naming file:line or the setting, and the sweep table. */
class BacktestCommandTest {
  @TempDir Path dir;
  private Path upbit;
  private Path binance;
  private Path fx;
  private String out;
  private String err;

  /** One day of 5-minute candles; Upbit 3 % above Binance from 02:00 to 06:00, else level. */
  @BeforeEach
  void files() throws Exception {
    upbit = TestData.write(dir, "upbit.csv", TestData.candleDay(TestData::upbitPremiumDay, 50));
    binance = TestData.write(dir, "binance.csv", TestData.candleDay(m -> 100_000, 50));
    fx = TestData.write(dir, "fx.csv", "date,close\n2025-03-03,1400\n");
  }

  private int run(String... args) {
    String[] defaults = {"--upbit", upbit.toString(), "--binance", binance.toString(), "--fx", fx.toString(),
        "--symbol", "btc", "--investment", "10000000"};
    List<String> all = new ArrayList<>(List.of(args));
    for (int i = 0; i < defaults.length; i += 2) {
      if (!all.contains(defaults[i])) {
        all.add(defaults[i]);
        all.add(defaults[i + 1]);
      }
    }
    all.add("--no-progress");
    CliRun run = CliRun.of(new BacktestCommand(), all);
    out = run.out();
    err = run.err();
    return run.code();
  }

  @Test
  void aCleanRunWritesEveryReportFile() throws Exception {
    Path target = dir.resolve("report");
    assertThat(run("--out", target.toString(), "--transfer-minutes", "20")).as(err).isZero();
    for (String f : new String[] {"report.json", "report.html", "trades.csv", "premium.csv", "equity.csv"}) {
      assertThat(target.resolve(f)).isNotEmptyFile();
    }
    JsonNode r = new ObjectMapper().readTree(target.resolve("report.json").toFile());
    assertThat(r.get("kpis").get("cycles").asInt()).isEqualTo(1);
    assertThat(r.get("parameters").get("transferDelayMinutes").asDouble()).isEqualTo(20.0);
    assertThat(r.get("symbol").asText()).isEqualTo("BTC");
    assertThat(out).contains("cycles 1, wins 1");
    assertThat(err).isEmpty(); // no bar without a terminal or --progress
  }

  @Test
  void aBadRowFailsWithFileLineAndReason() throws Exception {
    List<String> lines = new ArrayList<>(Files.readAllLines(upbit));
    lines.set(7, lines.get(7).replace(",50", ",fifty"));
    Files.write(upbit, lines);
    assertThat(run("--out", dir.resolve("o").toString())).isEqualTo(BacktestCommand.EXIT_BAD_INPUT);
    assertThat(err).contains(upbit + ":8: bad number: column volume is 'fifty'");
    assertThat(dir.resolve("o/report.json")).doesNotExist();
  }

  @Test
  void leniencySkipsBadRowsAndTheReportCountsThem() throws Exception {
    List<String> lines = new ArrayList<>(Files.readAllLines(upbit));
    lines.set(7, lines.get(7).replace(",50", ",fifty"));
    lines.set(9, "2025-03-03 00:4");
    lines.add(3, lines.get(2)); // a duplicate stamp
    Files.write(upbit, lines);
    Path target = dir.resolve("o");
    assertThat(run("--out", target.toString(), "--lenient")).as(err).isZero();
    assertThat(err).contains(upbit + ": skipped 3 bad rows");
    JsonNode in = new ObjectMapper().readTree(target.resolve("report.json").toFile()).get("inputs").get(0);
    assertThat(in.get("badRowsSkipped").asLong()).isEqualTo(3);
    assertThat(in.get("badRowsByKind").get("NUMBER").asLong()).isEqualTo(1);
    assertThat(in.get("badRowsByKind").get("FIELD_COUNT").asLong()).isEqualTo(1);
    assertThat(in.get("badRowsByKind").get("NOT_ASCENDING").asLong()).isEqualTo(1);
    assertThat(in.get("badRowExamples").get(0).asText()).startsWith(upbit + ":4: ");
  }

  @Test
  void aMissingFileIsAnInputError() {
    assertThat(run("--out", dir.resolve("o").toString(), "--fx", dir.resolve("nope.csv").toString()))
        .isEqualTo(BacktestCommand.EXIT_BAD_INPUT);
    assertThat(err).contains("nope.csv").contains("no such readable file");
  }

  @Test
  void badOptionsAndSettingsAreRefusedNamingWhatIsWrong() {
    String x = dir.resolve("x").toString();
    assertThat(run("--out", x, "--sweep", "min-spread=1:0.5:0.1")).isEqualTo(BacktestCommand.EXIT_BAD_OPTIONS);
    assertThat(err).contains("to is below from");
    assertThat(run("--out", x, "--sweep", "speed=1:2:1")).isEqualTo(BacktestCommand.EXIT_BAD_OPTIONS);
    assertThat(err).contains("unknown parameter 'speed'");
    assertThat(run("--out", x, "--fees", "binance=0.1")).isEqualTo(BacktestCommand.EXIT_BAD_OPTIONS);
    assertThat(err).contains("kimp.fees.binance.taker").contains("looks like a percentage");
    assertThat(run("--out", x, "--fees", "kraken=0.001")).isEqualTo(BacktestCommand.EXIT_BAD_OPTIONS);
    assertThat(err).contains("--fees kraken");
    assertThat(run("--out", x, "--from", "2025-03-04", "--to", "2025-03-03")).isEqualTo(2);
    assertThat(err).contains("--to must be after --from");
    assertThat(run("--out", x, "--from", "yesterday")).isEqualTo(2);
    assertThat(err).contains("--from 'yesterday' is not a time");
    assertThat(run("--out", x, "--set", "kimp.retry.max-attempts=0")).isEqualTo(2);
    assertThat(err).contains("kimp.retry.max-attempts");
    assertThat(run("--out", x, "--investment", "20000000", "--capital", "1000000")).isEqualTo(2);
    assertThat(err).contains("exceeds the capital");
    assertThat(dir.resolve("x")).doesNotExist();
  }

  @Test
  void aSweepReplaysEveryPointAndWritesTheKpiTable() throws Exception {
    Path target = dir.resolve("sweep-out");
    assertThat(run("--out", target.toString(), "--sweep", "min-spread=0.5:3.5:1.5")).as(err).isZero();
    List<String> csv = Files.readAllLines(target.resolve("sweep.csv"));
    assertThat(csv.get(0)).startsWith("min-spread,cycles,wins,win_rate_pct,total_pnl_krw");
    assertThat(csv).hasSize(4);
    assertThat(csv.get(1)).startsWith("0.5,1,1,");
    assertThat(csv.get(2)).startsWith("2.0,1,1,"); // 3 % premium, ~2.5 % net edge
    assertThat(csv.get(3)).startsWith("3.5,0,0,"); // beyond the net edge: no cycle
    assertThat(out).contains("min-spread").contains("total_pnl_krw").contains("sweep.csv");
    assertThat(target.resolve("sweep/min-spread=2.0/report.json")).isNotEmptyFile();
    assertThat(target.resolve("sweep/min-spread=2.0/trades.csv")).isNotEmptyFile();
  }

  @Test
  void theWindowLimitsTheReplay() throws Exception {
    Path target = dir.resolve("w");
    assertThat(run("--out", target.toString(), "--from", "2025-03-03 06:00:00", "--to", "2025-03-03T12:00:00Z",
        "--no-html")).as(err).isZero();
    JsonNode r = new ObjectMapper().readTree(target.resolve("report.json").toFile());
    assertThat(r.get("period").get("moments").asInt()).isEqualTo(72);
    assertThat(r.get("period").get("from").asText()).isEqualTo("2025-03-03T06:00:00Z");
    assertThat(r.get("kpis").get("cycles").asInt()).isZero();
    assertThat(target.resolve("report.html")).doesNotExist();
  }
}
