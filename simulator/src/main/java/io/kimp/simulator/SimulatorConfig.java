package io.kimp.simulator;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * What the exchange simulator plays, and how its venues behave.
 *
 * <p>By default a price model: each coin's Binance price walks randomly ({@code volatility} per update), Upbit's follows
 * it at {@code usdtKrw} × (1 + premium), the premium oscillating around {@code premiumPercent} (moving by
 * {@code premiumDriftPercentPerHour}) by ± {@code premiumSwingPercent} over {@code premiumPeriod} (plus a small fixed
 * offset per coin), so a newcomer sees premiums move through the trading threshold. With {@code recording} set it plays a
 * kimp recording's raw frames instead (at {@code recordingSpeed}); with both candle files set it walks 5-minute candle
 * closes (one coin, {@code candleCoin}).
 *
 * @param updatesPerSecond total market updates per second over both venues; 0 = as fast as the clients take them
 * @param faultProxy put a TCP proxy in front of each venue so connections can be cut without a close frame (1006)
 * @param spreadFactor a factor on the model's spreads (Binance 1 bp, Upbit 2 bp)
 * @param depthFactor a factor on the model's book sizes
 * @param binanceDepthLevels levels per side of Binance's books (REST depth and the diff streams); Upbit's have 15
 * @param binancePingInterval Binance's server ping interval (20 s)
 * @param binancePongTimeout a Binance connection whose ping is not answered (pong with its payload) this long is closed
 * @param binanceMaxConnectionAge a Binance connection is closed when this old (24 h)
 * @param upbitIdleTimeout an Upbit connection with no traffic either way this long is closed (120 s)
 * @param binanceWeightPerMinute Binance's REST request-weight limit per minute (6000)
 * @param upbitRequestsPerSecond Upbit's REST quotation limit per second and group (10)
 * @param upbitPort the Upbit port, 0 for an ephemeral one
 * @param binancePort the Binance port, 0 for an ephemeral one
 * @param tls how to serve TLS, null for plain {@code ws://} and {@code http://}
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
    long seed,
    double premiumDriftPercentPerHour,
    double volatility,
    double spreadFactor,
    double depthFactor,
    int binanceDepthLevels,
    Duration binancePongTimeout,
    Duration binanceMaxConnectionAge,
    Duration upbitIdleTimeout,
    int binanceWeightPerMinute,
    int upbitRequestsPerSecond,
    int upbitPort,
    int binancePort,
    Tls tls) {

  /**
   * TLS for both venues: a PKCS#12 key store ({@code keyStore}, {@code password}), or, when {@code keyStore} is null, a
   * certificate for {@code localhost} and {@code 127.0.0.1} generated at start. The certificate is written in PEM to
   * {@code certificateOut} (when set) for clients to trust.
   */
  public record Tls(Path keyStore, String password, Path certificateOut) {}

  public static final List<String> DEFAULT_COINS =
      List.of(
          "BTC", "ETH", "XRP", "SOL", "ADA", "DOGE", "TRX", "LINK", "DOT", "AVAX", "BCH", "ETC", "XLM", "ATOM", "NEAR",
          "SAND", "HBAR", "AAVE", "SUI", "APT");

  public SimulatorConfig {
    coins = List.copyOf(coins);
    if (coins.isEmpty()) {
      throw new IllegalArgumentException("the simulator needs at least one coin");
    }
    for (String c : coins) {
      if (!c.matches("[A-Z0-9]{1,20}")) {
        throw new IllegalArgumentException("a coin is 1 to 20 upper-case letters or digits: " + c);
      }
    }
    if (!(usdtKrw > 0) || !(usdKrw > 0)) {
      throw new IllegalArgumentException("rates must be positive");
    }
    if (updatesPerSecond < 0) {
      throw new IllegalArgumentException("updatesPerSecond must not be negative");
    }
    if (!(volatility >= 0) || !(spreadFactor > 0) || !(depthFactor > 0)) {
      throw new IllegalArgumentException("volatility must not be negative; spread and depth factors must be positive");
    }
    if (binanceDepthLevels < 1 || binanceDepthLevels > 5000) {
      throw new IllegalArgumentException("binanceDepthLevels must be between 1 and 5000");
    }
    if (binanceWeightPerMinute < 1 || upbitRequestsPerSecond < 1) {
      throw new IllegalArgumentException("rate limits must be positive");
    }
    if (upbitPort < 0 || upbitPort > 65535 || binancePort < 0 || binancePort > 65535) {
      throw new IllegalArgumentException("ports must be between 0 and 65535");
    }
  }

  /**
   * 20 coins, USDT/KRW 1,400, premium 0.5 % ± 2 % over a minute, 200 updates/s, the venues' documented keep-alive rules
   * and rate limits, 20-level Binance books, ephemeral ports, plain (no TLS).
   */
  public static SimulatorConfig defaults() {
    return new SimulatorConfig(
        DEFAULT_COINS, 1400, 1380, 0.5, 2.0, Duration.ofSeconds(60), 200, Duration.ofSeconds(20), null, 1.0, null,
        null, "BTC", true, 42, 0, 1e-4, 1, 1, 20, Duration.ofMinutes(1), Duration.ofHours(24), Duration.ofSeconds(120),
        6000, 10, 0, 0, null);
  }

  public SimulatorConfig withCoins(List<String> c) {
    return with(b -> b.coins = c);
  }

  public SimulatorConfig withPremium(double percent, double swingPercent, Duration period) {
    return with(b -> {
      b.premiumPercent = percent;
      b.premiumSwingPercent = swingPercent;
      b.premiumPeriod = period;
    });
  }

  /** The premium's centre moves by this many percentage points an hour (negative: down). */
  public SimulatorConfig withPremiumDrift(double percentPerHour) {
    return with(b -> b.premiumDriftPercentPerHour = percentPerHour);
  }

  public SimulatorConfig withUpdatesPerSecond(double rate) {
    return with(b -> b.updatesPerSecond = rate);
  }

  public SimulatorConfig withBinancePingInterval(Duration d) {
    return with(b -> b.binancePingInterval = d);
  }

  public SimulatorConfig withRecording(Path file, double speed) {
    return with(b -> {
      b.recording = file;
      b.recordingSpeed = speed;
    });
  }

  public SimulatorConfig withCandles(Path upbit, Path binance, String coin) {
    return with(b -> {
      b.upbitCandles = upbit;
      b.binanceCandles = binance;
      b.candleCoin = coin;
    });
  }

  public SimulatorConfig withFaultProxy(boolean on) {
    return with(b -> b.faultProxy = on);
  }

  /** The KRW-USDT level Upbit quotes around, and the USD/KRW endpoint's rate. */
  public SimulatorConfig withRates(double usdtKrwRate, double usdKrwRate) {
    return with(b -> {
      b.usdtKrw = usdtKrwRate;
      b.usdKrw = usdKrwRate;
    });
  }

  public SimulatorConfig withSeed(long s) {
    return with(b -> b.seed = s);
  }

  /** Price volatility per update (relative), and factors on the default spreads and book sizes. */
  public SimulatorConfig withMarket(double volatility, double spreadFactor, double depthFactor) {
    return with(b -> {
      b.volatility = volatility;
      b.spreadFactor = spreadFactor;
      b.depthFactor = depthFactor;
    });
  }

  public SimulatorConfig withBinanceDepthLevels(int levels) {
    return with(b -> b.binanceDepthLevels = levels);
  }

  /** Binance's pong deadline (1 min) and connection lifetime (24 h). */
  public SimulatorConfig withBinanceKeepAlive(Duration pongTimeout, Duration maxConnectionAge) {
    return with(b -> {
      b.binancePongTimeout = pongTimeout;
      b.binanceMaxConnectionAge = maxConnectionAge;
    });
  }

  /** Upbit closes a connection without traffic for this long (120 s). */
  public SimulatorConfig withUpbitIdleTimeout(Duration d) {
    return with(b -> b.upbitIdleTimeout = d);
  }

  public SimulatorConfig withRateLimits(int binanceWeightPerMinute, int upbitRequestsPerSecond) {
    return with(b -> {
      b.binanceWeightPerMinute = binanceWeightPerMinute;
      b.upbitRequestsPerSecond = upbitRequestsPerSecond;
    });
  }

  /** Fixed ports (0: ephemeral). */
  public SimulatorConfig withPorts(int upbit, int binance) {
    return with(b -> {
      b.upbitPort = upbit;
      b.binancePort = binance;
    });
  }

  /** Serve TLS ({@code wss://}, {@code https://}); null for plain. */
  public SimulatorConfig withTls(Tls t) {
    return with(b -> b.tls = t);
  }

  /** This configuration with what {@code change} sets on a copy of it. */
  private SimulatorConfig with(Consumer<Builder> change) {
    Builder b = new Builder(this);
    change.accept(b);
    return b.build();
  }

  /** A mutable copy, for the withers: each changes only what it names. */
  private static final class Builder {
    private List<String> coins;
    private double usdtKrw;
    private double usdKrw;
    private double premiumPercent;
    private double premiumSwingPercent;
    private Duration premiumPeriod;
    private double updatesPerSecond;
    private Duration binancePingInterval;
    private Path recording;
    private double recordingSpeed;
    private Path upbitCandles;
    private Path binanceCandles;
    private String candleCoin;
    private boolean faultProxy;
    private long seed;
    private double premiumDriftPercentPerHour;
    private double volatility;
    private double spreadFactor;
    private double depthFactor;
    private int binanceDepthLevels;
    private Duration binancePongTimeout;
    private Duration binanceMaxConnectionAge;
    private Duration upbitIdleTimeout;
    private int binanceWeightPerMinute;
    private int upbitRequestsPerSecond;
    private int upbitPort;
    private int binancePort;
    private Tls tls;

    Builder(SimulatorConfig c) {
      coins = c.coins;
      usdtKrw = c.usdtKrw;
      usdKrw = c.usdKrw;
      premiumPercent = c.premiumPercent;
      premiumSwingPercent = c.premiumSwingPercent;
      premiumPeriod = c.premiumPeriod;
      updatesPerSecond = c.updatesPerSecond;
      binancePingInterval = c.binancePingInterval;
      recording = c.recording;
      recordingSpeed = c.recordingSpeed;
      upbitCandles = c.upbitCandles;
      binanceCandles = c.binanceCandles;
      candleCoin = c.candleCoin;
      faultProxy = c.faultProxy;
      seed = c.seed;
      premiumDriftPercentPerHour = c.premiumDriftPercentPerHour;
      volatility = c.volatility;
      spreadFactor = c.spreadFactor;
      depthFactor = c.depthFactor;
      binanceDepthLevels = c.binanceDepthLevels;
      binancePongTimeout = c.binancePongTimeout;
      binanceMaxConnectionAge = c.binanceMaxConnectionAge;
      upbitIdleTimeout = c.upbitIdleTimeout;
      binanceWeightPerMinute = c.binanceWeightPerMinute;
      upbitRequestsPerSecond = c.upbitRequestsPerSecond;
      upbitPort = c.upbitPort;
      binancePort = c.binancePort;
      tls = c.tls;
    }

    SimulatorConfig build() {
      return new SimulatorConfig(
          coins, usdtKrw, usdKrw, premiumPercent, premiumSwingPercent, premiumPeriod, updatesPerSecond,
          binancePingInterval, recording, recordingSpeed, upbitCandles, binanceCandles, candleCoin, faultProxy, seed,
          premiumDriftPercentPerHour, volatility, spreadFactor, depthFactor, binanceDepthLevels, binancePongTimeout,
          binanceMaxConnectionAge, upbitIdleTimeout, binanceWeightPerMinute, upbitRequestsPerSecond, upbitPort,
          binancePort, tls);
    }
  }
}
