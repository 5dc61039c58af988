package io.kimp.backtest.market;

import io.kimp.backtest.data.CandleSeries;
import io.kimp.backtest.data.FxSeries;
import io.kimp.core.market.Venue;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Aligns two venues' candles and a rate series into moments: a moment needs a candle from both venues with the same
 * open time, and a usable rate at that time (the last one at or before it, see {@link FxSeries}). Every other candle
 * inside the span both venues cover is skipped and counted by reason; nothing is interpolated or carried forward.
 *
 * <p>A moment at {@code T} carries the candles opened at {@code T}, priced at their close: the replay acts on a candle's
 * close at its label time (uniformly for both venues, so it shifts nothing between them).
 */
public final class CandleMarketSource implements MarketSource {
  public static final String UPBIT_ONLY = "upbitWithoutBinance";
  public static final String BINANCE_ONLY = "binanceWithoutUpbit";
  public static final String NO_FX = "withoutFxRate";

  private final String coin;
  private final CandleSeries upbit;
  private final CandleSeries binance;
  private final FxSeries.Cursor fx;
  private final CandleBookModel model;
  private final RollingVolume upbitVolume;
  private final RollingVolume binanceVolume;
  private final long spanFrom;
  private final long spanTo; // inclusive
  private final long step;
  private final long total;

  private int i;
  private int j;
  private long moments;
  private long upbitOnly;
  private long binanceOnly;
  private long noFx;
  private long outside;
  private long episodes;
  private long longest;
  private long previous = Long.MIN_VALUE;
  /** The next moment, read ahead by {@link #peekTime()}. */
  private MarketMoment ahead;

  /**
   * @param fromMs first open time to replay (inclusive), or {@code Long.MIN_VALUE}
   * @param toMs end of the replay (exclusive), or {@code Long.MAX_VALUE}
   */
  public CandleMarketSource(
      String coin, CandleSeries upbit, CandleSeries binance, FxSeries fx, CandleBookModel model, long fromMs,
      long toMs) {
    this.coin = coin;
    this.upbit = upbit;
    this.binance = binance;
    this.fx = fx.cursor();
    this.model = model;
    this.upbitVolume = new RollingVolume(upbit);
    this.binanceVolume = new RollingVolume(binance);
    long first = upbit.size() == 0 || binance.size() == 0 ? Long.MAX_VALUE : Math.max(upbit.time(0), binance.time(0));
    long last = upbit.size() == 0 || binance.size() == 0
        ? Long.MIN_VALUE
        : Math.min(upbit.time(upbit.size() - 1), binance.time(binance.size() - 1));
    this.spanFrom = Math.max(first, fromMs);
    this.spanTo = toMs == Long.MAX_VALUE ? last : Math.min(last, toMs - 1);
    long a = upbit.intervalMs();
    long b = binance.intervalMs();
    this.step = a > 0 && b > 0 ? Math.min(a, b) : Math.max(a, b);
    this.total = (long) upbit.size() + binance.size();
  }

  @Override
  public long peekTime() {
    if (ahead == null) {
      ahead = advance();
    }
    return ahead == null ? END : ahead.timeMs();
  }

  @Override
  public MarketMoment next() {
    peekTime();
    MarketMoment m = ahead;
    ahead = null;
    return m;
  }

  private MarketMoment advance() {
    int nu = upbit.size();
    int nb = binance.size();
    while (i < nu || j < nb) {
      boolean hasUpbit = i < nu;
      boolean hasBinance = j < nb;
      if (hasUpbit && !inSpan(upbit.time(i))) {
        outside++;
        i++;
        continue;
      }
      if (hasBinance && !inSpan(binance.time(j))) {
        outside++;
        j++;
        continue;
      }
      long tu = hasUpbit ? upbit.time(i) : Long.MAX_VALUE;
      long tb = hasBinance ? binance.time(j) : Long.MAX_VALUE;
      if (tu < tb) {
        upbitOnly++;
        i++;
        continue;
      }
      if (tb < tu) {
        binanceOnly++;
        j++;
        continue;
      }
      int ui = i++;
      int bj = j++;
      double rate = fx.rateAt(tu);
      if (Double.isNaN(rate)) {
        noFx++;
        continue;
      }
      if (previous != Long.MIN_VALUE) {
        long gap = tu - previous;
        if (step > 0 && gap > step) {
          episodes++;
        }
        longest = Math.max(longest, gap);
      }
      previous = tu;
      moments++;
      return new MarketMoment(
          tu,
          model.book(Venue.UPBIT, coin, upbit.close(ui), upbit.volume(ui), tu),
          model.book(Venue.BINANCE, coin, binance.close(bj), binance.volume(bj), tu),
          rate,
          upbitVolume.at(ui),
          binanceVolume.at(bj));
    }
    return null;
  }

  private boolean inSpan(long t) {
    return t >= spanFrom && t <= spanTo;
  }

  @Override
  public double progress() {
    return total == 0 ? 1 : (double) (i + j) / total;
  }

  @Override
  public Coverage coverage() {
    Map<String, Long> skipped = new LinkedHashMap<>();
    skipped.put(UPBIT_ONLY, upbitOnly);
    skipped.put(BINANCE_ONLY, binanceOnly);
    skipped.put(NO_FX, noFx);
    return new Coverage(moments, skipped, outside, episodes, longest);
  }
}
