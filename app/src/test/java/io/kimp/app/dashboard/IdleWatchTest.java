package io.kimp.app.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.kimp.app.operator.TradingIdle;
import io.kimp.core.alert.Alert;
import io.kimp.core.alert.AlertKind;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The idle alert: once per idle spell, only for reasons an operator acts on, only after two checks agree. */
class IdleWatchTest {
  private final IdleWatch.Spells spells = new IdleWatch.Spells();
  private final Instant at = Instant.parse("2026-12-03T12:00:00Z");

  private Optional<Alert> seen(String code, boolean market) {
    return spells.seen(new TradingIdle(!"TRADING".equals(code), code, market, "because " + code, Map.of("held", 5)), at);
  }

  @Test
  void slotsHeldTwiceInARowAlertsOnceAndAgainAfterALaterSpell() {
    assertThat(seen("TRADING", false)).isEmpty();
    assertThat(seen("SLOTS_HELD", false)).as("one look is not enough").isEmpty();
    Alert a = seen("SLOTS_HELD", false).orElseThrow();
    assertThat(a.kind()).isEqualTo(AlertKind.TRADING_IDLE);
    assertThat(a.severity()).isEqualTo(Alert.Severity.WARNING);
    assertThat(a.title()).isEqualTo("Not trading: because SLOTS_HELD");
    assertThat(a.fields()).containsEntry("reason", "SLOTS_HELD").containsEntry("held", "5");
    assertThat(seen("SLOTS_HELD", false)).as("once per spell").isEmpty();
    assertThat(seen("SLOTS_HELD", false)).isEmpty();

    assertThat(seen("TRADING", false)).isEmpty();
    assertThat(seen("SLOTS_HELD", false)).isEmpty();
    assertThat(seen("SLOTS_HELD", false)).as("a new spell").isPresent();
  }

  @Test
  void theMarketAndReasonsWithTheirOwnAlertsAreNotAlerted() {
    for (String code : new String[] {"NO_OPPORTUNITY", "PAUSED", "DAILY_LOSS_LIMIT", "TRADING"}) {
      assertThat(seen(code, "NO_OPPORTUNITY".equals(code))).isEmpty();
      assertThat(seen(code, "NO_OPPORTUNITY".equals(code))).as(code).isEmpty();
    }
    for (String code : new String[] {"EXPOSURE_HELD", "STALE_FX", "STALE_FEEDS"}) {
      seen(code, false);
      assertThat(seen(code, false)).as(code).isPresent();
    }
  }

  @Test
  void aFlappingReasonIsNotAlerted() {
    for (int i = 0; i < 5; i++) {
      assertThat(seen("SLOTS_HELD", false)).isEmpty();
      assertThat(seen("TRADING", false)).isEmpty();
    }
  }
}
