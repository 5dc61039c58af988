package io.kimp.bench;

import io.kimp.core.market.MarketEvent;
import io.kimp.core.market.MarketState;
import io.kimp.core.market.OpportunityDetector;
import io.kimp.core.strategy.OpportunityRule;
import io.kimp.core.strategy.TradingCosts;
import io.kimp.feeds.FeedVenue;
import io.kimp.feeds.RawFrame;
import io.kimp.feeds.binance.BinanceParser;
import io.kimp.feeds.parse.CoinResolver;
import io.kimp.feeds.parse.FrameStats;
import io.kimp.feeds.upbit.UpbitParser;
import io.kimp.simulator.MarketUpdate;
import io.kimp.simulator.MarketUpdate.Kind;
import io.kimp.simulator.SimVenue;
import io.kimp.simulator.SimulatorConfig;
import io.kimp.simulator.WireFormats;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The hot path of one frame, on one core: parse (Jackson streaming) + normalize + apply to the {@link MarketState}
 * (premium recomputed) + the {@link OpportunityDetector}'s look at the coin. Throughput in frames (msgs) per second, per
 * venue and format, and for the mixed Upbit-ticker / Binance-bookTicker stream the target is set on (≥ 1.8 M msgs/s).
 *
 * <p>Frames are the simulator's, i.e. shaped like the venues' (Upbit frames as the binary bytes Upbit sends, Binance as
 * text), over 20 coins with varying prices; the state is seeded with books and the rate so every frame makes the detector
 * evaluate its coin (fresh, below the threshold: the common case). The parsers are the ones the feeds use (fast path in
 * front of Jackson); {@code jacksonOnly…} runs the same mixed stream through the Jackson-only parsers, for comparison on
 * the same machine at the same time. {@code mixedWithOddFrames} is the mixed stream with one frame in ten replaced by an odd
 * one (valid but unusual, needing Jackson, or bad and rejected), so the fast path, its fallback and the rejection
 * counting are all in the measurement.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+UseParallelGC"})
@Threads(1)
public class ParsePremiumBenchmark {
  private static final int N = 4096;
  private static final long NOW = 1_750_000_000_000L;

  /** Upbit format of the Upbit frames. */
  @Param({"SIMPLE", "DEFAULT"})
  public String upbitFormat;

  private RawFrame[] upbitTicker;
  private RawFrame[] upbitOrderbook;
  private RawFrame[] upbitTrade;
  private RawFrame[] binanceBookTicker;
  private RawFrame[] binanceTrade;
  private RawFrame[] binanceDepth;
  private RawFrame[] mixed;
  private RawFrame[] mixedOdd;
  private UpbitParser upbit;
  private BinanceParser binance;
  private UpbitParser upbitJackson;
  private BinanceParser binanceJackson;
  private MarketState state;
  private OpportunityDetector detector;
  private int i;
  private RawFrame rate;
  private int seedCoins;
  private long refused;

