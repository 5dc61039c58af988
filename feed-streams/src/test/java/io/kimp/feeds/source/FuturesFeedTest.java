package io.kimp.feeds.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.Config;
import io.kimp.core.market.Book;
import io.kimp.core.market.PerpQuote;
import io.kimp.core.market.Venue;
import io.kimp.core.strategy.Opportunity;
import io.kimp.feeds.FeedVenue;
import io.kimp.feeds.MarketFeeds;
import io.kimp.feeds.SimulatedVenues;
import io.kimp.feeds.parse.Reject;
import io.kimp.simulator.FuturesConfig;
import io.kimp.simulator.SimulatorConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * kimp's futures feed against the simulator's Binance USDT-M venue on loopback: the listed perpetuals read over REST,
 * book ticker and mark price streamed into the market state's {@code PerpView}, the hedged edge offered for the coins
 * with a perpetual and nothing for the one without (unlisted = skip), garbage counted and dropped, a cut connection
 * re-established. Every wait is a liveness guard, not a claim about elapsed time.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FuturesFeedTest {
  private static final Duration LIVENESS = Duration.ofMinutes(1);

  private final ActorTestKit kit = ActorTestKit.create();
  private SimulatedVenues venues;
  private MarketFeeds feeds;

  @AfterEach
  void stop() throws Exception {
    if (feeds != null) {
      feeds.stop().toCompletableFuture().get();
    }
    if (venues != null) {
      venues.close();
    }
  }

  @AfterAll
  void shutdown() {
    kit.shutdownTestKit();
  }

  @Test
  void theListedPerpetualsStreamIntoTheMarketStateAndOnlyTheirCoinsAreOfferedHedged() throws Exception {
    venues = SimulatedVenues.start(kit.system(),
        SimulatorConfig.defaults().withCoins(List.of("XRP", "ETH", "SOL")).withPremium(3.0, 0, Duration.ofMinutes(1))
            .withUpdatesPerSecond(300),
        FuturesConfig.defaults().withUnlisted(Set.of("SOL")));
    // evaluated at 10,000,000 KRW: a withdrawal fee of 0.005 ETH is no longer most of the edge
    Config c = venues.config("kimp.hedge { enabled = on, unlisted = skip }\nkimp.feeds.evaluation-size-krw = 10000000");
    feeds = MarketFeeds.start(kit.system(), c, venues.offered()::add, MarketFeeds.Options.none())
        .toCompletableFuture().get(LIVENESS.toSeconds(), TimeUnit.SECONDS);

    assertThat(feeds.settings().binanceFutures().perpetuals()).containsExactly("XRP", "ETH");
    assertThat(venues.sim().futuresRestRequests("/fapi/v1/exchangeInfo")).isEqualTo(1);
    assertThat(feeds.connections()).extracting(ConnectionState::name).contains("binance-futures-0");
    await().atMost(LIVENESS).untilAsserted(() -> {
      assertThat(feeds.market().perp("XRP")).isPresent();
      assertThat(feeds.market().perp("ETH")).isPresent();
      assertThat(venues.offered()).anySatisfy(o -> assertThat(o.symbol()).isEqualTo("XRP"));
      assertThat(venues.offered()).anySatisfy(o -> assertThat(o.symbol()).isEqualTo("ETH"));
      assertThat(feeds.market().premium("SOL")).isPresent();
      assertThat(feeds.health().healthy()).isTrue();
    });
    assertThat(feeds.market().perp("SOL")).isEmpty();
    assertThat(venues.sim().openFuturesConnections()).isEqualTo(1);

    PerpQuote xrp = feeds.market().perp("XRP").orElseThrow();
    Book spot = feeds.market().book(Venue.BINANCE, "XRP").orElseThrow();
    double perpMid = (xrp.bid().doubleValue() + xrp.ask().doubleValue()) / 2;
    assertThat(perpMid / spot.mid() - 1).isBetween(-0.005, 0.005); // a basis of basis points
    assertThat(xrp.markPrice().doubleValue()).isPositive();
    assertThat(xrp.fundingRate().doubleValue()).isBetween(-0.00015, 0.00035);
    assertThat(xrp.nextFundingTime()).isAfter(xrp.receivedAt());

    // the coin without a perpetual is never offered under skip; the others are offered hedged, the hedge paid
    List<Opportunity> offered = List.copyOf(venues.offered());
    assertThat(offered).noneSatisfy(o -> assertThat(o.symbol()).isEqualTo("SOL"));
    assertThat(offered).allSatisfy(o -> {
      assertThat(o.hedged()).isTrue();
      assertThat(o.hedgeCostPercent()).isPositive();
      assertThat(o.netEdgePercent()).isLessThan(o.premiumPercent());
    });
    assertThat(feeds.frameStats(FeedVenue.BINANCE_FUTURES).events()).isPositive();
    assertThat(feeds.frameStats(FeedVenue.BINANCE_FUTURES).rejectedTotal()).isZero();
    assertThat(feeds.frameStats(FeedVenue.BINANCE).rejectedTotal()).isZero();
  }

  @Test
  void underTradeUnhedgedTheCoinWithoutAPerpetualIsOfferedUnhedgedGarbageIsDroppedAndACutConnectionComesBack()
      throws Exception {
    venues = SimulatedVenues.start(kit.system(),
        SimulatorConfig.defaults().withCoins(List.of("XRP", "SOL")).withPremium(3.0, 0, Duration.ofMinutes(1))
            .withUpdatesPerSecond(200),
        FuturesConfig.defaults().withUnlisted(Set.of("SOL")));
    feeds = MarketFeeds.start(kit.system(),
            venues.config("kimp.hedge { enabled = on, unlisted = trade-unhedged }\n"
                + "kimp.feeds.evaluation-size-krw = 10000000"),
            venues.offered()::add, MarketFeeds.Options.none())
        .toCompletableFuture().get(LIVENESS.toSeconds(), TimeUnit.SECONDS);
    await().atMost(LIVENESS).untilAsserted(() -> {
      assertThat(venues.offered()).anySatisfy(o -> {
        assertThat(o.symbol()).isEqualTo("SOL");
        assertThat(o.hedged()).isFalse();
        assertThat(o.hedgeCostPercent()).isZero();
      });
      assertThat(venues.offered()).anySatisfy(o -> {
        assertThat(o.symbol()).isEqualTo("XRP");
        assertThat(o.hedged()).isTrue();
      });
    });
    assertThat(feeds.market().perp("SOL")).isEmpty();

    venues.sim().sendFuturesGarbage(5);
    await().atMost(LIVENESS).untilAsserted(() -> {
      var stats = feeds.frameStats(FeedVenue.BINANCE_FUTURES);
      assertThat(stats.rejected(Reject.BAD_JSON)).isEqualTo(2);
      assertThat(stats.rejected(Reject.CROSSED_BOOK)).isEqualTo(1);
      assertThat(stats.rejected(Reject.BAD_NUMBER)).isEqualTo(1);
      assertThat(stats.rejected(Reject.UNKNOWN_TYPE)).isEqualTo(1);
    });
    assertThat(feeds.frameStats(FeedVenue.BINANCE).rejectedTotal()).isZero();

    Instant beforeCut = feeds.market().perp("XRP").orElseThrow().receivedAt();
    assertThat(venues.sim().abortFuturesConnections()).isEqualTo(1);
    await().atMost(LIVENESS).untilAsserted(() -> {
      assertThat(venues.sim().acceptedFuturesConnections()).isGreaterThanOrEqualTo(2);
      assertThat(feeds.connections()).filteredOn(s -> s.name().equals("binance-futures-0"))
          .singleElement().satisfies(s -> assertThat(s.snapshot(System.currentTimeMillis()).reconnects()).isPositive());
      assertThat(feeds.market().perp("XRP").orElseThrow().receivedAt()).isAfter(beforeCut);
    });
  }
}
