package io.kimp.simulator;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What the exchange simulator plays.
 *
 * <p>By default a price model: each coin's Binance price walks randomly, Upbit's follows it at {@code usdtKrw} × (1 +
 * premium), the premium oscillating around {@code premiumPercent} by ± {@code premiumSwingPercent} over
 * {@code premiumPeriod} (plus a small fixed offset per coin), so a newcomer sees premiums move through the trading
 * threshold. With {@code recording} set it plays a kimp recording's raw frames instead (at {@code recordingSpeed}); with
 * both candle files set it walks 5-minute candle closes (one coin, {@code candleCoin}).
 *
 * @param updatesPerSecond total market updates per second over both venues; 0 = as fast as the clients take them
 * @param faultProxy put a TCP proxy in front of each venue so connections can be cut without a close frame (1006)
 */
public record SimulatorConfig(
    List<String> coins,
    double usdtKrw,
    double usdKrw,
    double premiumPercent,
    double premiumSwingPercent,
    Duration premiumPeriod,
    double updatesPerSecond,
    Duration binancePingInterval,
    Path recording,
    double recordingSpeed,
    Path upbitCandles,
    Path binanceCandles,
    String candleCoin,
    boolean faultProxy,
    long seed) {

  public static final List<String> DEFAULT_COINS =
      List.of(
          "BTC", "ETH", "XRP", "SOL", "ADA", "DOGE", "TRX", "LINK", "DOT", "AVAX", "BCH", "ETC", "XLM", "ATOM", "NEAR",
          "SAND", "HBAR", "AAVE", "SUI", "APT");

  public SimulatorConfig {
    coins = List.copyOf(coins);
    if (coins.isEmpty()) {
      throw new IllegalArgumentException("the simulator needs at least one coin");
    }
    if (!(usdtKrw > 0) || !(usdKrw > 0)) {
      throw new IllegalArgumentException("rates must be positive");
    }
    if (updatesPerSecond < 0) {
      throw new IllegalArgumentException("updatesPerSecond must not be negative");
    }
  }

  /** 20 coins, USDT/KRW 1,400, premium 0.5 % ± 2 % over a minute, 200 updates/s, Binance pings every 20 s. */
  public static SimulatorConfig defaults() {
    return new SimulatorConfig(
        DEFAULT_COINS, 1400, 1380, 0.5, 2.0, Duration.ofSeconds(60), 200, Duration.ofSeconds(20), null, 1.0, null,
        null, "BTC", true, 42);
  }

  public SimulatorConfig withCoins(List<String> c) {
    return new SimulatorConfig(c, usdtKrw, usdKrw, premiumPercent, premiumSwingPercent, premiumPeriod, updatesPerSecond,
        binancePingInterval, recording, recordingSpeed, upbitCandles, binanceCandles, candleCoin, faultProxy, seed);
  }

  public SimulatorConfig withPremium(double percent, double swingPercent, Duration period) {
    return new SimulatorConfig(coins, usdtKrw, usdKrw, percent, swingPercent, period, updatesPerSecond,
        binancePingInterval, recording, recordingSpeed, upbitCandles, binanceCandles, candleCoin, faultProxy, seed);
  }

  public SimulatorConfig withUpdatesPerSecond(double rate) {
    return new SimulatorConfig(coins, usdtKrw, usdKrw, premiumPercent, premiumSwingPercent, premiumPeriod, rate,
        binancePingInterval, recording, recordingSpeed, upbitCandles, binanceCandles, candleCoin, faultProxy, seed);
  }

  public SimulatorConfig withBinancePingInterval(Duration d) {
    return new SimulatorConfig(coins, usdtKrw, usdKrw, premiumPercent, premiumSwingPercent, premiumPeriod,
        updatesPerSecond, d, recording, recordingSpeed, upbitCandles, binanceCandles, candleCoin, faultProxy, seed);
  }

  public SimulatorConfig withRecording(Path file, double speed) {
    return new SimulatorConfig(coins, usdtKrw, usdKrw, premiumPercent, premiumSwingPercent, premiumPeriod,
        updatesPerSecond, binancePingInterval, file, speed, upbitCandles, binanceCandles, candleCoin, faultProxy, seed);
  }

  public SimulatorConfig withCandles(Path upbit, Path binance, String coin) {
    return new SimulatorConfig(coins, usdtKrw, usdKrw, premiumPercent, premiumSwingPercent, premiumPeriod,
        updatesPerSecond, binancePingInterval, recording, recordingSpeed, upbit, binance, coin, faultProxy, seed);
  }

  public SimulatorConfig withFaultProxy(boolean on) {
    return new SimulatorConfig(coins, usdtKrw, usdKrw, premiumPercent, premiumSwingPercent, premiumPeriod,
        updatesPerSecond, binancePingInterval, recording, recordingSpeed, upbitCandles, binanceCandles, candleCoin, on,
        seed);
  }
}