  @Setup
  public void setup() {
    List<String> coins = SimulatorConfig.DEFAULT_COINS;
    CoinResolver resolver = CoinResolver.of(coins);
    upbit = new UpbitParser(new FrameStats(FeedVenue.UPBIT), resolver);
    binance = new BinanceParser(new FrameStats(FeedVenue.BINANCE), resolver);
    upbitJackson = UpbitParser.withoutFastPath(new FrameStats(FeedVenue.UPBIT), resolver);
    binanceJackson = BinanceParser.withoutFastPath(new FrameStats(FeedVenue.BINANCE), resolver);
    boolean simple = upbitFormat.equals("SIMPLE");
    SplittableRandom r = new SplittableRandom(7);
    upbitTicker = new RawFrame[N];
    upbitOrderbook = new RawFrame[N];
    upbitTrade = new RawFrame[N];
    binanceBookTicker = new RawFrame[N];
    binanceTrade = new RawFrame[N];
    binanceDepth = new RawFrame[N];
    mixed = new RawFrame[N];
    // each coin at its own price, moving a little from frame to frame (as a market does: a price jumping tenfold between
    // two frames would be refused as implausible, and the benchmark would measure refusals)
    double[] price = new double[coins.size()];
    for (int c = 0; c < price.length; c++) {
      price[c] = 1 + r.nextDouble() * 100;
    }
    for (int k = 0; k < N; k++) {
      String coin = coins.get(k % coins.size());
      double usdt = price[k % coins.size()] * (1 + (r.nextDouble() - 0.5) * 0.01);
      double krw = usdt * 1400 * (1 + (r.nextDouble() - 0.5) * 0.004);
      upbitTicker[k] = upbitFrame(update(SimVenue.UPBIT, Kind.TICKER, coin, krw, k), simple);
      upbitOrderbook[k] = upbitFrame(update(SimVenue.UPBIT, Kind.BOOK, coin, krw, k), simple);
      upbitTrade[k] = upbitFrame(update(SimVenue.UPBIT, Kind.TRADE, coin, krw, k), simple);
      binanceBookTicker[k] = binanceFrame(update(SimVenue.BINANCE, Kind.BOOK, coin, usdt, k));
      binanceTrade[k] = binanceFrame(update(SimVenue.BINANCE, Kind.TRADE, coin, usdt, k));
      binanceDepth[k] = binanceFrame(update(SimVenue.BINANCE, Kind.DEPTH, coin, usdt, k));
      mixed[k] = (k & 1) == 0 ? upbitTicker[k] : binanceBookTicker[k];
    }
    mixedOdd = new RawFrame[N];
    for (int k = 0; k < N; k++) {
      int slot = k % 20; // one in ten, alternately an Upbit and a Binance frame
      mixedOdd[k] = slot == 9 || slot == 18 ? odd(mixed[k], k / 20) : mixed[k];
    }
    rate = upbitFrame(update(SimVenue.UPBIT, Kind.BOOK, "USDT", 1400, 0), simple);
    seedCoins = coins.size();
    reseed();
  }

  /**
   * A fresh state holding the rate and both books of every coin, so that every frame is evaluated. Called again each
   * time the frame arrays wrap around: their Binance update ids would otherwise be dropped as replays (about 1 % of the
   * measured work, included in the numbers).
   */
  private void reseed() {
    if (state != null) {
      refused += state.rejected();
    }
    state = MarketState.live(Duration.ofSeconds(10));
    detector =
        new OpportunityDetector(
            state,
            new OpportunityDetector.Settings(
                Duration.ofSeconds(30), new OpportunityRule.Settings(0.5, 250_000, 0.01, TradingCosts.defaults())),
            o -> {});
    apply(upbit, rate);
    for (int k = 0; k < seedCoins; k++) {
      apply(upbit, upbitOrderbook[k]);
      apply(binance, binanceDepth[k]);
    }
  }

  private static MarketUpdate update(SimVenue v, Kind kind, String coin, double mid, long seq) {
    double half = mid * 5e-5;
    double size = 1e5 / mid;
    return new MarketUpdate(v, kind, coin, mid - half, size, mid + half, size, mid, size / 100, 1e10, 1_000_000 + seq,
        NOW, 0);
  }

  private static RawFrame upbitFrame(MarketUpdate u, boolean simple) {
    return RawFrame.binary(FeedVenue.UPBIT, WireFormats.upbit(u, simple).getBytes(StandardCharsets.UTF_8), NOW, 0);
  }

  private static RawFrame binanceFrame(MarketUpdate u) {
    return RawFrame.text(FeedVenue.BINANCE, WireFormats.binanceCombined(u), NOW, 0);
  }

