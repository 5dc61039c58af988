package io.kimp.feeds.parse;

import io.kimp.feeds.FeedVenue;
import io.kimp.feeds.RawFrame;
import io.kimp.feeds.binance.BinanceFuturesParser;
import io.kimp.feeds.binance.BinanceParser;
import io.kimp.feeds.fx.UsdKrwParser;
import io.kimp.feeds.upbit.UpbitParser;
import java.util.EnumMap;
import java.util.Map;

/**
 * One parser per venue for frames that come from anywhere (a recording): picks the venue's parser and, unlike a live
 * connection, survives a recorded venue error message (it is counted; the recording goes on).
 */
public final class FrameParsers {
  private final Map<FeedVenue, FrameParser> parsers = new EnumMap<>(FeedVenue.class);

  public FrameParsers(CoinResolver coins, String usdKrwPointer) {
    parsers.put(FeedVenue.UPBIT, new UpbitParser(new FrameStats(FeedVenue.UPBIT), coins));
    parsers.put(FeedVenue.BINANCE, new BinanceParser(new FrameStats(FeedVenue.BINANCE), coins));
    parsers.put(FeedVenue.FX, new UsdKrwParser(new FrameStats(FeedVenue.FX), usdKrwPointer));
    parsers.put(
        FeedVenue.BINANCE_FUTURES, new BinanceFuturesParser(new FrameStats(FeedVenue.BINANCE_FUTURES), coins));
  }

  /** The frame with its event (null event if control or rejected). */
  public RawFrame parse(RawFrame f) {
    try {
      return f.withEvent(parsers.get(f.venue()).parse(f));
    } catch (VenueErrorException e) {
      return f;
    }
  }

  public FrameStats stats(FeedVenue v) {
    return parsers.get(v).stats();
  }
}
