package io.kimp.backtest.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kimp.backtest.TestData;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code kimp backtest} on the real 2025 BTC data in {@code ../shared/data/btc-2025}, read in place. The premium series is
 * checked against a computation done here from the raw CSV lines (not through the backtest's readers), and the report's
 * KPIs against each other and against trades.csv and equity.csv.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RealDataBacktestTest {
  private static final DateTimeFormatter NAIVE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  @TempDir static Path out;
  private String stdout;
  private int exit;

  @BeforeAll
  void runOnce() {
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    exit = new CommandLine(new BacktestCommand()).setOut(new PrintWriter(o)).setErr(new PrintWriter(e)).execute(
        "--upbit", TestData.upbitCandles().toString(),
        "--binance", TestData.binanceCandles().toString(),
        "--fx", TestData.usdKrwDaily().toString(),
        "--symbol", "BTC",
        "--investment", "10000000",
        "--min-spread", "0.5",
        "--no-html",
        "--out", out.toString());
    stdout = o.toString();
    assertThat(exit).as("exit code; stderr: %s", e).isZero();
  }

  /** The premium from the raw lines: closes at the same stamp, the last daily close dated on or before the day. */
  private static Map<String, Double> independentPremium() throws Exception {
    Map<String, Double> upbit = closes(TestData.upbitCandles());
    Map<String, Double> binance = closes(TestData.binanceCandles());
    TreeMap<LocalDate, Double> fx = new TreeMap<>();
    List<String> lines = Files.readAllLines(TestData.usdKrwDaily());
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",");
      fx.put(LocalDate.parse(f[0]), Double.parseDouble(f[1]));
    }
    LocalDate lastFxDay = fx.lastKey();
    Map<String, Double> premium = new HashMap<>();
    for (Map.Entry<String, Double> u : upbit.entrySet()) {
      Double b = binance.get(u.getKey());
      LocalDate day = LocalDate.parse(u.getKey().substring(0, 10));
      Map.Entry<LocalDate, Double> rate = fx.floorEntry(day);
      if (b == null || rate == null || day.isAfter(lastFxDay)) {
        continue;
      }
      double global = b * rate.getValue();
      premium.put(u.getKey(), (u.getValue() - global) / global * 100);
    }
    return premium;
  }

  private static Map<String, Double> closes(Path file) throws Exception {
    Map<String, Double> m = new HashMap<>();
    List<String> lines = Files.readAllLines(file);
    assertThat(lines.get(0)).isEqualTo("timestamp,open,high,low,close,volume");
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",");
      m.put(f[0], Double.parseDouble(f[4]));
    }
    return m;
  }

  /** premium.csv keyed by the data's own naive UTC stamp. */
  private Map<String, Double> reportedPremium() throws Exception {
    List<String> lines = Files.readAllLines(out.resolve("premium.csv"));
    assertThat(lines.get(0)).startsWith("timestamp,premium_pct");
    Map<String, Double> m = new HashMap<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",");
      LocalDateTime t = LocalDateTime.ofInstant(java.time.Instant.parse(f[0]), ZoneOffset.UTC);
      m.put(NAIVE.format(t), Double.parseDouble(f[1]));
    }
    return m;
  }

  @Test
  void thePremiumSeriesEqualsAnIndependentComputationFromTheRawLines() throws Exception {
    Map<String, Double> expected = independentPremium();
    Map<String, Double> reported = reportedPremium();
    // the first aligned stamp; the highest premium, on a Sunday (Friday's close carried); mid-range; the lowest
    // premium; the last stamp with a rate
    for (String t : new String[] {"2025-05-28 18:10:00", "2025-06-01 11:50:00", "2025-06-15 07:35:00",
        "2025-07-13 03:20:00", "2025-07-17 00:00:00", "2025-07-30 22:45:00"}) {
      assertThat(expected).as("independent %s", t).containsKey(t);
      assertThat(reported.get(t)).as("premium at %s", t).isCloseTo(expected.get(t), within(1e-9));
    }
    // and at every stamp: the same set of moments, the same values
    assertThat(reported.keySet()).isEqualTo(expected.keySet());
    for (Map.Entry<String, Double> e : expected.entrySet()) {
      assertThat(reported.get(e.getKey())).as(e.getKey()).isCloseTo(e.getValue(), within(1e-9));
    }
    // gaps are skipped, not filled: no Upbit candle at the first stamp; both candles but no rate after the last
    // daily close (2025-08-01) at the second
    assertThat(reported).doesNotContainKey("2025-05-30 12:00:00").doesNotContainKey("2025-08-03 00:00:00");
  }

  @Test
  void theReportsKpisAreFiniteAndConsistentWithTradesAndEquity() throws Exception {
    JsonNode r = JSON.readTree(out.resolve("report.json").toFile());
    JsonNode k = r.get("kpis");
    for (String f : new String[] {"totalPnlKrw", "winRate", "averagePnlKrw", "roiPercent", "maxDrawdownKrw",
        "maxDrawdownPercent", "sharpe", "finalEquityKrw"}) {
      assertThat(k.get(f).isNumber()).as(f).isTrue();
      assertThat(Double.isFinite(k.get(f).asDouble())).as(f).isTrue();
    }
    int cycles = k.get("cycles").asInt();
    int wins = k.get("wins").asInt();
    assertThat(cycles).isPositive();
    assertThat(wins).isBetween(0, cycles);
    assertThat(k.get("winRate").asDouble()).isCloseTo((double) wins / cycles, within(1e-12));
    BigDecimal total = k.get("totalPnlKrw").decimalValue();
    assertThat(k.get("roiPercent").asDouble()).isCloseTo(total.doubleValue() / 10_000_000 * 100, within(1e-9));
    assertThat(k.get("averagePnlKrw").asDouble()).isCloseTo(total.doubleValue() / cycles, within(0.01));
    assertThat(k.get("maxDrawdownKrw").decimalValue().signum()).isGreaterThanOrEqualTo(0);

    // trades.csv: one row per cycle; their PnL adds up to the total, their wins to the wins
    List<String> trades = Files.readAllLines(out.resolve("trades.csv"));
    List<String> header = List.of(trades.get(0).split(","));
    int pnl = header.indexOf("pnl_krw");
    assertThat(trades).hasSize(cycles + 1);
    BigDecimal sum = BigDecimal.ZERO;
    int positive = 0;
    for (String line : trades.subList(1, trades.size())) {
      BigDecimal p = new BigDecimal(line.split(",", -1)[pnl]);
      sum = sum.add(p);
      positive += p.signum() > 0 ? 1 : 0;
    }
    assertThat(sum).isEqualByComparingTo(total);
    assertThat(positive).isEqualTo(wins);

    // equity.csv: starts at the capital and ends at capital + total PnL
    List<String> equity = Files.readAllLines(out.resolve("equity.csv"));
    assertThat(new BigDecimal(equity.get(1).split(",")[1])).isEqualByComparingTo("10000000");
    assertThat(new BigDecimal(equity.get(equity.size() - 1).split(",")[1]))
        .isEqualByComparingTo(new BigDecimal("10000000").add(total))
        .isEqualByComparingTo(k.get("finalEquityKrw").decimalValue());
    List<BigDecimal> levels = new ArrayList<>();
    equity.subList(1, equity.size()).forEach(l -> levels.add(new BigDecimal(l.split(",")[1])));
    assertThat(levels).hasSize(cycles + 2); // start, one step per closed cycle, end

    JsonNode premium = r.get("premium");
    assertThat(premium.get("minPercent").asDouble()).isCloseTo(-2.283, within(0.001));
    assertThat(premium.get("maxPercent").asDouble()).isCloseTo(2.543, within(0.001));
    assertThat(premium.get("points").asInt()).isEqualTo(3800);
    JsonNode gaps = r.get("gapsSkipped");
    assertThat(gaps.get("binanceWithoutUpbit").asLong()).isPositive();
    assertThat(gaps.get("gapEpisodes").asLong()).isPositive();
    assertThat(gaps.get("longestGapMinutes").asDouble()).isGreaterThan(2 * 24 * 60);
    assertThat(r.get("parameters").get("minSpreadPercent").asDouble()).isEqualTo(0.5);
    assertThat(r.get("parameters").get("fixedAmountKrw").asDouble()).isEqualTo(10_000_000);
    assertThat(stdout).contains("cycles " + cycles + ", wins " + wins);
  }
}