  /**
   * The frame made odd in one of seven ways: two the fast path still takes (whitespace; an extra nested member), one only
   * Jackson reads (an escape sequence in a skipped string), four that are rejected (truncated, negative price, unknown
   * symbol, NaN).
   */
  private static RawFrame odd(RawFrame f, int which) {
    boolean upbit = f.venue() == FeedVenue.UPBIT;
    String t = f.asText();
    String price = upbit ? "\"tp\":" : "\"b\":\"";
    switch (which % 7) {
      case 0:
        t = t.replace(",", ", ").replace(":", " : ");
        break;
      case 1:
        t = "{\"x\":{\"a\":[1,2.5e3,{\"b\":null}],\"c\":\"d\"}," + t.substring(1);
        break;
      case 2:
        t = upbit ? t.replace("REALTIME", "REAL\\u0054IME") : t.replace("@bookTicker", "@book\\u0054icker");
        break;
      case 3:
        t = t.substring(0, t.length() / 2);
        break;
      case 4:
        t = t.replace(price, price + "-");
        break;
      case 5:
        t = upbit ? t.replace("KRW-", "KRW-X") : t.replace("USDT\"", "USDC\"");
        break;
      default:
        t = t.replace(price, price + (upbit ? "\"NaN\",\"x\":" : "NaN\",\"x\":\""));
    }
    return upbit
        ? RawFrame.binary(FeedVenue.UPBIT, t.getBytes(StandardCharsets.UTF_8), f.receivedAt(), 0)
        : RawFrame.text(FeedVenue.BINANCE, t, f.receivedAt(), 0);
  }

  /** Parse, normalize, apply (premium), detect: the work of one frame. */
  private int apply(io.kimp.feeds.parse.FrameParser parser, RawFrame f) {
    MarketEvent e = parser.parse(f);
    if (e == null) {
      throw new IllegalStateException("benchmark frame rejected: " + f.asText());
    }
    return detector.onApplied(state.apply(e), e.coin(), e.receivedAt());
  }

  private RawFrame next(RawFrame[] frames) {
    RawFrame f = frames[i];
    i = (i + 1) & (N - 1);
    if (i == 0) {
      reseed();
    }
    return f;
  }

  @Benchmark
  public int mixedUpbitTickerBinanceBookTicker() {
    RawFrame f = next(mixed);
    return apply(f.venue() == FeedVenue.UPBIT ? upbit : binance, f);
  }

  @Benchmark
  public int mixedWithOddFrames() {
    RawFrame f = next(mixedOdd);
    MarketEvent e = (f.venue() == FeedVenue.UPBIT ? upbit : binance).parse(f);
    return e == null ? -1 : detector.onApplied(state.apply(e), e.coin(), e.receivedAt()); // rejected: counted, dropped
  }

  /** The machine's load (the numbers mean little far above the core count) and how the parsers' work was split. */
  @TearDown
  public void report() {
    System.out.printf("%n  load average %.1f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    System.out.printf("; events refused as implausible %,d", refused + state.rejected());
    if (upbit.fullParses() + binance.fullParses() > 0) { // only the odd-frames benchmark reaches Jackson
      System.out.printf("; fast path took %,d Upbit and %,d Binance frames, Jackson read %,d and %,d (rejected %,d and %,d)",
          upbit.fastPathTaken(), binance.fastPathTaken(), upbit.fullParses(), binance.fullParses(),
          upbit.stats().rejectedTotal(), binance.stats().rejectedTotal());
    }
    System.out.println();
  }

  @Benchmark
  public int jacksonOnlyMixedUpbitTickerBinanceBookTicker() {
    RawFrame f = next(mixed);
    return apply(f.venue() == FeedVenue.UPBIT ? upbitJackson : binanceJackson, f);
  }

  @Benchmark
  public int upbitTicker() {
    return apply(upbit, next(upbitTicker));
  }

  @Benchmark
  public int upbitOrderbook() {
    return apply(upbit, next(upbitOrderbook));
  }

  @Benchmark
  public int upbitTrade() {
    return apply(upbit, next(upbitTrade));
  }

  @Benchmark
  public int binanceBookTicker() {
    return apply(binance, next(binanceBookTicker));
  }

  @Benchmark
  public int binanceTrade() {
    return apply(binance, next(binanceTrade));
  }

  @Benchmark
  public int binanceDepth5() {
    return apply(binance, next(binanceDepth));
  }
}
