package io.kimp.feeds.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kimp.core.market.Direction;
import io.kimp.core.market.Venue;
import io.kimp.feeds.FeedVenue;
import io.kimp.feeds.MarketFeeds;
import io.kimp.feeds.SimulatedVenues;
import io.kimp.feeds.parse.Reject;
import io.kimp.feeds.upbit.UpbitFeed;
import io.kimp.simulator.SimVenue;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The live feeds against the exchange simulator on loopback: real WebSockets, real reconnects, real garbage. No claim
 * here is about elapsed wall-clock time: every wait is a liveness guard.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LiveFeedsTest {
  /** A liveness guard for the waits, not a claim about elapsed time (the machine is shared). */
  private static final Duration LIVENESS = Duration.ofMinutes(1);

  private final ActorTestKit kit = ActorTestKit.create();
  private SimulatedVenues venues;
  private MarketFeeds feeds;

  @AfterEach
  void stop() throws Exception {
    if (feeds != null) {
      feeds.stop().toCompletableFuture().get();
      feeds = null;
    }
    if (venues != null) {
      venues.close();
      venues = null;
    }
  }

  @AfterAll
  void shutdown() {
    kit.shutdownTestKit();
  }

  private MarketFeeds start(double premium, String overrides) throws Exception {
    venues = SimulatedVenues.start(kit.system(), premium, List.of("XRP", "ETH", "SOL"), 300);
    feeds = venues.startFeeds(kit.system(), overrides);
    return feeds;
  }

  @Test
  void bothVenuesStreamIntoPremiumsAndOpportunities() throws Exception {
    start(3.0, "kimp.feeds.upbit.keep-alive = 300ms");
    await().atMost(LIVENESS).untilAsserted(() -> {
      assertThat(feeds.market().premiums()).containsKeys("XRP", "ETH", "SOL");
      assertThat(feeds.market().usdtKrw()).isPresent();
      assertThat(venues.offered()).isNotEmpty();
      // the keep-alive PINGs were answered ({"status":"UP"}, a control message)
      assertThat(feeds.frameStats(FeedVenue.UPBIT).controlMessages()).isPositive();
      // the partial-depth stream has arrived: the effective book is deeper than the best bid/offer
      assertThat(feeds.market().book(Venue.BINANCE, "ETH").orElseThrow().bidPrices()).hasSizeGreaterThan(1);
    });
    assertThat(venues.offered()).allSatisfy(o -> {
      assertThat(o.direction()).isEqualTo(Direction.KIMCHI);
      assertThat(o.premiumPercent()).isBetween(2.0, 4.0);
    });
    assertThat(feeds.market().premium("XRP").orElseThrow().kimchiPercent()).isBetween(2.0, 4.0);
    assertThat(feeds.market().volume24hQuote(Venue.UPBIT, "SOL")).isPositive();
    assertThat(feeds.market().freshQuotes()).containsKeys("XRP", "ETH", "SOL");
    // one Upbit connection for all codes, as requested
    String request = venues.sim().lastUpbitRequest().orElseThrow();
    assertThat(request).contains("\"ticket\"", "KRW-USDT", "KRW-XRP", "KRW-ETH", "KRW-SOL", "\"SIMPLE\"",
        "\"ticker\"", "\"trade\"", "\"orderbook\"");
    assertThat(venues.sim().acceptedConnections(SimVenue.UPBIT)).isEqualTo(1);
    assertThat(venues.sim().binanceSubscriptions()).singleElement()
        .satisfies(s -> assertThat(s).contains("xrpusdt@bookTicker", "ethusdt@trade", "solusdt@depth5@100ms",
            "xrpusdt@miniTicker"));
    assertThat(feeds.health().healthy()).isTrue();
    assertThat(feeds.frameStats(FeedVenue.UPBIT).rejectedTotal()).isZero();
    assertThat(feeds.frameStats(FeedVenue.BINANCE).rejectedTotal()).isZero();
  }

  @Test
  void moreStreamsThanAConnectionTakesAreSplitAndUsdKrwIsPolled() throws Exception {
    venues = SimulatedVenues.start(kit.system(), 3.0, List.of("XRP", "ETH", "SOL"), 300);
    feeds =
        venues.startFeeds(
            kit.system(),
            "kimp.feeds.binance.max-streams-per-connection = 4\n"
                + "kimp.feeds.fx.usd-krw-url = \"" + venues.sim().usdKrwUrl() + "\"\n"
                + "kimp.feeds.fx.poll-interval = 200ms\n");
    // 3 coins × 4 streams over connections of at most 4 streams
    assertThat(feeds.connections()).extracting(ConnectionState::name)
        .containsExactly("upbit", "binance-0", "binance-1", "binance-2", "fx-usd-krw");
    await().atMost(LIVENESS).untilAsserted(() -> {
      assertThat(venues.sim().binanceSubscriptions()).hasSize(3).allSatisfy(s -> assertThat(s).hasSize(4));
      assertThat(feeds.market().usdKrw()).hasValue(1380.0);
      assertThat(feeds.market().premium("SOL").orElseThrow().usdKimchiPercent()).isFinite();
      assertThat(feeds.health().healthy()).isTrue();
    });
    venues.sim().setUsdKrw(1390.5);
    await().atMost(LIVENESS).until(() -> feeds.market().usdKrw().getAsDouble() == 1390.5);
    assertThat(feeds.frameStats(FeedVenue.FX).rejectedTotal()).isZero();
  }

  @Test
  void aDroppedConnectionIsReestablishedAfterTheBackoff() throws Exception {
    start(0.0, "");
    ConnectionState upbit = feeds.connections().get(0);
    ConnectionState binance = feeds.connections().get(1);
    await().atMost(LIVENESS).until(() -> upbit.connected() && binance.connected());

    // a clean close by the venue (1000): re-established by itself, not before min-backoff (200 ms here)
    long dropAt = System.nanoTime();
    assertThat(venues.sim().dropConnections(SimVenue.UPBIT)).isEqualTo(1);
    await().atMost(LIVENESS).until(() -> venues.sim().acceptedConnections(SimVenue.UPBIT) == 2);
    assertThat(Duration.ofNanos(upbit.lastAttemptNanos() - dropAt)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
    long frames = upbit.frames();
    await().atMost(LIVENESS).until(() -> upbit.frames() > frames);
    assertThat(upbit.reconnects()).isEqualTo(1);

    // a connection cut without a close frame (the client sees 1006)
    long abortAt = System.nanoTime();
    assertThat(venues.sim().abortConnections(SimVenue.BINANCE)).isPositive();
    await().atMost(LIVENESS).until(() -> venues.sim().acceptedConnections(SimVenue.BINANCE) == 2);
    assertThat(Duration.ofNanos(binance.lastAttemptNanos() - abortAt)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
    long bnFrames = binance.frames();
    await().atMost(LIVENESS).until(() -> binance.frames() > bnFrames && binance.connected());
    assertThat(binance.reconnects()).isEqualTo(1);
  }

  @Test
  void garbageFramesAreCountedAndTheStreamSurvives() throws Exception {
    start(0.0, "");
    await().atMost(LIVENESS).until(() -> feeds.frameStats(FeedVenue.BINANCE).events() > 10
        && feeds.frameStats(FeedVenue.UPBIT).events() > 10);
    venues.sim().sendGarbage(SimVenue.UPBIT, 16);
    venues.sim().sendGarbage(SimVenue.BINANCE, 16);
    await().atMost(LIVENESS).untilAsserted(() -> {
      assertThat(feeds.frameStats(FeedVenue.UPBIT).rejectedTotal()).isEqualTo(16);
      assertThat(feeds.frameStats(FeedVenue.BINANCE).rejectedTotal()).isEqualTo(16);
    });
    var up = feeds.frameStats(FeedVenue.UPBIT);
    assertThat(up.rejected(Reject.BAD_JSON)).isEqualTo(4);
    assertThat(up.rejected(Reject.NON_POSITIVE_PRICE)).isEqualTo(2);
    assertThat(up.rejected(Reject.CROSSED_BOOK)).isEqualTo(2);
    assertThat(up.rejected(Reject.UNKNOWN_SYMBOL)).isEqualTo(2);
    assertThat(up.rejected(Reject.UNKNOWN_TYPE)).isEqualTo(2);
    var bn = feeds.frameStats(FeedVenue.BINANCE);
    assertThat(bn.rejected(Reject.BAD_JSON)).isEqualTo(4);
    assertThat(bn.rejected(Reject.CROSSED_BOOK)).isEqualTo(2);
    assertThat(bn.rejected(Reject.UNKNOWN_SYMBOL)).isEqualTo(2);
    assertThat(bn.rejected(Reject.UNKNOWN_TYPE)).isEqualTo(2);
    assertThat(feeds.health().rejected().get("binance")).containsEntry("crossed-book", 2L);
    // no reconnect, and the data keeps flowing
    assertThat(venues.sim().acceptedConnections(SimVenue.UPBIT)).isEqualTo(1);
    assertThat(venues.sim().acceptedConnections(SimVenue.BINANCE)).isEqualTo(1);
    long events = feeds.frameStats(FeedVenue.UPBIT).events();
    await().atMost(LIVENESS).until(() -> feeds.frameStats(FeedVenue.UPBIT).events() > events);
  }

  @Test
  void noOpportunityWhileASideIsStale() throws Exception {
    start(3.0, "kimp.feeds.stale-after = 1s\nkimp.feeds.idle-timeout = 5m");
    await().atMost(LIVENESS).until(() -> !venues.offered().isEmpty());

    venues.sim().stall(SimVenue.BINANCE, Duration.ofHours(1)); // until resumed below
    // once every Binance price is older than 1 s, nothing more may be offered
    await().atMost(LIVENESS).until(() -> feeds.market().freshQuotes().isEmpty());
    int offeredWhenStale = venues.offered().size();
    long suppressed = feeds.detectorStats().suppressedStale();
    await().atMost(LIVENESS).until(() -> feeds.detectorStats().suppressedStale() > suppressed + 20);
    assertThat(venues.offered()).hasSize(offeredWhenStale);
    assertThat(feeds.market().freshQuotes()).isEmpty();
    assertThat(feeds.health().healthy()).isFalse();

    // Binance is back: opportunities are offered again
    venues.sim().resume(SimVenue.BINANCE);
    await().atMost(LIVENESS).until(() -> venues.offered().size() > offeredWhenStale);
    assertThat(venues.sim().acceptedConnections(SimVenue.BINANCE)).isEqualTo(1); // a stall is no disconnect
  }

  @Test
  void snapshotsReplayedOnReconnectAreNoNewsSoAStalledUpbitKeepsAging() throws Exception {
    start(0.0, "kimp.feeds.idle-timeout = 1s");
    ConnectionState upbit = feeds.connections().get(0);
    await().atMost(LIVENESS).until(() -> upbit.connected() && upbit.lastMessageAge(System.currentTimeMillis()) != null);

    // Upbit stops sending news but keeps answering every (re)subscription with its books and tickers (SNAPSHOT)
    venues.sim().stall(SimVenue.UPBIT, Duration.ofHours(1));
    long reconnects = upbit.reconnects();
    // once the stalled connection has been replaced, nothing sent before the stall can still be on its way
    await().atMost(LIVENESS).until(() -> upbit.reconnects() >= reconnects + 1 && upbit.connected());
    long replacedAt = System.currentTimeMillis();
    long frames = upbit.frames();
    await().atMost(LIVENESS).until(() -> upbit.reconnects() >= reconnects + 3 && upbit.frames() > frames);
    // the replayed snapshots were received and counted, yet the newest news is older than the replacements
    long now = System.currentTimeMillis();
    assertThat(upbit.lastMessageAge(now)).isGreaterThanOrEqualTo(Duration.ofMillis(now - replacedAt));

    venues.sim().resume(SimVenue.UPBIT);
    await().atMost(LIVENESS).until(() -> upbit.lastMessageAge(System.currentTimeMillis()).toMillis() < 1000);
  }

  @Test
  void upbitSnapshotsAreToldFromRealtimeFramesByTheirStreamType() {
    assertThat(UpbitFeed.isSnapshot(
        "{\"ty\":\"ticker\",\"cd\":\"KRW-XRP\",\"tp\":3050,\"st\":\"SNAPSHOT\"}")).isTrue();
    assertThat(UpbitFeed.isSnapshot(("{\"type\":\"orderbook\",\"code\":\"KRW-XRP\",\"orderbook_units\":[],"
        + "\"stream_type\":\"SNAPSHOT\",\"level\":0}").getBytes(java.nio.charset.StandardCharsets.UTF_8))).isTrue();
    assertThat(UpbitFeed.isSnapshot(
        "{\"ty\":\"ticker\",\"cd\":\"KRW-XRP\",\"tp\":3050,\"st\":\"REALTIME\"}".getBytes(
            java.nio.charset.StandardCharsets.UTF_8))).isFalse();
    assertThat(UpbitFeed.isSnapshot("{\"status\":\"UP\"}")).isFalse();
  }

  @Test
  void anUpbitErrorAnswerFailsTheConnectionWhichIsRetried() throws Exception {
    // lower-case codes are refused by Upbit (INVALID_PARAM)
    venues = SimulatedVenues.start(kit.system(), 0.0, List.of("XRP"), 100);
    ConnectionState state = new ConnectionState("upbit");
    var frames = venues.upbitOnly(kit.system(), "", List.of("xrp"), state);
    await().atMost(LIVENESS).untilAsserted(() -> {
      assertThat(venues.sim().acceptedConnections(SimVenue.UPBIT)).isGreaterThanOrEqualTo(2);
      assertThat(state.reconnects()).isPositive();
      assertThat(state.lastError()).contains("INVALID_PARAM");
      assertThat(frames.rejected(Reject.VENUE_ERROR)).isPositive();
    });
    venues.stopUpbitOnly();
  }
}
