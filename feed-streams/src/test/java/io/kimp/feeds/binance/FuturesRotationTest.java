package io.kimp.feeds.binance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kimp.feeds.FeedVenue;
import io.kimp.feeds.ManualFeedTimers;
import io.kimp.feeds.MarketFeeds;
import io.kimp.feeds.SimulatedVenues;
import io.kimp.feeds.source.ConnectionState;
import io.kimp.simulator.FuturesConfig;
import io.kimp.simulator.SimulatorConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The futures feed rotates like the spot shards (Binance cuts futures connections at 24 h too), on a manual clock: a
 * second connection opens when the clock passes {@code rotate-after}, the first is closed when it passes the overlap after
 * the second delivered, and the perpetual stays fed throughout. The waits are liveness guards.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FuturesRotationTest {
  private static final Duration LIVENESS = Duration.ofMinutes(1);
  private final ActorTestKit kit = ActorTestKit.create();

  @AfterAll
  void shutdown() {
    kit.shutdownTestKit();
  }

  @Test
  void theFuturesConnectionIsReplacedBeforeTheVenueCutsItAndThePerpetualStaysFed() throws Exception {
    ManualFeedTimers clock = new ManualFeedTimers();
    try (SimulatedVenues venues = SimulatedVenues.start(kit.system(),
        SimulatorConfig.defaults().withCoins(List.of("XRP")).withUpdatesPerSecond(300), FuturesConfig.defaults())) {
      MarketFeeds feeds = venues.startFeeds(kit.system(),
          "kimp.feeds.binance-futures { enabled = on, rotate-after = 23h, rotation-overlap = 5s }",
          MarketFeeds.Options.none().withTimers(clock));
      try {
        ConnectionState futures = feeds.connections().stream()
            .filter(c -> c.name().equals("binance-futures-0")).findFirst().orElseThrow();
        await().atMost(LIVENESS).until(() -> feeds.market().perp("XRP").isPresent());
        assertThat(venues.sim().acceptedFuturesConnections()).isEqualTo(1);

        clock.advance(Duration.ofHours(23).minusMillis(1));
        assertThat(venues.sim().acceptedFuturesConnections()).isEqualTo(1);
        clock.advance(Duration.ofMillis(1));
        await().atMost(LIVENESS).untilAsserted(() -> {
          assertThat(venues.sim().acceptedFuturesConnections()).isEqualTo(2);
          assertThat(venues.sim().openFuturesConnections()).isEqualTo(2); // the overlap: both stream
          assertThat(futures.snapshot(System.currentTimeMillis()).rotations()).isEqualTo(1);
          assertThat(clock.pendingActions()).isGreaterThanOrEqualTo(2); // spot's and futures' retirements
        });
        clock.advance(Duration.ofSeconds(5));
        await().atMost(LIVENESS).until(() -> venues.sim().openFuturesConnections() == 1);
        Instant retired = Instant.now();
        await().atMost(LIVENESS).until(
            () -> feeds.market().perp("XRP").map(q -> q.receivedAt().isAfter(retired)).orElse(false));
        assertThat(venues.sim().acceptedFuturesConnections()).isEqualTo(2); // no reconnect besides the rotation
        assertThat(feeds.frameStats(FeedVenue.BINANCE_FUTURES).rejectedTotal()).isZero();
      } finally {
        feeds.stop().toCompletableFuture().get();
      }
    }
  }
}
