package io.kimp.backtest.market;

import static org.assertj.core.api.Assertions.assertThat;

import io.kimp.backtest.data.CandleSeries;
import io.kimp.backtest.data.FxSeries;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CandleMarketSourceTest {
  private static final long M = 60_000L;
  private static final long T0 = 1_700_000_000_000L - 1_700_000_000_000L % (5 * M);
  private static final CandleBookModel BOOKS = new CandleBookModel(0.0001, 1.0);

  private static CandleSeries series(String name, long... minutes) {
    long[] t = new long[minutes.length];
    double[] close = new double[minutes.length];
    double[] vol = new double[minutes.length];
    for (int i = 0; i < minutes.length; i++) {
      t[i] = T0 + minutes[i] * M;
      close[i] = 100 + minutes[i]; // the price tells which candle a moment used
      vol[i] = 2;
    }
    return CandleSeries.of(name, t, close, vol);
  }

  private static FxSeries fxFrom(long minute) {
    long forever = Long.MAX_VALUE / 4;
    return FxSeries.of("fx", new long[] {T0 + minute * M}, new double[] {1400}, false, forever, forever);
  }

  private static List<MarketMoment> drain(MarketSource s) {
    List<MarketMoment> out = new ArrayList<>();
    for (MarketMoment m = s.next(); m != null; m = s.next()) {
      out.add(m);
    }
    return out;
  }

  @Test
  void aMomentNeedsBothVenuesAtTheSameTimeAndEveryOtherCandleIsCountedNeverInterpolated() {
    // binance starts earlier and is complete; upbit misses 15..25; upbit has a candle at 32 binance lacks
    CandleSeries upbit = series("u", 5, 10, 30, 32, 35, 40);
    CandleSeries binance = series("b", 0, 5, 10, 15, 20, 25, 30, 35, 40, 45);
    CandleMarketSource src = new CandleMarketSource("BTC", upbit, binance, fxFrom(0), BOOKS,
        Long.MIN_VALUE, Long.MAX_VALUE);
    List<MarketMoment> ms = drain(src);
    assertThat(ms).extracting(m -> (m.timeMs() - T0) / M).containsExactly(5L, 10L, 30L, 35L, 40L);
    for (MarketMoment m : ms) {
      long minute = (m.timeMs() - T0) / M;
      assertThat(m.upbit().mid()).isCloseTo(100 + minute, org.assertj.core.api.Assertions.within(1e-9));
      assertThat(m.binance().mid()).isCloseTo(100 + minute, org.assertj.core.api.Assertions.within(1e-9));
      assertThat(m.usdtKrw()).isEqualTo(1400);
    }
    MarketSource.Coverage c = src.coverage();
    assertThat(c.moments()).isEqualTo(5);
    assertThat(c.skipped()).containsEntry(CandleMarketSource.BINANCE_ONLY, 3L) // 15, 20, 25
        .containsEntry(CandleMarketSource.UPBIT_ONLY, 1L) // 32
        .containsEntry(CandleMarketSource.NO_FX, 0L);
    assertThat(c.outsideOverlap()).isEqualTo(2); // binance 0 and 45
    assertThat(c.gapEpisodes()).isEqualTo(1); // 10 → 30
    assertThat(c.longestGapMs()).isEqualTo(20 * M);
  }

  @Test
  void momentsWithoutAUsableRateAreSkippedAndCounted() {
    CandleSeries upbit = series("u", 0, 5, 10, 15);
    CandleSeries binance = series("b", 0, 5, 10, 15);
    CandleMarketSource src = new CandleMarketSource("BTC", upbit, binance, fxFrom(10), BOOKS,
        Long.MIN_VALUE, Long.MAX_VALUE);
    assertThat(drain(src)).hasSize(2);
    assertThat(src.coverage().skipped()).containsEntry(CandleMarketSource.NO_FX, 2L);
  }

  @Test
  void theWindowIsFromInclusiveToExclusive() {
    CandleSeries upbit = series("u", 0, 5, 10, 15, 20);
    CandleSeries binance = series("b", 0, 5, 10, 15, 20);
    CandleMarketSource src = new CandleMarketSource("BTC", upbit, binance, fxFrom(0), BOOKS, T0 + 5 * M, T0 + 15 * M);
    assertThat(drain(src)).extracting(m -> (m.timeMs() - T0) / M).containsExactly(5L, 10L);
    assertThat(src.coverage().outsideOverlap()).isEqualTo(6);
    assertThat(src.progress()).isEqualTo(1.0);
  }

  @Test
  void booksAreTheCloseWithTheModelledHalfSpreadAndTheCandleVolumeAsDepth() {
    CandleSeries upbit = series("u", 0);
    CandleSeries binance = series("b", 0);
    MarketMoment m = drain(new CandleMarketSource("BTC", upbit, binance, fxFrom(0), new CandleBookModel(0.001, 0.5),
        Long.MIN_VALUE, Long.MAX_VALUE)).get(0);
    assertThat(m.upbit().bestBid()).isEqualTo(100 * 0.999);
    assertThat(m.upbit().bestAsk()).isEqualTo(100 * 1.001);
    assertThat(m.upbit().askSizes()[0]).isEqualTo(1.0);
    assertThat(m.upbit().mid()).isCloseTo(100, org.assertj.core.api.Assertions.within(1e-12));
  }

  @Test
  void theDayVolumeIsKnownOnlyWhenTheLastDayIsCovered() {
    int n = 300; // 5-minute candles: 288 a day
    long[] t = new long[n];
    double[] close = new double[n];
    double[] vol = new double[n];
    for (int i = 0; i < n; i++) {
      t[i] = T0 + i * 5 * M;
      close[i] = 10;
      vol[i] = 1;
    }
    CandleSeries s = CandleSeries.of("s", t, close, vol);
    CandleMarketSource src = new CandleMarketSource("BTC", s, s, fxFrom(0), BOOKS, Long.MIN_VALUE, Long.MAX_VALUE);
    List<MarketMoment> ms = drain(src);
    assertThat(ms.get(0).upbitVolume24hKrw()).isZero(); // unknown: the live rule then applies no volume cap
    assertThat(ms.get(299).upbitVolume24hKrw()).isEqualTo(288 * 10.0); // the trailing 24 h: 288 candles × 1 × 10
    assertThat(ms.get(299).binanceVolume24hUsdt()).isEqualTo(288 * 10.0);
  }
}
