package io.kimp.feeds.binance;

import io.kimp.feeds.FeedSettings;
import io.kimp.feeds.FeedTimers;
import io.kimp.feeds.FeedVenue;
import io.kimp.feeds.RawFrame;
import io.kimp.feeds.parse.CoinResolver;
import io.kimp.feeds.parse.FrameStats;
import io.kimp.feeds.source.ConnectionState;
import io.kimp.feeds.source.WebSocketConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.SharedKillSwitch;
import org.apache.pekko.stream.javadsl.Source;

/**
 * Binance market streams over combined-stream connections ({@code /stream?streams=a/b/…}), at most
 * {@code max-streams-per-connection} streams each (split over several connections if there are more).
 *
 * <p>Binance closes every connection at 24 h and announces server shutdowns. Each shard therefore runs as successive
 * <em>generations</em>: a new connection is opened every {@code rotate-after} (and at once on a {@code serverShutdown}
 * notice) while the old one keeps streaming; the old one is closed {@code rotation-overlap} after the new one delivered
 * its first frame, so whatever the old one still had in flight arrives. No frame is lost in between; the events both
 * deliver during the overlap carry the same update ids and the copies are dropped by {@code MarketState}. Each
 * generation is itself a restarting connection, so a drop is re-established with backoff. Pings are answered with pongs
 * by the WebSocket client itself (the JDK's does).
 */
public final class BinanceFeed {
  private BinanceFeed() {}

  /** Every stream name for {@code coins}: {@code <coin>usdt@<stream>}, lower case symbols. */
  public static List<String> streams(List<String> coins, List<String> kinds) {
    List<String> out = new ArrayList<>(coins.size() * kinds.size());
    for (String c : coins) {
      String sym = c.toLowerCase(Locale.ROOT) + "usdt";
      for (String k : kinds) {
        out.add(sym + "@" + k);
      }
    }
    return out;
  }

  /** The streams split into connections of at most {@code max} streams. */
  public static List<List<String>> shards(List<String> streams, int max) {
    List<List<String>> out = new ArrayList<>();
    for (int i = 0; i < streams.size(); i += max) {
      out.add(List.copyOf(streams.subList(i, Math.min(streams.size(), i + max))));
    }
    return out;
  }

  public static String url(String base, List<String> streams) {
    return base + "/stream?streams=" + String.join("/", streams);
  }

  /**
   * What a connection attempt does with its frames: the venue's parser, made fresh per attempt, which calls
   * {@code rotateEarly} when the venue announces its shutdown.
   */
  @FunctionalInterface
  public interface FrameHandlers {
    Function<RawFrame, RawFrame> newHandler(Runnable rotateEarly);
  }

  /** One rotating connection for one shard of streams (frames in batches, see {@link WebSocketConnection}). */
  public static Source<List<RawFrame>, NotUsed> shard(
      ClassicActorSystemProvider system,
      FeedSettings s,
      List<String> streams,
      CoinResolver coins,
      FrameStats stats,
      ConnectionState state,
      FeedTimers timers) {
    return rotating(
        system, s, FeedVenue.BINANCE, url(s.binance().webSocketUrl(), streams), s.binance().rotateAfter(),
        s.binance().rotationOverlap(), state, timers,
        rotateEarly -> {
          BinanceParser parser = new BinanceParser(stats, coins);
          return f -> {
            RawFrame out = f.withEvent(parser.parse(f));
            if (parser.takeShutdownNotice()) {
              rotateEarly.run();
            }
            return out;
          };
        });
  }

  /**
   * A connection to {@code url} run as successive generations (see the class comment): a new one every
   * {@code rotateAfter} or when a handler asks for it, the older one retired {@code overlap} after the newer one
   * delivered. The spot shards and the futures feed (Binance closes both at 24 h) use it alike.
   */
  public static Source<List<RawFrame>, NotUsed> rotating(
      ClassicActorSystemProvider system,
      FeedSettings s,
      FeedVenue venue,
      String url,
      Duration rotateAfter,
      Duration overlap,
      ConnectionState state,
      FeedTimers timers,
      FrameHandlers handlers) {
    return Source.<List<RawFrame>, NotUsed>fromMaterializer(
            (mat, attrs) -> {
              Pair<BoundedSourceQueue<String>, Source<String, NotUsed>> early =
                  Source.<String>queue(4).preMaterialize(mat);
              Map<Long, SharedKillSwitch> running = new ConcurrentHashMap<>();
              AtomicLong newestLive = new AtomicLong(-1);
              Source<String, ?> rotations =
                  timers.every(rotateAfter, "scheduled").merge(early.second());
              Source<List<RawFrame>, NotUsed> merged = rotations
                  .zipWithIndex()
                  .flatMapMerge(
                      4,
                      p -> {
                        long gen = p.second();
                        if (gen > 0) {
                          state.rotated();
                        }
                        SharedKillSwitch ks =
                            KillSwitches.shared(venue.wireName() + "-" + state.name() + "-gen-" + gen);
                        running.put(gen, ks);
                        return generation(system, s, venue, url, handlers, state, early.first())
                            .map(
                                f -> {
                                  if (newestLive.get() < gen) {
                                    // this generation delivers: retire the older ones once what they still have in
                                    // flight has arrived
                                    newestLive.accumulateAndGet(gen, Math::max);
                                    timers.after(overlap, () -> retireOlder(running, gen));
                                  }
                                  return f;
                                })
                            .via(ks.<List<RawFrame>>flow());
                      })
                  .mapMaterializedValue(x -> NotUsed.getInstance());
              return merged;
            })
        .mapMaterializedValue(x -> NotUsed.getInstance());
  }

  private static void retireOlder(Map<Long, SharedKillSwitch> running, long gen) {
    running.forEach(
        (g, k) -> {
          if (g < gen && running.remove(g, k)) {
            k.shutdown();
          }
        });
  }

  private static Source<List<RawFrame>, NotUsed> generation(
      ClassicActorSystemProvider system,
      FeedSettings s,
      FeedVenue venue,
      String url,
      FrameHandlers handlers,
      ConnectionState state,
      BoundedSourceQueue<String> early) {
    return WebSocketConnection.source(
        system,
        venue,
        () -> url,
        WebSocketConnection.Outgoing::nothing,
        () -> handlers.newHandler(() -> early.offer("serverShutdown")),
        m -> false, // Binance replays nothing on connect: every frame is news
        state,
        s.connection().restartSettings(),
        s.connection().idleTimeout());
  }
}
