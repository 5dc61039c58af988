package io.kimp.feeds.source;

import java.time.Duration;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.javadsl.Source;

/**
 * A tick now and then every {@code interval}, none of them lost.
 *
 * <p>{@code Source.tick(Duration.ZERO, interval, x)} is not that: a tick that finds no demand downstream is dropped, and
 * at start-up, on a loaded machine, the first tick can fire before the first pull has crossed the stream's async
 * boundaries. Dropping the first tick of the Binance rotation (every 24 h) left a node without a Binance connection
 * for a day, and dropping the first USD/KRW poll left the rate stale for a poll interval: seen as "binance-0 down,
 * reconnects=0, last error=none" and STALE_FX in the durability and failover harnesses under load. Here the first
 * element is not a timer's, and later ticks wait in a one-element buffer (the newest kept) instead of being dropped.
 */
public final class Ticks {
  private Ticks() {}

  public static <T> Source<T, NotUsed> nowAndEvery(Duration interval, T tick) {
    return Source.single(tick)
        .concat(Source.tick(interval, interval, tick).buffer(1, OverflowStrategy.dropHead()))
        .mapMaterializedValue(m -> NotUsed.getInstance());
  }
}
