package io.kimp.gateway.binance;

import static org.assertj.core.api.Assertions.assertThat;

import io.kimp.fixtures.time.ManualClock;
import io.kimp.gateway.limit.KeyLimits;
import io.kimp.gateway.limit.RateLimitSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The futures windows on a manual clock: documented weights, the node's share, the venue's usage headers. */
class BinanceFuturesThrottleTest {
  private final ManualClock clock = new ManualClock(Instant.parse("2026-12-04T10:00:05Z"));

  private KeyLimits limits(int weightPerMinute, int ordersPer10s, int members) {
    KeyLimits l = new KeyLimits(RateLimitSettings.documented().withFutures(weightPerMinute, 1200, ordersPer10s));
    l.share().membersUp(members);
    return l;
  }

  @Test
  void ordersWeighNothingOnTheIpLimitButCountInBothOrderWindows() {
    BinanceFuturesThrottle t = new BinanceFuturesThrottle(clock, limits(10, 5, 1));
    // 10 x 0.8 = 8 weight: a position read (5) goes, a second does not; orders still go, 4 per 10 s (5 x 0.8)
    assertThat(t.tryAcquire("GET /fapi/v2/positionRisk")).isZero();
    assertThat(t.tryAcquire("GET /fapi/v2/positionRisk")).isPositive();
    for (int i = 0; i < 4; i++) {
      assertThat(t.tryAcquire("POST /fapi/v1/order")).isZero();
    }
    assertThat(t.tryAcquire("POST /fapi/v1/order")).isPositive();
    clock.advance(Duration.ofMillis(10_251));
    assertThat(t.tryAcquire("POST /fapi/v1/order")).isZero();
  }

  @Test
  void anOrderOneWindowRefusesIsCountedInNone() {
    KeyLimits l = new KeyLimits(RateLimitSettings.documented().withFutures(2400, 10, 5));
    BinanceFuturesThrottle t = new BinanceFuturesThrottle(clock, l);
    // 8 orders a minute (10 x 0.8), 4 per 10 s (5 x 0.8): the 10 s window refuses the next four orders, and the minute's
    // window, which had room for them, must take them back
    for (int i = 0; i < 4; i++) {
      assertThat(t.tryAcquire("POST /fapi/v1/order")).isZero();
    }
    for (int i = 0; i < 4; i++) {
      assertThat(t.tryAcquire("POST /fapi/v1/order")).isPositive();
    }
    clock.advance(Duration.ofMillis(10_251));
    for (int i = 0; i < 4; i++) {
      assertThat(t.tryAcquire("POST /fapi/v1/order")).as("4 + 4 of the minute's 8").isZero();
    }
  }

  @Test
  void gatewaysOfOneNodeShareTheKeysWindows() {
    KeyLimits node = limits(2400, 6, 2);
    BinanceFuturesThrottle a = new BinanceFuturesThrottle(clock, node);
    BinanceFuturesThrottle b = new BinanceFuturesThrottle(clock, node);
    // 6 x 0.8 / 2 members = 2 orders per 10 s for this node, whichever gateway sends them
    assertThat(a.tryAcquire("POST /fapi/v1/order")).isZero();
    assertThat(b.tryAcquire("POST /fapi/v1/order")).isZero();
    assertThat(a.tryAcquire("POST /fapi/v1/order")).isPositive();
    assertThat(b.tryAcquire("POST /fapi/v1/order")).isPositive();
  }

  @Test
  void theWalletTransferHasItsOwnUidWindowSharedByTheNodesGatewaysOnTheKey() {
    KeyLimits node = new KeyLimits(new RateLimitSettings(0.2, 8, 30, 6000, 1200, 100, 200_000).withSapiUid(2000));
    BinanceFuturesThrottle a = new BinanceFuturesThrottle(clock, node);
    BinanceFuturesThrottle b = new BinanceFuturesThrottle(clock, node);
    BinanceThrottle spot = new BinanceThrottle(clock, node);
    // the endpoint's UID budget 1600 (2000 x 0.8): one transfer (900) a minute, whichever gateway sends it
    assertThat(a.tryAcquire("POST /sapi/v1/asset/transfer")).isZero();
    assertThat(b.tryAcquire("POST /sapi/v1/asset/transfer")).as("900 + 900 > 1600").isPositive();
    // a withdrawal is another endpoint, with its own budget
    assertThat(spot.tryAcquire("POST /sapi/v1/capital/withdraw/apply")).isZero();
  }

  @Test
  void theVenuesUsageBeyondTheClusterBudgetHoldsTheWindowUntilItsNextInterval() {
    BinanceFuturesThrottle t = new BinanceFuturesThrottle(clock, limits(2400, 300, 1));
    // another client of the key used 1920 (2400 x 0.8) of this minute: wait for the next one
    t.update("GET /fapi/v2/account", Map.of("x-mbx-used-weight-1m", "1920"));
    long wait = t.tryAcquire("GET /fapi/v2/account");
    assertThat(wait).isEqualTo(55_000 + BinanceThrottle.MARGIN_MS);
    clock.advance(Duration.ofMillis(wait));
    assertThat(t.tryAcquire("GET /fapi/v2/account")).isZero();

    t.update("POST /fapi/v1/order", Map.of("x-mbx-order-count-10s", "240"));
    assertThat(t.tryAcquire("POST /fapi/v1/order")).isPositive();
    assertThat(t.tryAcquire("GET /fapi/v2/account")).as("reads are not held by the order count").isZero();
    t.update("POST /fapi/v1/order", Map.of("x-mbx-order-count-1m", "960"));
    clock.advance(Duration.ofSeconds(10));
    assertThat(t.tryAcquire("POST /fapi/v1/order")).as("held by the minute's order count").isPositive();
  }
}
