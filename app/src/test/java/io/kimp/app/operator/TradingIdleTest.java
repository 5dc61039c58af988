package io.kimp.app.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.kimp.core.cycle.CycleEffect.DeadLetterEntry;
import io.kimp.core.cycle.CycleStatus;
import io.kimp.core.cycle.Leg;
import io.kimp.core.cycle.Step;
import io.kimp.core.dlq.DeadLetterQueue;
import io.kimp.core.portfolio.Portfolio;
import io.kimp.core.portfolio.PortfolioSettings;
import io.kimp.core.strategy.TradingCosts;
import io.kimp.fixtures.scripted.FixedMarketView;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** "Why is it not trading?": the first reason in order, with the figures an operator needs. */
class TradingIdleTest {
  private static final PortfolioSettings SETTINGS = PortfolioSettings.defaults(); // 5 slots, 5,000,000 KRW exposure
  private final FixedMarketView market = new FixedMarketView();
  private final PremiumBoard board = new PremiumBoard(market, TradingCosts.defaults(), 10_000, SETTINGS);

  private static Portfolio.Snapshot snapshot(Map<String, Portfolio.Reservation> held, boolean paused, String by,
      String reason) {
    BigDecimal reserved = held.values().stream().map(Portfolio.Reservation::amountKrw)
        .reduce(BigDecimal.ZERO, BigDecimal::add);
    BigDecimal capital = SETTINGS.capitalKrw();
    return new Portfolio.Snapshot(capital, BigDecimal.ZERO, capital, reserved, capital.subtract(reserved), held, paused,
        by, reason, BigDecimal.ZERO, SETTINGS);
  }

  private static Map<String, Portfolio.Reservation> held(List<UUID> cycles, String amount) {
    Map<String, Portfolio.Reservation> m = new LinkedHashMap<>();
    int i = 0;
    for (UUID c : cycles) {
      m.put("C" + i++, new Portfolio.Reservation(c, new BigDecimal(amount), Instant.now()));
    }
    return m;
  }

  private static DeadLetterQueue.Entry deadLetter(UUID cycle) {
    return new DeadLetterQueue.Entry(
        new DeadLetterEntry(cycle, "XRP", CycleStatus.AWAITING_REBALANCE, Leg.INITIAL, Step.WITHDRAW, "TIMEOUT",
            "deposit never arrived", 5, Instant.now()),
        DeadLetterQueue.EntryStatus.OPEN, 1, null, null, Instant.now());
  }

  private TradingIdle why(Portfolio.Snapshot s, List<DeadLetterQueue.Entry> dlq) {
    return TradingIdle.of(s, dlq, board, 0.5, System.currentTimeMillis());
  }

  @Test
  void fiveDeadLetteredCyclesHoldingEverySlotAreNamed() {
    List<UUID> cycles = List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(),
        UUID.randomUUID());
    market.quote("XRP", "2900", "2.0", "1400"); // a premium far above the threshold: the market is not the reason
    TradingIdle idle = why(snapshot(held(cycles, "250000"), false, null, null),
        cycles.stream().map(TradingIdleTest::deadLetter).toList());
    assertThat(idle.idle()).isTrue();
    assertThat(idle.market()).isFalse();
    assertThat(idle.code()).isEqualTo("SLOTS_HELD");
    assertThat(idle.message()).isEqualTo(
        "all 5 cycle slots are held (5 by dead-lettered cycles: recover or discard them)");
    assertThat(idle.detail()).containsEntry("heldByDeadLetters", 5L).containsEntry("held", 5);
  }

  @Test
  void aPauseComesFirstAndNamesWhoAndWhy() {
    market.quote("XRP", "2900", "2.0", "1400");
    TradingIdle idle = why(snapshot(Map.of(), true, "api:alice", "venue maintenance"), List.of());
    assertThat(idle.code()).isEqualTo("PAUSED");
    assertThat(idle.message()).isEqualTo("paused by api:alice: venue maintenance");
    TradingIdle loss = why(snapshot(Map.of(), true, "loss-limit", "realised loss today 600000 KRW reached ..."),
        List.of());
    assertThat(loss.code()).isEqualTo("DAILY_LOSS_LIMIT");
    TradingIdle key = why(snapshot(Map.of(), true, Portfolio.KEY_CHECK,
        "check your API key: UPBIT rejected it (no_authorization_ip): ..."), List.of());
    assertThat(key.code()).isEqualTo("KEY_REJECTED");
    assertThat(key.message()).startsWith("an API key was rejected: check your API key: UPBIT");
  }

  @Test
  void theExposureLimitHeldIsNamed() {
    TradingIdle idle = why(snapshot(held(List.of(UUID.randomUUID(), UUID.randomUUID()), "2500000"), false, null,
        null), List.of());
    assertThat(idle.code()).isEqualTo("EXPOSURE_HELD");
    assertThat(idle.message()).contains("5000000 of 5000000 KRW reserved");
  }

  @Test
  void withoutMarketDataOrWithoutAnEdgeItSaysSo() {
    assertThat(why(snapshot(Map.of(), false, null, null), List.of()).code()).isEqualTo("STALE_FEEDS");
    market.quote("XRP", "2810", "2.0", "1400"); // +0.36 % before costs: nothing to trade
    TradingIdle flat = why(snapshot(Map.of(), false, null, null), List.of());
    assertThat(flat.code()).isEqualTo("NO_OPPORTUNITY");
    assertThat(flat.market()).isTrue();
    assertThat(flat.message()).startsWith("no coin above the 0.50 % net-edge threshold (best: XRP ");
    market.quote("XRP", "2900", "2.0", "1400");
    TradingIdle trading = why(snapshot(Map.of(), false, null, null), List.of());
    assertThat(trading.idle()).isFalse();
    assertThat(trading.code()).isEqualTo("TRADING");
  }
}
