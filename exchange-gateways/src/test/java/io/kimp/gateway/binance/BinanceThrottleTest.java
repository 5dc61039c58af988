package io.kimp.gateway.binance;

import static org.assertj.core.api.Assertions.assertThat;

import io.kimp.fixtures.time.ManualClock;
import io.kimp.gateway.limit.KeyLimits;
import io.kimp.gateway.limit.RateLimitSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The spot throttle's {@code /sapi} windows on a manual clock, with the documented limits: Binance counts each wallet
 * endpoint on its own, per IP (12,000 a minute) or per account (180,000 a minute; the withdrawal history 180,000 a
 * second at 18,000 a look).
 */
class BinanceThrottleTest {
  private static final String HISTORY = "GET /sapi/v1/capital/withdraw/history";
  private static final String WITHDRAW = "POST /sapi/v1/capital/withdraw/apply";
  private static final String DEPOSITS = "GET /sapi/v1/capital/deposit/hisrec";
  private final ManualClock clock = new ManualClock(Instant.parse("2026-12-04T10:00:05Z"));
  private final KeyLimits node = new KeyLimits(RateLimitSettings.documented());
  private final BinanceThrottle spot = new BinanceThrottle(clock, node);

  @Test
  void aNodeAloneLooksAtItsWithdrawalsEightTimesASecond() {
    // 180,000 x 0.8 = 144,000 a second: eight looks of 18,000, then the next second
    for (int i = 0; i < 8; i++) {
      assertThat(spot.tryAcquire(HISTORY)).isZero();
    }
    long wait = spot.tryAcquire(HISTORY);
    assertThat(wait).isPositive().isLessThanOrEqualTo(1_000 + BinanceThrottle.MARGIN_MS + 1);
    // every other endpoint has its own window
    assertThat(spot.tryAcquire(WITHDRAW)).isZero();
    assertThat(spot.tryAcquire(DEPOSITS)).isZero();
    assertThat(spot.tryAcquire("GET /api/v3/account")).isZero();
    clock.advance(Duration.ofMillis(wait));
    assertThat(spot.tryAcquire(HISTORY)).isZero();
  }

  @Test
  void withdrawalsFitOneHundredAndSixtyTimesAMinute() {
    for (int i = 0; i < 160; i++) { // 144,000 / 900
      assertThat(spot.tryAcquire(WITHDRAW)).isZero();
    }
    assertThat(spot.tryAcquire(WITHDRAW)).isPositive();
    assertThat(spot.tryAcquire(HISTORY)).isZero();
  }

  @Test
  void aLookThatMayBeSkippedIsRefusedWithoutBeingCounted() {
    for (int i = 0; i < 8; i++) {
      assertThat(spot.tryNow(HISTORY)).isTrue();
    }
    assertThat(spot.tryNow(HISTORY)).isFalse();
    assertThat(spot.tryNow(HISTORY)).isFalse();
    // the refused ones counted nothing: one second later there is room for eight again
    clock.advance(Duration.ofMillis(1_000 + BinanceThrottle.MARGIN_MS + 1));
    for (int i = 0; i < 8; i++) {
      assertThat(spot.tryNow(HISTORY)).isTrue();
    }
  }

  @Test
  void theKeysUsageOfAnEndpointAtTheClusterBudgetHoldsThatEndpointOnly() {
    // another node (or tool) on the key used 144,000 of this minute's withdrawal weight
    spot.update(WITHDRAW, Map.of("x-sapi-used-uid-weight-1m", "144000"));
    assertThat(spot.tryAcquire(WITHDRAW)).isEqualTo(55_000 + BinanceThrottle.MARGIN_MS);
    assertThat(spot.tryAcquire(DEPOSITS)).isZero();
    spot.update(DEPOSITS, Map.of("x-sapi-used-ip-weight-1m", "9600"));
    assertThat(spot.tryAcquire(DEPOSITS)).isPositive();
    assertThat(spot.tryAcquire("GET /sapi/v1/capital/config/getall")).isZero();
    // the withdrawal history reports its per-second usage
    spot.update(HISTORY, Map.of("x-sapi-used-uid-weight-1s", "144000"));
    assertThat(spot.tryAcquire(HISTORY)).isEqualTo(1_000 + BinanceThrottle.MARGIN_MS);
  }
}
