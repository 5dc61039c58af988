package io.kimp.backtest;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.kimp.simulator.ScriptedRecording;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntToDoubleFunction;

/** Where the shared real data is, and settings for synthetic replays. */
public final class TestData {
  private TestData() {}

  /** {@code ../shared/data/btc-2025}, read in place (surefire sets {@code kimp.shared.dir}). */
  public static Path btc2025() {
    String shared = System.getProperty("kimp.shared.dir", "../../shared");
    Path dir = Paths.get(shared).resolve("data/btc-2025").toAbsolutePath().normalize();
    assertThat(dir.resolve("upbit_KRW-BTC_5m.csv"))
        .as("the shared real data (kimp.shared.dir=%s)", shared)
        .isRegularFile();
    return dir;
  }

  public static Path upbitCandles() {
    return btc2025().resolve("upbit_KRW-BTC_5m.csv");
  }

  public static Path binanceCandles() {
    return btc2025().resolve("binance_BTCUSDT_5m.csv");
  }

  public static Path usdKrwDaily() {
    return btc2025().resolve("usdkrw_1d.csv");
  }

  /** Backtest settings: the live defaults with {@code overrides} on top, validated as the CLI validates them. */
  public static BacktestSettings settings(String symbol, Map<String, ?> overrides) {
    return BacktestSettings.from(
        ConfigFactory.parseMap(overrides, "test").withFallback(ConfigFactory.load()).resolve(), symbol);
  }

  /** The start of the scripted recordings. */
  public static final long RECORDING_T0 = Instant.parse("2025-06-02T01:00:00Z").toEpochMilli();

  /**
   * A scripted recording (100 ms ticks, USDT/KRW 1400) of three coins: XRP 5 % above Binance from 1 s to 8 s, TRX 2.7 %
   * above it until 4.5 s and level after, BTC level throughout. XRP's 24 h volumes (80 M KRW at Upbit, 100 k USDT at
   * Binance) cap a cycle at 800,000 KRW with the live 1 % volume cap; TRX and BTC are deep and liquid.
   */
  public static ScriptedRecording kimchiRecording() {
    return new ScriptedRecording(RECORDING_T0, 100, 1400)
        .coin(new ScriptedRecording.Coin("XRP", 2.0, 5_000, 80_000_000, 100_000))
        .coin(new ScriptedRecording.Coin("TRX", 0.25, 100_000, 1e11, 1e8))
        .coin(new ScriptedRecording.Coin("BTC", 100_000, 5, 1e12, 1e9))
        .premium("XRP", 1000, 5.0)
        .premium("XRP", 8000, 0.0)
        .premium("TRX", 0, 2.7)
        .premium("TRX", 4500, 0.0);
  }

  /**
   * Settings of a recording's replay: the live defaults, with the thresholds the scripted recordings are built around
   * (min-spread 3 %, so that TRX's 2.7 % is no opportunity; a whole-cycle minimum of 2.5 %, so that the rebalance waits
   * for TRX to level), second-scale timers, and {@code overrides} on top.
   */
  public static BacktestSettings recordingSettings(Map<String, ?> overrides) {
    Map<String, Object> o = new HashMap<>();
    o.put("kimp.strategy.min-spread-percent", "3");
    o.put("kimp.strategy.finalizer-min-profit-percent", "2.5");
    o.put("kimp.strategy.rebalance-check-interval", "1s");
    o.put("kimp.portfolio.fixed-amount-krw", "1000000");
    o.put("kimp.feeds.opportunity-cooldown", "1s");
    o.put("kimp.feeds.stale-after", "2s");
    o.put("kimp.transfer.poll-interval", "200ms");
    o.put("kimp.transfer.deposit-timeout", "10s");
    o.put("kimp.backtest.transfer-delay", "1s");
    o.putAll(overrides);
    return BacktestSettings.forRecording(
        ConfigFactory.parseMap(o, "test").withFallback(ConfigFactory.load()).resolve(), List.of());
  }

  /**
   * One day (2025-03-03, UTC) of 5-minute candles as the backtest reads them: each opens, highs, lows and closes at
   * {@code price} of its minute of the day ({@code %.1f}), with {@code volume}.
   */
  public static String candleDay(IntToDoubleFunction price, int volume) {
    StringBuilder out = new StringBuilder("timestamp,open,high,low,close,volume\n");
    long t0 = Instant.parse("2025-03-03T00:00:00Z").toEpochMilli();
    for (int m = 0; m < 24 * 60; m += 5) {
      String ts = io.kimp.backtest.data.Timestamps.naive(t0 + m * 60_000L);
      double p = price.applyAsDouble(m);
      out.append(String.format(Locale.ROOT, "%s,%.1f,%.1f,%.1f,%.1f,%d%n", ts, p, p, p, p, volume));
    }
    return out.toString();
  }

  /** Upbit's BTC in {@link #candleDay}: 140,000,000 KRW (100,000 USDT at 1,400), 3 % above from 02:00 to 06:00. */
  public static double upbitPremiumDay(int minute) {
    double premium = minute >= 120 && minute < 360 ? 0.03 : 0;
    return 140_000_000 * (1 + premium);
  }

  public static Path write(Path dir, String name, String content) throws java.io.IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, content);
    return p;
  }
}
