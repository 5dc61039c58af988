package io.kimp.gateway.upbit;

import static org.assertj.core.api.Assertions.assertThat;

import io.kimp.fixtures.time.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import io.kimp.gateway.limit.ClusterShare;
import org.junit.jupiter.api.Test;

class UpbitThrottleTest {
  // 999 ms into a second: a calendar-second counter would start a fresh budget 2 ms later
  private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00.999Z"));
  private static final Map<String, Integer> DOCUMENTED = Map.of("order", 8, "default", 30);
  // no margin and one node: the whole documented budget (the shared-budget tests below set their own)
  private final ClusterShare alone = new ClusterShare(0);
  private final UpbitThrottle throttle = new UpbitThrottle(clock, alone, DOCUMENTED);

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

  @Test
  void threeMembersOnOneKeyShareTheBudgetLessTheMarginAndAMembershipChangeAppliesAtOnce() {
    ClusterShare share = new ClusterShare(0.2);
    UpbitThrottle shared = new UpbitThrottle(clock, share, DOCUMENTED);
    share.membersUp(3);
    int sent = 0;
    for (int i = 0; i < 40; i++) {
      sent += shared.tryAcquire("default") == 0 ? 1 : 0;
    }
    assertThat(sent).as("30 x 0.8 / 3").isEqualTo(8);
    share.membersUp(2); // a member left: the remaining two get more, within the same window
    for (int i = 0; i < 40; i++) {
      sent += shared.tryAcquire("default") == 0 ? 1 : 0;
    }
    assertThat(sent).as("30 x 0.8 / 2").isEqualTo(12);
    share.membersUp(1);
    assertThat(share.of(8)).as("order group alone: 8 x 0.8").isEqualTo(6);
  }

  @Test
  void theVenueReportingMoreUsageThanTheClusterMayHavePausesTheGroup() {
    ClusterShare share = new ClusterShare(0.2);
    share.membersUp(3);
    UpbitThrottle shared = new UpbitThrottle(clock, share, DOCUMENTED);
    // 30 - 24 (the cluster's budget) = 6 left: someone on the key is beyond what the shares explain
    shared.update("group=default; min=1700; sec=7");
    assertThat(shared.tryAcquire("default")).isZero();
    shared.update("group=default; min=1700; sec=6");
    assertThat(shared.tryAcquire("default")).isEqualTo(1000);
  }
}
