package io.kimp.gateway.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kimp.core.market.Venue;
import io.kimp.core.venue.FailureClass;
import io.kimp.core.venue.OrderRequest;
import io.kimp.core.venue.VenueException;
import io.kimp.fixtures.venue.Fault;
import io.kimp.gateway.binance.BinanceGateway;
import io.kimp.gateway.limit.KeyLimits;
import io.kimp.gateway.limit.RateLimitSettings;
import io.kimp.gateway.upbit.UpbitGateway;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Three gateway instances on one key (three nodes of a cluster, each with its own {@link KeyLimits} told there are three
 * members) against one fake venue that enforces the documented per-key limits over all its clients: driven hard, the
 * venue never answers 429; and a 429 that one node still draws pauses the others until its {@code Retry-After} has
 * passed, by the fake's own record of arrival times.
 */
class SharedKeyBudgetTest {
  private final ActorTestKit kit = ActorTestKit.create();
  private LiveVenues venues;

  @BeforeEach
  void start() {
    venues = LiveVenues.start(Duration.ofMillis(200));
  }

  @AfterEach
  void stop() {
    venues.close();
    kit.shutdownTestKit();
  }

  private static KeyLimits node(RateLimitSettings settings, int members) {
    KeyLimits limits = new KeyLimits(settings);
    limits.share().membersUp(members);
    return limits;
  }

  private static void all(List<CompletableFuture<?>> calls) throws Exception {
    CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
  }

  @Test
  void threeUpbitNodesOnOneKeyDrivenHardDrawNo429() throws Exception {
    List<UpbitGateway> nodes = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      nodes.add(venues.upbitGateway(kit, node(RateLimitSettings.documented(), 3)));
    }
    List<CompletableFuture<?>> calls = new ArrayList<>();
    for (int round = 0; round < 30; round++) {
      for (UpbitGateway g : nodes) {
        calls.add(g.balances().toCompletableFuture());
      }
    }
    all(calls);
    assertThat(venues.upbit.requests("GET /v1/accounts")).isEqualTo(90);
    assertThat(venues.upbit.returned429()).isZero();
    assertThat(venues.upbit.returned418()).isZero();
  }

  @Test
  void threeBinanceNodesOnOneKeyStayWithinTheOrderCountTogether() throws Exception {
    // the documented limits, but 15 orders per 10 s so that the test reaches the limit in seconds
    RateLimitSettings limits = new RateLimitSettings(0.2, 8, 30, 6000, 12000, 15, 200_000);
    venues.binance.setRateLimits(6000, 12000, 15, 200_000);
    venues.binance.setPrice("XRP", new BigDecimal("0.499"), new BigDecimal("0.5"));
    venues.binance.setBalance("USDT", new BigDecimal("100000"));
    List<BinanceGateway> nodes = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      nodes.add(venues.binanceGateway(kit, node(limits, 3)));
    }
    List<CompletableFuture<?>> calls = new ArrayList<>();
    int n = 0;
    for (int round = 0; round < 8; round++) {
      for (BinanceGateway g : nodes) {
        calls.add(g.placeOrder(OrderRequest.marketBuy("shared" + n++, "XRP", new BigDecimal("20"))).toCompletableFuture());
      }
    }
    all(calls);
    assertThat(venues.binance.orderCount()).isEqualTo(24);
    assertThat(venues.binance.returned429()).isZero();
    assertThat(venues.binance.returned418()).isZero();
  }

  @Test
  void a429OnOneNodeBacksOffTheOtherNodesUntilRetryAfterPassed() throws Exception {
    KeyLimits a = node(RateLimitSettings.documented(), 2);
    KeyLimits b = node(RateLimitSettings.documented(), 2);
    // what the app's cluster topic does: each node's back-off reaches the other
    a.relayTo((venue, wait, status) -> b.backoffAnnounced(venue, wait));
    b.relayTo((venue, wait, status) -> a.backoffAnnounced(venue, wait));
    UpbitGateway nodeA = venues.upbitGateway(kit, a);
    UpbitGateway nodeB = venues.upbitGateway(kit, b);
    venues.upbit.inject("GET /v1/accounts", Fault.rateLimited(429, Duration.ofSeconds(2)));

    VenueException limited = LiveVenues.failure(nodeA.balances());
    assertThat(limited.failureClass()).isEqualTo(FailureClass.TRANSIENT);
    int reached = venues.upbit.requests("GET /v1/accounts");

    VenueException held = LiveVenues.failure(nodeB.balances());
    assertThat(held.code()).as("node B never sent it").isEqualTo("backoff");
    assertThat(venues.upbit.requests("GET /v1/accounts")).isEqualTo(reached);

    // node B keeps asking; its first request that reaches the fake comes after the fake's Retry-After
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(
        () -> nodeB.balances().toCompletableFuture().handle((ok, t) -> ok != null).get(10, TimeUnit.SECONDS));
    assertThat(venues.upbit.requestsDuringBackoff()).isZero();
    assertThat(venues.upbit.requests("GET /v1/accounts")).isEqualTo(reached + 1);
  }

  @Test
  void aBinanceBanOnOneNodeBacksOffTheOthers() throws Exception {
    KeyLimits a = node(RateLimitSettings.documented(), 2);
    KeyLimits b = node(RateLimitSettings.documented(), 2);
    a.relayTo((venue, wait, status) -> b.backoffAnnounced(venue, wait));
    BinanceGateway nodeA = venues.binanceGateway(kit, a);
    BinanceGateway nodeB = venues.binanceGateway(kit, b);
    venues.binance.inject("GET /api/v3/account", Fault.rateLimited(418, Duration.ofSeconds(2)));

    assertThat(LiveVenues.failure(nodeA.balances()).failureClass()).isEqualTo(FailureClass.TRANSIENT);
    assertThat(nodeB.backoff().remaining()).as("node B paused by node A's ban").isPresent();
    int reached = venues.binance.requests("GET /api/v3/account");
    assertThat(LiveVenues.failure(nodeB.balances()).code()).isEqualTo("backoff");
    assertThat(venues.binance.requests("GET /api/v3/account")).isEqualTo(reached);
    assertThat(venues.binance.requestsDuringBackoff()).isZero();
    assertThat(Venue.BINANCE).isEqualTo(nodeB.venue());
  }
}
