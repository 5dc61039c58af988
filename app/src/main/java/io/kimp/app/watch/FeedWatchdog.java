package io.kimp.app.watch;

import io.kimp.core.alert.Alert;
import io.kimp.core.alert.AlertSink;
import io.kimp.core.market.MarketState;
import io.kimp.feeds.FeedHealth;
import io.kimp.feeds.MarketFeeds;
import java.time.Clock;
import java.time.Duration;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/** Looks at the node's feeds every {@code interval} and raises what {@link FeedAlarms} says. */
public final class FeedWatchdog {
  private FeedWatchdog() {}

  private enum Tick {
    INSTANCE
  }

  public static Behavior<Object> create(
      MarketFeeds feeds, MarketState market, FeedAlarms alarms, AlertSink alerts, Clock clock, Duration interval) {
    return Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Tick.INSTANCE, interval);
      return Behaviors.receiveMessage(m -> {
        FeedHealth h = feeds.health();
        long frames = h.frames().values().stream().mapToLong(Long::longValue).sum();
        int coins = feeds.settings().symbols().size();
        int fresh = market.freshQuotes().size();
        for (Alert a : alarms.observe(new FeedAlarms.Observation(clock.instant(), h.connections(), frames, fresh, coins))) {
          alerts.publish(a);
        }
        return Behaviors.same();
      });
    });
  }
}
