package io.kimp.simulator;

import io.kimp.simulator.MarketUpdate.Kind;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The simulator's default market: per coin a Binance mid that walks randomly and an Upbit mid at USDT/KRW × (1 + premium),
 * with the premium regime of the {@link SimulatorConfig} (settable at run time). Each round of updates starts with the
 * Upbit KRW-USDT book, then one update per coin, cycling through the message kinds both venues send (Binance bookTicker
 * most often, then Upbit orderbook, tickers, trades, depth, 24 h tickers).
 */
final class PriceModel implements UpdateSource {
  private static final Map<String, Double> BASE_USDT =
      Map.ofEntries(
          Map.entry("BTC", 100_000.0), Map.entry("ETH", 3_500.0), Map.entry("XRP", 2.5), Map.entry("SOL", 150.0),
          Map.entry("ADA", 0.7), Map.entry("DOGE", 0.2), Map.entry("TRX", 0.25), Map.entry("LINK", 15.0),
          Map.entry("DOT", 4.0), Map.entry("AVAX", 25.0), Map.entry("BCH", 450.0), Map.entry("ETC", 20.0),
          Map.entry("XLM", 0.3), Map.entry("ATOM", 5.0), Map.entry("NEAR", 2.5), Map.entry("SAND", 0.3),
          Map.entry("HBAR", 0.2), Map.entry("AAVE", 250.0), Map.entry("SUI", 3.5), Map.entry("APT", 5.0));

  private static final Kind[] UPBIT_SLOTS = {Kind.BOOK, Kind.TICKER, Kind.BOOK, Kind.TRADE};
  private static final Kind[] BINANCE_SLOTS = {
    Kind.BOOK, Kind.BOOK, Kind.TRADE, Kind.BOOK, Kind.DEPTH, Kind.BOOK, Kind.TRADE, Kind.BOOK, Kind.BOOK, Kind.TICKER
  };

  private final List<String> coins;
  private final double[] binanceMid;
  private final double[] coinOffset;
  private final SplittableRandom random;
  private final long startMillis;
  private final AtomicLong upbitSeq;
  private final AtomicLong binanceSeq;
  private volatile double premiumPercent;
  private volatile double swingPercent;
  private volatile long periodMillis;
  private volatile double driftPerHour;
  private final double volatility;
  private final double spreadFactor;
  private final double depthFactor;
  private double usdtKrw;
  private final double usdtKrwBase;
  private final double premiumBase;
  private int coinIndex = -1;
  private long round;

  PriceModel(SimulatorConfig c, AtomicLong upbitSeq, AtomicLong binanceSeq) {
    this.coins = c.coins();
    this.random = new SplittableRandom(c.seed());
    this.binanceMid = new double[coins.size()];
    this.coinOffset = new double[coins.size()];
    for (int i = 0; i < coins.size(); i++) {
      binanceMid[i] = BASE_USDT.getOrDefault(coins.get(i), 10.0);
      coinOffset[i] = (random.nextDouble() - 0.5) * 0.4;
    }
    this.usdtKrw = c.usdtKrw();
    this.usdtKrwBase = c.usdtKrw();
    this.upbitSeq = upbitSeq;
    this.binanceSeq = binanceSeq;
    this.startMillis = System.currentTimeMillis();
    this.volatility = c.volatility();
    this.spreadFactor = c.spreadFactor();
    this.depthFactor = c.depthFactor();
    this.driftPerHour = c.premiumDriftPercentPerHour();
    this.premiumBase = c.premiumPercent();
    setPremium(c.premiumPercent(), c.premiumSwingPercent(), c.premiumPeriod().toMillis());
  }

  void setPremium(double percent, double swing, long periodMs) {
    this.premiumPercent = percent;
    this.swingPercent = swing;
    this.periodMillis = Math.max(1, periodMs);
  }

  /** The regime's premium at {@code now}, before the per-coin offset: the centre (with its drift) plus the swing. */
  double premiumAt(long now) {
    double phase = 2 * Math.PI * ((now - startMillis) % periodMillis) / periodMillis;
    return premiumPercent + driftPerHour * (now - startMillis) / 3_600_000.0 + swingPercent * Math.sin(phase);
  }

  @Override
  public double referencePrice(SimVenue venue, String coin) {
    if (coin.equals("USDT")) {
      return usdtKrwBase;
    }
    double usdt = BASE_USDT.getOrDefault(coin, 10.0);
    return venue == SimVenue.BINANCE ? usdt : usdt * usdtKrwBase * (1 + premiumBase / 100);
  }

  @Override
  public MarketUpdate next(long now, long nanos) {
    if (coinIndex < 0) {
      coinIndex = 0;
      usdtKrw = Math.max(usdtKrwBase * 0.99, Math.min(usdtKrwBase * 1.01, usdtKrw * (1 + gauss(2e-5))));
      double bid = Math.floor(usdtKrw * 2 - 1) / 2; // KRW-USDT trades in 0.5 KRW ticks
      return new MarketUpdate(SimVenue.UPBIT, Kind.BOOK, "USDT", bid, 1e6, bid + 0.5, 1e6, bid, 1, 5e11,
          upbitSeq.incrementAndGet(), now, nanos);
    }
    int i = coinIndex;
    coinIndex = coinIndex + 1 == coins.size() ? -1 : coinIndex + 1;
    if (coinIndex < 0) {
      round++;
    }
    binanceMid[i] *= 1 + gauss(volatility);
    boolean upbit = ((round + i) & 1) == 0;
    String coin = coins.get(i);
    if (upbit) {
      double mid = binanceMid[i] * usdtKrw * (1 + (premiumAt(now) + coinOffset[i]) / 100.0);
      double half = mid * 1e-4 * spreadFactor;
      double size = 5e7 / mid * depthFactor;
      Kind kind = UPBIT_SLOTS[(int) ((round / 2) % UPBIT_SLOTS.length)];
      return new MarketUpdate(SimVenue.UPBIT, kind, coin, round2(mid - half), size, round2(mid + half), size,
          round2(mid), size / 1000, 1e11, upbitSeq.incrementAndGet(), now, nanos);
    }
    double mid = binanceMid[i];
    double half = mid * 5e-5 * spreadFactor;
    double size = 5e4 / mid * depthFactor;
    Kind kind = BINANCE_SLOTS[(int) ((round / 2) % BINANCE_SLOTS.length)];
    return new MarketUpdate(SimVenue.BINANCE, kind, coin, round8(mid - half), size, round8(mid + half), size,
        round8(mid), size / 1000, 1e8, binanceSeq.incrementAndGet(), now, nanos);
  }

  private double gauss(double sigma) {
    // sum of uniforms: cheap and good enough for a random walk
    return (random.nextDouble() + random.nextDouble() + random.nextDouble() - 1.5) * 2 * sigma;
  }

  private static double round2(double v) {
    return Math.round(v * 100) / 100.0;
  }

  private static double round8(double v) {
    return Math.round(v * 1e8) / 1e8;
  }
}
