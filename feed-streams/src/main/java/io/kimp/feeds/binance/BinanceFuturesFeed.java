package io.kimp.feeds.binance;

import io.kimp.feeds.FeedSettings;
import io.kimp.feeds.FeedTimers;
import io.kimp.feeds.FeedVenue;
import io.kimp.feeds.RawFrame;
import io.kimp.feeds.parse.CoinResolver;
import io.kimp.feeds.parse.FrameStats;
import io.kimp.feeds.source.ConnectionState;
import java.util.List;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The third Binance source: the USDT-M perpetuals of the watched coins ({@code fstream}), {@code <sym>@bookTicker} and
 * {@code <sym>@markPrice@1s} per coin over combined-stream connections ({@code /stream?streams=…}), for the transfer
 * hedge (its edge and its paper fills). Runs on the spot shards' machinery ({@link BinanceFeed#rotating}): restarted with
 * backoff, rotated before Binance's 24 h cut and on a {@code serverShutdown} notice, idle connections re-established,
 * frames counted and malformed ones dropped under their own venue ({@code binance_futures}).
 */
public final class BinanceFuturesFeed {
  /** The streams per coin: the perpetual's best bid / offer, and its mark price with funding every second. */
  public static final List<String> STREAMS = List.of("bookTicker", "markPrice@1s");

  private BinanceFuturesFeed() {}

  /** Every stream for {@code coins}: {@code <coin>usdt@bookTicker}, {@code <coin>usdt@markPrice@1s}. */
  public static List<String> streams(List<String> coins) {
    return BinanceFeed.streams(coins, STREAMS);
  }

  /** The connection names, one per shard of streams: {@code binance-futures-<i>}. */
  public static String connectionName(int shard) {
    return "binance-futures-" + shard;
  }

  /** One rotating connection for one shard of futures streams. */
  public static Source<List<RawFrame>, NotUsed> shard(
      ClassicActorSystemProvider system,
      FeedSettings s,
      List<String> streams,
      CoinResolver coins,
      FrameStats stats,
      ConnectionState state,
      FeedTimers timers) {
    FeedSettings.BinanceFutures f = s.binanceFutures();
    return BinanceFeed.rotating(
        system, s, FeedVenue.BINANCE_FUTURES, BinanceFeed.url(f.webSocketUrl(), streams), f.rotateAfter(),
        f.rotationOverlap(), state, timers,
        rotateEarly -> {
          BinanceFuturesParser parser = new BinanceFuturesParser(stats, coins);
          return frame -> {
            RawFrame out = frame.withEvent(parser.parse(frame));
            if (parser.takeShutdownNotice()) {
              rotateEarly.run();
            }
            return out;
          };
        });
  }
}
