package io.kimp.core.portfolio;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.kimp.core.alert.Alert;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The portfolio publishes how many new cycles it could grant, and every node's {@link PortfolioCapacity} follows it:
 * closed while every slot or the exposure is held or trading is paused, open again as soon as there is room; and it
 * admits no more starts than there is room for.
 */
class PortfolioCapacityTest {
  private final List<Alert> alerts = new CopyOnWriteArrayList<>();
  private final Clock clock = Clock.fixed(Instant.parse("2026-03-02T03:00:00Z"), ZoneOffset.UTC);
  private ActorTestKit kit;
  private ActorRef<Portfolio.Command> portfolio;
  private PortfolioCapacity holder;

  private void start(int slots) {
    kit = ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));
    holder = PortfolioCapacity.get(kit.system());
    PortfolioSettings settings = new PortfolioSettings(new BigDecimal("1000000"), SizingRule.FIXED_AMOUNT,
        new BigDecimal("250000"), new BigDecimal("10"), new BigDecimal("10000"), slots, new BigDecimal("600000"),
        new BigDecimal("100000"), ZoneId.of("Asia/Seoul"));
    portfolio = kit.spawn(Portfolio.create(settings, alerts::add, clock));
  }

  @AfterEach
  void stop() {
    if (kit != null) {
      kit.shutdownTestKit();
    }
  }

  private void awaitCapacity(Consumer<PortfolioCapacity.Capacity> check) {
    kit.createTestProbe().awaitAssert(Duration.ofSeconds(10), () -> {
      check.accept(holder.current().orElseThrow());
      return null;
    });
  }

  private Portfolio.ReserveReply reserve(String symbol, UUID cycle) {
    TestProbe<Portfolio.ReserveReply> probe = kit.createTestProbe();
    portfolio.tell(new Portfolio.Reserve(symbol, cycle, null, probe.ref()));
    return probe.receiveMessage(Duration.ofSeconds(10));
  }

  private void release(String symbol, UUID cycle) {
    TestProbe<Portfolio.Released> probe = kit.createTestProbe();
    portfolio.tell(new Portfolio.Release(symbol, cycle, BigDecimal.ZERO, probe.ref()));
    probe.receiveMessage(Duration.ofSeconds(10));
  }

  @Test
  void closedWhileEverySlotIsHeldAndOpenAgainWhenOneIsReleased() {
    start(2);
    awaitCapacity(c -> assertThat(c).isEqualTo(new PortfolioCapacity.Capacity(2, null, 0, 2, new BigDecimal("250000"))));
    UUID xrp = UUID.randomUUID();
    assertThat(reserve("XRP", xrp).granted()).isTrue();
    assertThat(reserve("BTC", UUID.randomUUID()).granted()).isTrue();

    awaitCapacity(c -> {
      assertThat(c.open()).isFalse();
      assertThat(c.heldSlots()).isEqualTo(2);
      assertThat(c.reason()).contains("max concurrent cycles (2)");
    });
    assertThat(holder.admit(1_000)).isFalse();
    // advice only: the portfolio itself still decides, and refuses
    assertThat(reserve("ETH", UUID.randomUUID()).granted()).isFalse();

    release("XRP", xrp);
    awaitCapacity(c -> assertThat(c).isEqualTo(new PortfolioCapacity.Capacity(1, null, 1, 2, new BigDecimal("250000"))));
    assertThat(holder.admit(2_000)).isTrue();
    assertThat(holder.admit(2_001)).as("one slot free: one start, not a rush").isFalse();
  }

  @Test
  void startsLeftAreCountedUpToSixtyFourAndTheNextGrantIsTheFirstOfThem() {
    PortfolioSettings many = new PortfolioSettings(new BigDecimal("1000000000000"), SizingRule.FIXED_AMOUNT,
        new BigDecimal("250000"), new BigDecimal("10"), new BigDecimal("10000"), 1000,
        new BigDecimal("1000000000000"), BigDecimal.ZERO, java.time.ZoneId.of("Asia/Seoul"));
    PortfolioCapacity.Capacity c = Portfolio.capacity(many, Portfolio.State.empty());
    assertThat(c.startsLeft()).isEqualTo(Portfolio.MAX_STARTS_COUNTED).isEqualTo(64);
    assertThat(c.nextGrantKrw()).isEqualByComparingTo("250000");
    assertThat(c.open()).isTrue();
    // below the cap it is the exact count: 100,000 of exposure room left after two fixed grants still makes a third
    PortfolioSettings few = new PortfolioSettings(new BigDecimal("10000000"), SizingRule.FIXED_AMOUNT,
        new BigDecimal("250000"), new BigDecimal("10"), new BigDecimal("10000"), 1000, new BigDecimal("600000"),
        BigDecimal.ZERO, java.time.ZoneId.of("Asia/Seoul"));
    assertThat(Portfolio.capacity(few, Portfolio.State.empty()).startsLeft()).isEqualTo(3);
  }

  @Test
  void admitsAtMostTheStartsLeftWithinATicketsLifetime() {
    PortfolioCapacity.Admission a = new PortfolioCapacity.Admission(2_000);
    assertThat(a.admit(0)).as("not heard from the portfolio yet: offer").isTrue();
    assertThat(a.admit(1)).isTrue();
    a.update(new PortfolioCapacity.Capacity(2, null, 3, 5));
    assertThat(a.admit(10)).as("two tickets of the last 2 s already out").isFalse();
    assertThat(a.admit(2_000)).as("the first ticket expired").isTrue();
    assertThat(a.admit(2_001)).isTrue();
    assertThat(a.admit(2_002)).isFalse();
    a.update(new PortfolioCapacity.Capacity(0, "max concurrent cycles (5) reached", 5, 5));
    assertThat(a.admit(60_000)).isFalse();
    a.update(new PortfolioCapacity.Capacity(1, null, 4, 5));
    assertThat(a.admit(60_001)).isTrue();
    assertThat(a.admit(60_002)).isFalse();
  }

  @Test
  void closedWhileTheExposureIsHeldOrTradingIsPaused() {
    start(5);
    // 250,000 + 250,000 + the last 100,000 of the 600,000 exposure limit
    awaitCapacity(c -> assertThat(c).isEqualTo(new PortfolioCapacity.Capacity(3, null, 0, 5, new BigDecimal("250000"))));
    reserve("XRP", UUID.randomUUID());
    reserve("BTC", UUID.randomUUID());
    // what the next cycle would get, for it to ask exactly that and prepare its first order with the request
    awaitCapacity(c -> assertThat(c.nextGrantKrw()).isEqualByComparingTo("100000"));
    assertThat(holder.nextGrantKrw()).isEqualByComparingTo("100000");
    assertThat(reserve("SOL", UUID.randomUUID()).amountKrw()).isEqualByComparingTo("100000");
    awaitCapacity(c -> {
      assertThat(c.open()).isFalse();
      assertThat(c.heldSlots()).isEqualTo(3);
      assertThat(c.reason()).contains("exposure room");
    });
    kit.shutdownTestKit();

    start(5); // a fresh ledger (the test journal lives in its actor system)
    awaitCapacity(c -> assertThat(c.open()).isTrue());
    TestProbe<Portfolio.Snapshot> probe = kit.createTestProbe();
    portfolio.tell(new Portfolio.Pause("ops", "maintenance", probe.ref()));
    probe.receiveMessage(Duration.ofSeconds(10));
    awaitCapacity(c -> {
      assertThat(c.open()).isFalse();
      assertThat(c.reason()).isEqualTo("trading paused: maintenance");
      assertThat(c.nextGrantKrw()).as("nothing is granted while paused").isNull();
    });
    portfolio.tell(new Portfolio.Resume("ops", probe.ref()));
    probe.receiveMessage(Duration.ofSeconds(10));
    awaitCapacity(c -> assertThat(c.open()).isTrue());
  }
}
