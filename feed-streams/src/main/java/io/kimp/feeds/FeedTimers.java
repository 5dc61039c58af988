package io.kimp.feeds;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The clock of the feeds' planned actions: when a Binance connection is rotated (its 24 h limit) and when the rotated one
 * is closed (the overlap). Live it is the wall clock; a test passes a manual clock so that a rotation happens because the
 * clock passed {@code rotate-after}, not because the test waited.
 */
public interface FeedTimers {
  /** An element at once, then one every {@code interval}; none lost for want of demand (see {@code Ticks}). */
  Source<String, ?> every(Duration interval, String element);

  /** Runs {@code action} once, {@code delay} from now. */
  void after(Duration delay, Runnable action);

  /** The wall clock. */
  FeedTimers WALL_CLOCK =
      new FeedTimers() {
        @Override
        public Source<String, ?> every(Duration interval, String element) {
          return io.kimp.feeds.source.Ticks.nowAndEvery(interval, element);
        }

        @Override
        public void after(Duration delay, Runnable action) {
          CompletableFuture.delayedExecutor(delay.toMillis(), TimeUnit.MILLISECONDS).execute(action);
        }
      };
}
