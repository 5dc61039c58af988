package io.kimp.gateway.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.kimp.core.venue.PerpOrderRequest;
import io.kimp.gateway.binance.BinanceFuturesGateway;
import io.kimp.gateway.binance.BinanceGateway;
import io.kimp.gateway.limit.KeyLimits;
import io.kimp.gateway.limit.RateLimitSettings;
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
 * The futures API's own budget, shared like the spot budget: three futures gateways on one key (three nodes, each with
 * its {@link KeyLimits} told there are three members) driven hard against a fake that counts every client of the key
 * draw no 429; and a futures 429 pauses the node's spot gateway on the same key as well.
 */
class FuturesSharedKeyBudgetTest {
  private final ActorTestKit kit = ActorTestKit.create();
  private FuturesVenue venue;

  @BeforeEach
  void start() {
    venue = new FuturesVenue();
    venue.fake.setPrice("BTC", new BigDecimal("50000"), new BigDecimal("50010")).setWallet(new BigDecimal("100000"));
  }

  @AfterEach
  void stop() {
    venue.close();
    kit.shutdownTestKit();
  }

  private static KeyLimits node(RateLimitSettings settings, int members) {
    KeyLimits limits = new KeyLimits(settings);
    limits.share().membersUp(members);
    return limits;
  }

  @Test
  void threeFuturesNodesOnOneKeyStayWithinTheOrderCountTogether() throws Exception {
    // the documented futures limits, but 15 orders per 10 s so that the test reaches the limit in seconds
    RateLimitSettings limits = RateLimitSettings.documented().withFutures(2400, 1200, 15);
    venue.fake.setRateLimits(2400, 1200, 15);
    List<BinanceFuturesGateway> nodes = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      nodes.add(venue.gateway(kit, node(limits, 3)));
    }
    List<CompletableFuture<?>> calls = new ArrayList<>();
    int n = 0;
    for (int round = 0; round < 6; round++) {
      for (BinanceFuturesGateway g : nodes) {
        String id = String.format("c0ffee00-0000-4000-8000-%010dH1", n++);
        calls.add(g.placeOrder(PerpOrderRequest.openShort(id, "BTC", new BigDecimal("0.001"))).toCompletableFuture());
      }
    }
    CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
    assertThat(venue.fake.orderCount()).isEqualTo(18);
    assertThat(venue.fake.position("BTC")).isEqualByComparingTo("-0.018");
    assertThat(venue.fake.returned429()).isZero();
    assertThat(venue.fake.returned418()).isZero();
  }

  @Test
  void aFuturesNodeDrivenPastTheWeightBudgetWaitsInsteadOfDrawing429() throws Exception {
    // 60 weight per minute: a node alone may use 48; 12 position reads of weight 5 need the next minute
    RateLimitSettings limits = RateLimitSettings.documented().withFutures(60, 1200, 300);
    venue.fake.setRateLimits(60, 1200, 300);
    BinanceFuturesGateway g = venue.gateway(kit, node(limits, 1));
    List<CompletableFuture<?>> calls = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      calls.add(g.position("BTC").toCompletableFuture());
    }
    CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
    CompletableFuture<?> tenth = g.position("BTC").toCompletableFuture();
    assertThat(venue.fake.requests("GET /fapi/v2/positionRisk")).as("the 10th waits for the window").isEqualTo(9);
    assertThat(tenth.isDone()).isFalse();
    tenth.cancel(true);
    assertThat(venue.fake.returned429()).isZero();
  }

  @Test
  void aFuturesRateLimitPausesTheSpotGatewayOnTheSameKey() {
    try (LiveVenues spot = LiveVenues.start(Duration.ofMillis(200))) {
      KeyLimits limits = KeyLimits.standalone();
      BinanceGateway spotGateway = spot.binanceGateway(kit, limits);
      BinanceFuturesGateway futures = venue.gateway(kit, limits);
      venue.fake.inject("GET /fapi/v2/account", io.kimp.fixtures.venue.Fault.rateLimited(429, Duration.ofSeconds(5)));
      LiveVenues.failure(futures.availableMargin());
      assertThat(spotGateway.backoff().remaining()).as("one Binance back-off for the key").isPresent();
      assertThat(LiveVenues.failure(spotGateway.balances()).code()).isEqualTo("backoff");
      assertThat(spot.binance.requests("GET /api/v3/account")).isZero();
    }
  }

  @Test
  void aSpotRateLimitPausesTheFuturesGatewayOnTheSameKey() {
    try (LiveVenues spot = LiveVenues.start(Duration.ofMillis(200))) {
      KeyLimits limits = KeyLimits.standalone();
      BinanceGateway spotGateway = spot.binanceGateway(kit, limits);
      BinanceFuturesGateway futures = venue.gateway(kit, limits);
      spot.binance.inject("GET /api/v3/account", io.kimp.fixtures.venue.Fault.rateLimited(418, Duration.ofSeconds(5)));
      LiveVenues.failure(spotGateway.balances());
      assertThat(LiveVenues.failure(futures.availableMargin()).code()).isEqualTo("backoff");
      assertThat(venue.fake.requests("GET /fapi/v2/account")).isZero();
    }
  }
}
