package io.kimp.gateway.upbit;

import static org.assertj.core.api.Assertions.assertThat;

import io.kimp.fixtures.time.ManualClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class UpbitThrottleTest {
  // 999 ms into a second: a calendar-second counter would start a fresh budget 2 ms later
  private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00.999Z"));
  private final UpbitThrottle throttle = new UpbitThrottle(clock);

  private int burst(String group, int n) {
    int sent = 0;
    for (int i = 0; i < n; i++) {
      if (throttle.tryAcquire(group) == 0) {
        sent++;
      }
    }
    return sent;
  }

  @Test
  void eightOrdersASecondAndTheNinthWaitsForTheWindowNotForTheNextCalendarSecond() {
    assertThat(burst("order", 12)).isEqualTo(8);
    clock.advance(Duration.ofMillis(2)); // a new calendar second: still the same window
    long wait = throttle.tryAcquire("order");
    assertThat(wait).isEqualTo(UpbitThrottle.WINDOW_MS - 2 + 1);
    clock.advance(Duration.ofMillis(wait));
    assertThat(burst("order", 12)).isEqualTo(8);
  }

  @Test
  void groupsHaveTheirOwnBudgets() {
    assertThat(burst("order", 10)).isEqualTo(8);
    assertThat(burst("default", 40)).isEqualTo(30);
    assertThat(burst("candles", 10)).as("an undocumented group gets the smallest budget").isEqualTo(8);
  }

  @Test
  void aSpentBudgetAtTheVenuePausesTheGroupForASecond() {
    assertThat(throttle.update("group=order; min=1799; sec=0")).isEqualTo("order");
    assertThat(throttle.tryAcquire("order")).isEqualTo(1000);
    assertThat(throttle.tryAcquire("default")).as("other groups go on").isZero();
    clock.advance(Duration.ofMillis(1000));
    assertThat(throttle.tryAcquire("order")).isZero();
  }

  @Test
  void headersWithoutAGroupOrBudgetAreIgnored() {
    assertThat(throttle.update(null)).isNull();
    assertThat(throttle.update("min=1800; sec=0")).isNull();
    assertThat(throttle.update("group=order; min=1800")).isNull();
    assertThat(throttle.tryAcquire("order")).isZero();
    assertThat(throttle.update("group=default; min=1800; sec=29")).isEqualTo("default");
    assertThat(throttle.tryAcquire("default")).isZero();
  }
}
