package io.kimp.core.portfolio;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.kimp.core.alert.Alert;
import io.kimp.core.alert.AlertKind;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PortfolioTest {
  private final ActorTestKit kit =
      ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));
  private final List<Alert> alerts = new CopyOnWriteArrayList<>();
  private final Clock clock = Clock.fixed(Instant.parse("2026-03-02T03:00:00Z"), ZoneOffset.UTC);
  private EventSourcedBehaviorTestKit<Portfolio.Command, Portfolio.Event, Portfolio.State> portfolio;

  private static PortfolioSettings settings(SizingRule rule, int maxConcurrent) {
    return new PortfolioSettings(new BigDecimal("1000000"), rule, new BigDecimal("250000"), new BigDecimal("10"),
        new BigDecimal("10000"), maxConcurrent, new BigDecimal("600000"), new BigDecimal("100000"),
        ZoneId.of("Asia/Seoul"));
  }

  @BeforeEach
  void fresh() {
    alerts.clear();
    portfolio = EventSourcedBehaviorTestKit.create(
        kit.system(), Portfolio.create(settings(SizingRule.FIXED_AMOUNT, 5), alerts::add, clock));
  }

  @AfterAll
  void shutdown() {
    kit.shutdownTestKit();
  }

  private Portfolio.ReserveReply reserve(String symbol, UUID cycle, String cap) {
    return portfolio
        .<Portfolio.ReserveReply>runCommand(r -> new Portfolio.Reserve(symbol, cycle, cap == null ? null : new BigDecimal(cap), r))
        .reply();
  }

  private void release(String symbol, UUID cycle, String pnl) {
    portfolio.<Portfolio.Released>runCommand(r -> new Portfolio.Release(symbol, cycle, new BigDecimal(pnl), r));
  }

  private Portfolio.Snapshot snapshot() {
    return portfolio.<Portfolio.Snapshot>runCommand(Portfolio.GetSnapshot::new).reply();
  }

  @Test
  void concurrentCyclesNeverCommitMoreThanTheExposureLimit() {
    assertThat(reserve("XRP", UUID.randomUUID(), null).amountKrw()).isEqualByComparingTo("250000");
    assertThat(reserve("BTC", UUID.randomUUID(), null).amountKrw()).isEqualByComparingTo("250000");
    // 100,000 of the 600,000 exposure limit left
    assertThat(reserve("ETH", UUID.randomUUID(), null).amountKrw()).isEqualByComparingTo("100000");
    Portfolio.ReserveReply fourth = reserve("SOL", UUID.randomUUID(), null);
    assertThat(fourth.granted()).isFalse();
    assertThat(fourth.reason()).contains("exposure room 0");
    assertThat(snapshot().reservedKrw()).isEqualByComparingTo("600000");
  }

  @Test
  void theOpportunitysOwnLimitCapsTheReservation() {
    assertThat(reserve("XRP", UUID.randomUUID(), "120000.9").amountKrw()).isEqualByComparingTo("120000");
    assertThat(reserve("BTC", UUID.randomUUID(), "5000").granted()).isFalse();
  }

  @Test
  void reservingTwiceForOneCycleIsIdempotentAndANewCycleOfTheSymbolReplacesAStaleReservation() {
    UUID a = UUID.randomUUID();
    reserve("XRP", a, null);
    assertThat(reserve("XRP", a, null).amountKrw()).isEqualByComparingTo("250000");
    assertThat(portfolio.getState().reservations()).hasSize(1);
    UUID b = UUID.randomUUID();
    reserve("XRP", b, null);
    assertThat(portfolio.getState().reservations().get("XRP").cycleId()).isEqualTo(b);
    assertThat(snapshot().reservedKrw()).isEqualByComparingTo("250000");
  }

  @Test
  void releaseReturnsTheCapitalWithItsResultOnce() {
    UUID a = UUID.randomUUID();
    reserve("XRP", a, null);
    release("XRP", a, "1234.5");
    release("XRP", a, "1234.5"); // redelivered
    Portfolio.Snapshot s = snapshot();
    assertThat(s.reservedKrw()).isEqualByComparingTo("0");
    assertThat(s.realizedPnlKrw()).isEqualByComparingTo("1234.5");
    assertThat(s.equityKrw()).isEqualByComparingTo("1001234.5");
  }

  @Test
  void maxConcurrentCyclesIsALimit() {
    portfolio = EventSourcedBehaviorTestKit.create(
        kit.system(), Portfolio.create(settings(SizingRule.PERCENTAGE, 1), alerts::add, clock));
    assertThat(reserve("XRP", UUID.randomUUID(), null).amountKrw()).isEqualByComparingTo("100000"); // 10 % of equity
    assertThat(reserve("BTC", UUID.randomUUID(), null).reason()).contains("max concurrent cycles (1)");
  }

  @Test
  void pausedTradingGrantsNothingAndResumes() {
    portfolio.<Portfolio.Snapshot>runCommand(r -> new Portfolio.Pause("ops", "maintenance", r));
    assertThat(reserve("XRP", UUID.randomUUID(), null).reason()).contains("trading paused: maintenance");
    assertThat(alerts).extracting(Alert::kind).containsExactly(AlertKind.TRADING_PAUSED);
    portfolio.<Portfolio.Snapshot>runCommand(r -> new Portfolio.Resume("ops", r));
    assertThat(reserve("XRP", UUID.randomUUID(), null).granted()).isTrue();
  }

  @Test
  void aRejectedKeyPausesWithItsOwnKindAndReplacesAnOperatorsPauseButNotTheReverse() {
    portfolio.<Portfolio.Snapshot>runCommand(r -> new Portfolio.Pause("ops", "maintenance", r));
    assertThat(snapshot().pauseKind()).isEqualTo(Portfolio.PauseKind.OPERATOR);
    portfolio.<Portfolio.Snapshot>runCommand(
        r -> new Portfolio.Pause(Portfolio.KEY_CHECK, "check your API key: UPBIT rejected it", r));
    Portfolio.Snapshot s = snapshot();
    assertThat(s.pauseKind()).isEqualTo(Portfolio.PauseKind.KEY_REJECTED);
    assertThat(s.pauseReason()).contains("check your API key");
    portfolio.<Portfolio.Snapshot>runCommand(r -> new Portfolio.Pause("ops", "again", r));
    assertThat(snapshot().pauseKind()).as("an operator's pause does not hide the key").isEqualTo(
        Portfolio.PauseKind.KEY_REJECTED);
    assertThat(reserve("XRP", UUID.randomUUID(), null).granted()).isFalse();
    portfolio.<Portfolio.Snapshot>runCommand(r -> new Portfolio.Resume("ops", r));
    assertThat(snapshot().pauseKind()).isNull();
  }

  @Test
  void theDailyLossLimitPausesTradingByItselfAndAlerts() {
    UUID a = UUID.randomUUID();
    UUID b = UUID.randomUUID();
    reserve("XRP", a, null);
    reserve("BTC", b, null);
    release("XRP", a, "-60000");
    assertThat(snapshot().paused()).isFalse();
    release("BTC", b, "-45000"); // −105,000 today ≥ the 100,000 limit
    Portfolio.Snapshot s = snapshot();
    assertThat(s.paused()).isTrue();
    assertThat(s.pausedBy()).isEqualTo("loss-limit");
    assertThat(s.todayRealizedPnlKrw()).isEqualByComparingTo("-105000");
    assertThat(alerts).extracting(Alert::kind).containsExactly(AlertKind.LOSS_LIMIT_REACHED);
    assertThat(reserve("ETH", UUID.randomUUID(), null).granted()).isFalse();
    // the ledger survives a restart
    portfolio.restart();
    assertThat(snapshot().paused()).isTrue();
    assertThat(snapshot().realizedPnlKrw()).isEqualByComparingTo("-105000");
  }
}
