package io.kimp.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.kimp.core.alert.AlertKind;
import io.kimp.core.config.CoreSettings;
import io.kimp.core.cycle.ArbitrageCycle;
import io.kimp.core.cycle.CycleEvent;
import io.kimp.core.cycle.CycleReply;
import io.kimp.core.cycle.CycleRules;
import io.kimp.core.cycle.CycleState;
import io.kimp.core.cycle.CycleStatus;
import io.kimp.core.dlq.DeadLetterQueue;
import io.kimp.core.market.Venue;
import io.kimp.core.portfolio.Portfolio;
import io.kimp.core.portfolio.PortfolioCapacity;
import io.kimp.fixtures.scripted.FixedMarketView;
import io.kimp.fixtures.scripted.RecordingAlertSink;
import io.kimp.fixtures.scripted.ScriptedExchange;
import io.kimp.fixtures.scripted.ScriptedExchange.Fault;
import io.kimp.fixtures.scripted.ScriptedExchange.Op;
import io.kimp.fixtures.scripted.ScriptedPerpetual;
import io.kimp.core.cycle.CycleSettings;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The cycle entity in each of its states, with the persistence test kit (every command, event and state goes through
 * serialization), the scripted venues, and probes standing in for the portfolio and the dead-letter queue singletons.
 * In every state a second opportunity is refused without an event.
 */
class ArbitrageCycleEntityTest {
  /** One actor system per test: the in-memory journal and the entity's timers must not leak between tests. */
  private final ActorTestKit kit =
      ActorTestKit.create(
          ConfigFactory.parseString(
                  "kimp.retry.base-delay = 300ms\n"
                      + "kimp.execution.order-timeout = 1s\n"
                      + "kimp.execution.reconcile-interval = 100ms\n"
                      + "kimp.execution.unknown-outcome-grace = 300ms\n"
                      + "kimp.transfer.poll-interval = 100ms\n"
                      + "kimp.reservation-audit { interval = 100ms, after = 0s }\n"
                      + "kimp.strategy.rebalance-check-interval = 200ms\n")
              .withFallback(EventSourcedBehaviorTestKit.config())
              .withFallback(ConfigFactory.load()));

  private ScriptedExchange exchange;
  private FixedMarketView market;
  private RecordingAlertSink alerts;
  private TestProbe<Portfolio.Command> portfolio;
  private TestProbe<DeadLetterQueue.Command> deadLetters;
  private TestProbe<StatusReply<CycleReply>> replies;
  private EventSourcedBehaviorTestKit<ArbitrageCycle.Command, CycleEvent, CycleState> entity;

  @BeforeEach
  void fresh() {
    exchange = TestNodes.exchange();
    market = new FixedMarketView();
    alerts = new RecordingAlertSink();
    portfolio = kit.createTestProbe();
    deadLetters = kit.createTestProbe();
    replies = kit.createTestProbe();
    TestProbe<ClusterSharding.ShardCommand> shard = kit.createTestProbe();
    entity = EventSourcedBehaviorTestKit.create(kit.system(), ArbitrageCycle.create("XRP", shard.ref(), deps()));
  }

  /** The entity's dependencies on this test's venues, market, probes and the configured rules. */
  private ArbitrageCycle.Dependencies deps() {
    return new ArbitrageCycle.Dependencies(
        new CycleRules(CoreSettings.cycle(kit.system().settings().config())), exchange.venues(), market,
        portfolio.ref(), deadLetters.ref(), alerts, Clock.systemUTC(), Duration.ofSeconds(3), Duration.ofMinutes(5), 4);
  }

  @AfterEach
  void shutdown() {
    kit.shutdownTestKit();
  }

  private CycleStatus status() {
    return entity.getState().status();
  }

  private void awaitStatus(CycleStatus s) {
    portfolio.awaitAssert(Duration.ofSeconds(15), () -> {
      assertThat(status()).isEqualTo(s);
      return null;
    });
  }

  private ArbitrageCycle.Start startCommand() {
    return new ArbitrageCycle.Start(TestNodes.opportunity("XRP"), replies.ref());
  }

  /** Idle → the capital request is persisted and the portfolio asked → granted → STARTED, the requester told. */
  private UUID start() {
    var result = entity.runCommand(startCommand());
    assertThat(result.events()).singleElement().isInstanceOf(CycleEvent.CapitalRequested.class);
    Portfolio.Reserve reserve = portfolio.expectMessageClass(Portfolio.Reserve.class);
    assertThat(reserve.symbol()).isEqualTo("XRP");
    assertThat(reserve.cycleId()).isEqualTo(result.events().get(0).cycleId());
    reserve.replyTo().tell(new Portfolio.ReserveReply(reserve.cycleId(), true, new BigDecimal("280000"), null));
    StatusReply<CycleReply> reply = replies.receiveMessage();
    assertThat(reply.isSuccess()).isTrue();
    assertThat(reply.getValue().cycleId()).isEqualTo(reserve.cycleId());
    return reserve.cycleId();
  }

  private String refusal() {
    StatusReply<CycleReply> reply = replies.receiveMessage();
    assertThat(reply.isError()).as("refused").isTrue();
    return reply.getError().getMessage();
  }

  private void assertDuplicateRefused() {
    var result = entity.runCommand(startCommand());
    assertThat(result.events()).isEmpty();
    assertThat(refusal()).startsWith("duplicate");
  }

  private CycleReply get() {
    return entity.<StatusReply<CycleReply>>runCommand(ArbitrageCycle.Get::new).reply().getValue();
  }

  @Test
  void idleRefusesWhenThePortfolioDeniesAndStartsNoCycle() {
    entity.runCommand(startCommand());
    Portfolio.Reserve reserve = portfolio.expectMessageClass(Portfolio.Reserve.class);
    // a second opportunity while the reservation is pending is a duplicate
    assertDuplicateRefused();
    reserve.replyTo().tell(new Portfolio.ReserveReply(reserve.cycleId(), false, BigDecimal.ZERO, "trading paused"));
    assertThat(refusal()).isEqualTo("trading paused");
    assertThat(entity.getState().cycle()).isNull();
    assertThat(entity.getState().capitalRequest()).isNull();
    assertThat(get().state().status()).isEqualTo(CycleStatus.IDLE);
  }

  /**
   * A restart between the capital request and the portfolio's answer: recovery asks again for the same cycle, and the
   * portfolio's one reservation ends up used by the cycle (a real portfolio: its reserved amount is the cycle's).
   */
  @Test
  void aRestartBetweenTheCapitalRequestAndTheGrantFinishesTheRequest() {
    var ledger = kit.spawn(Portfolio.create(io.kimp.core.portfolio.PortfolioSettings.defaults(), alerts, Clock.systemUTC()));
    TestProbe<Portfolio.ReserveReply> lost = kit.createTestProbe();
    TestProbe<Portfolio.Snapshot> snapshots = kit.createTestProbe();
    entity.runCommand(startCommand());
    Portfolio.Reserve first = portfolio.expectMessageClass(Portfolio.Reserve.class);
    // the portfolio reserves, but its answer never reaches the entity: it restarts first
    ledger.tell(new Portfolio.Reserve(first.symbol(), first.cycleId(), first.capKrw(), lost.ref()));
    BigDecimal reserved = lost.receiveMessage().amountKrw();
    assertThat(reserved).isPositive();
    entity.restart();
    assertThat(entity.getState().capitalRequest().cycleId()).isEqualTo(first.cycleId());
    Portfolio.Reserve again = portfolio.expectMessageClass(Portfolio.Reserve.class);
    assertThat(again.cycleId()).isEqualTo(first.cycleId());
    ledger.tell(again);
    portfolio.awaitAssert(Duration.ofSeconds(15), () -> {
      assertThat(entity.getState().cycle()).isNotNull();
      return null;
    });
    assertThat(entity.getState().cycle().cycleId()).isEqualTo(first.cycleId());
    assertThat(entity.getState().cycle().investmentKrw()).isEqualByComparingTo(reserved);
    assertThat(entity.getState().capitalRequest()).isNull();
    ledger.tell(new Portfolio.GetSnapshot(snapshots.ref()));
    Portfolio.Snapshot s = snapshots.receiveMessage();
    assertThat(s.reservedKrw()).isEqualByComparingTo(reserved);
    assertThat(s.reservations()).containsOnlyKeys("XRP");
    assertThat(s.reservations().get("XRP").cycleId()).isEqualTo(first.cycleId());
  }

  /**
   * The portfolio is asked for the capital while the capital request is being written, not after it: when that write
   * fails, the entity restarts with no record of the request while the portfolio holds a reservation for it. The
   * portfolio's audit asks the entity, which has no such request, and the reservation is released; the symbol trades
   * again.
   */
  @Test
  void aReservationWhoseRequestWasNeverWrittenIsReleasedByThePortfoliosAudit() {
    var ledger = kit.spawn(Portfolio.create(io.kimp.core.portfolio.PortfolioSettings.defaults(), alerts,
        Clock.systemUTC(), (symbol, input) -> java.util.concurrent.CompletableFuture.supplyAsync(
            () -> new CycleReply(true, null, "state", entity.getState()))));
    TestProbe<Portfolio.Snapshot> snapshots = kit.createTestProbe();
    entity.persistenceTestKit().failNextPersisted();
    entity.runCommand(startCommand());
    // asked although the request was never written
    Portfolio.Reserve reserve = portfolio.expectMessageClass(Portfolio.Reserve.class);
    ledger.tell(reserve);
    portfolio.awaitAssert(Duration.ofSeconds(15), () -> {
      assertThat(entity.getState().capitalRequest()).isNull();
      assertThat(entity.getState().cycle()).isNull();
      ledger.tell(new Portfolio.GetSnapshot(snapshots.ref()));
      assertThat(snapshots.receiveMessage().reservations()).isEmpty();
      return null;
    });
    ledger.tell(new Portfolio.GetSnapshot(snapshots.ref()));
    Portfolio.Snapshot s = snapshots.receiveMessage();
    assertThat(s.reservedKrw()).isZero();
    assertThat(s.realizedPnlKrw()).isZero();
    // and the symbol starts again
    start();
    assertThat(status()).isEqualTo(CycleStatus.STARTED);
  }

  /**
   * One durable write between an opportunity and its first order: told what the portfolio would grant next, the entity
   * asks for exactly that and writes the first order's intent with the capital request; the grant sends the order at
   * once, while the cycle's {@code CycleStarted} and {@code StepRequested} are written. When that write fails after the
   * order went out, the restarted entity asks for the capital again and reconciles the order with the venue instead of
   * sending it again: one BUY at the venue, and the cycle goes on with its fill.
   */
  @Test
  void aPreparedFirstOrderSentWhileItsIntentWasWrittenIsReconciledNotResentWhenThatWriteFails() {
    PortfolioCapacity capacity = PortfolioCapacity.get(kit.system());
    capacity.publish(new PortfolioCapacity.Capacity(1, null, 0, 5, new BigDecimal("280000")));
    portfolio.awaitAssert(Duration.ofSeconds(15), () -> {
      assertThat(capacity.nextGrantKrw()).isEqualByComparingTo("280000");
      return null;
    });
    var result = entity.runCommand(startCommand());
    CycleEvent.CapitalRequested requested = (CycleEvent.CapitalRequested) result.events().get(0);
    assertThat(requested.preparedKrw()).isEqualByComparingTo("280000");
    Portfolio.Reserve reserve = portfolio.expectMessageClass(Portfolio.Reserve.class);
    assertThat(reserve.capKrw()).isEqualByComparingTo("280000");

    entity.persistenceTestKit().failNextPersisted(); // the CycleStarted + StepRequested write
    reserve.replyTo().tell(new Portfolio.ReserveReply(reserve.cycleId(), true, new BigDecimal("280000"), null));
    String buy = io.kimp.core.cycle.ClientIds.of(reserve.cycleId(), io.kimp.core.cycle.Leg.INITIAL,
        io.kimp.core.cycle.Step.BUY, 1);
    // the restart asks again; the portfolio answers as the first time
    Portfolio.Reserve again = portfolio.expectMessageClass(Portfolio.Reserve.class, Duration.ofSeconds(15));
    assertThat(again.cycleId()).isEqualTo(reserve.cycleId());
    assertThat(exchange.orders()).as("the order went out before the failed write").containsKey(buy);
    assertThat(entity.getState().cycle()).as("the write failed").isNull();
    again.replyTo().tell(new Portfolio.ReserveReply(again.cycleId(), true, new BigDecimal("280000"), null));

    awaitStatus(CycleStatus.AWAITING_REBALANCE);
    assertThat(exchange.calls(Venue.BINANCE, Op.PLACE_ORDER)).as("reconciled, never sent again").isEqualTo(1);
    assertThat(exchange.executedPerIntent().values()).containsOnly(1L);
    var first = entity.getState().cycle().steps().get(0);
    assertThat(first.clientId()).isEqualTo(buy);
    assertThat(entity.getState().cycle().investmentKrw()).isEqualByComparingTo("280000");
  }

  /**
   * A start that reaches the entity while it replays its journal waits for the recovery decision: the capital it
   * requests is this incarnation's, not one to ask for again as if found after a restart (asked again, the grant
   * would be taken as resumed and the prepared first order reconciled instead of sent).
   */
  @Test
  void aStartDuringTheReplayIsDecidedAfterTheRecoveryAndAsksForItsCapitalOnce() {
    TestProbe<ClusterSharding.ShardCommand> shard = kit.createTestProbe();
    // a second entity on the same journal: its replay is under way when the start arrives
    var replaying = kit.spawn(ArbitrageCycle.create("XRP", shard.ref(), deps()));
    replaying.tell(startCommand());
    Portfolio.Reserve reserve = portfolio.expectMessageClass(Portfolio.Reserve.class);
    portfolio.expectNoMessage(Duration.ofMillis(500));
    reserve.replyTo().tell(new Portfolio.ReserveReply(reserve.cycleId(), true, new BigDecimal("280000"), null));
    assertThat(replies.receiveMessage().isSuccess()).isTrue();
  }

  @Test
  void startedWhileItsBuyIsInFlight() {
    exchange.script(Venue.BINANCE, Op.PLACE_ORDER, Fault.NO_REPLY);
    start();
    assertThat(status()).isEqualTo(CycleStatus.STARTED);
    assertThat(entity.getState().cycle().current().unresolved()).isTrue();
    assertDuplicateRefused();
  }

  @Test
  void initialTradeCompletedThenAwaitingRebalanceWhileNoCoinPays() {
    start();
    awaitStatus(CycleStatus.AWAITING_REBALANCE);
    assertThat(entity.getState().cycle().steps()).hasSize(4);
    assertDuplicateRefused();
    // and a restart keeps it waiting, looking at the market again
    entity.restart();
    assertThat(status()).isEqualTo(CycleStatus.AWAITING_REBALANCE);
    market.quote("XRP", "2820", "2.02", "1400");
    portfolio.expectMessageClass(Portfolio.Release.class, Duration.ofSeconds(15))
        .replyTo().tell(new Portfolio.Released(entity.getState().cycle().cycleId()));
    awaitStatus(CycleStatus.COMPLETED);
  }

  @Test
  void rebalancingInProgressThenCompletedReleasingTheCapital() {
    market.quote("XRP", "2820", "2.02", "1400");
    // the initial sell answers; the rebalance buy never does (and never reached the venue)
    exchange.script(Venue.UPBIT, Op.PLACE_ORDER, Fault.NONE, Fault.NO_REPLY);
    UUID id = start();
    awaitStatus(CycleStatus.REBALANCING_IN_PROGRESS);
    assertDuplicateRefused();
    // its deadline passes, reconciliation finds nothing, it fails once, and the retry sends a new attempt
    awaitStatus(CycleStatus.COMPLETED);
    assertThat(entity.getState().cycle().retryCount()).isEqualTo(1);
    Portfolio.Release release = portfolio.expectMessageClass(Portfolio.Release.class);
    assertThat(release.cycleId()).isEqualTo(id);
    assertThat(release.realizedPnlKrw()).isEqualByComparingTo(entity.getState().cycle().netProfitKrw());
    entity.runCommand(startCommand());
    assertThat(refusal()).contains("still releasing its capital");
    release.replyTo().tell(new Portfolio.Released(id));
    portfolio.awaitAssert(() -> {
      assertThat(entity.getState().cycle().capitalReleased()).isTrue();
      return null;
    });
    assertThat(exchange.executedPerIntent().values()).containsOnly(1L);
  }

  @Test
  void awaitingRetryThenResumesTheFailedStep() {
    exchange.script(Venue.BINANCE, Op.WITHDRAW, Fault.TRANSIENT);
    market.quote("XRP", "2820", "2.02", "1400");
    start();
    awaitStatus(CycleStatus.AWAITING_RETRY);
    assertThat(entity.getState().cycle().retryCount()).isEqualTo(1);
    assertDuplicateRefused();
    portfolio.expectMessageClass(Portfolio.Release.class, Duration.ofSeconds(15));
    assertThat(status()).isEqualTo(CycleStatus.COMPLETED);
    assertThat(exchange.withdrawals()).hasSize(2);
  }

  @Test
  void deadLetterIsRegisteredRecoveredAndDiscarded() {
    exchange.script(Venue.BINANCE, Op.PLACE_ORDER, Fault.PERMANENT);
    UUID id = start();
    awaitStatus(CycleStatus.DEAD_LETTER);
    DeadLetterQueue.Register reg = deadLetters.expectMessageClass(DeadLetterQueue.Register.class);
    assertThat(reg.entry().cycleId()).isEqualTo(id);
    // unacknowledged registrations are redelivered
    deadLetters.expectMessageClass(DeadLetterQueue.Register.class, Duration.ofSeconds(10))
        .replyTo().tell(new DeadLetterQueue.Registered(id));
    portfolio.awaitAssert(() -> {
      assertThat(entity.getState().cycle().deadLetterRegistered()).isTrue();
      return null;
    });
    assertDuplicateRefused();

    entity.runCommand(new ArbitrageCycle.Discard(id, "bad coin", replies.ref()));
    assertThat(replies.receiveMessage().isSuccess()).isTrue();
    assertThat(status()).isEqualTo(CycleStatus.FAILED);
    Portfolio.Release release = portfolio.expectMessageClass(Portfolio.Release.class);
    assertThat(release.realizedPnlKrw()).isEqualByComparingTo("0"); // nothing had moved
    release.replyTo().tell(new Portfolio.Released(id));
    portfolio.awaitAssert(() -> {
      assertThat(entity.getState().cycle().capitalReleased()).isTrue();
      return null;
    });
    // a closed cycle does not block the next one
    start();
  }

  /**
   * A hedged cycle whose short vanishes at the venue (liquidated, or closed by hand) while its coin waits for a deposit
   * address: the position check sees the smaller short, records it and dead-letters the cycle with a CRITICAL alert
   * naming the naked size; a restart checks the position again at once.
   */
  @Test
  void aShortThatVanishesAtTheVenueIsAHedgeMismatchDeadLetteredWithACriticalAlert() {
    ScriptedPerpetual perp = new ScriptedPerpetual().list("XRP", "2.0", "0.1", "1");
    TestProbe<ClusterSharding.ShardCommand> shard = kit.createTestProbe();
    CycleSettings configured = CoreSettings.cycle(kit.system().settings().config());
    CycleSettings hedged = configured.withHedge(new CycleSettings.HedgePolicy(true, CycleSettings.Unlisted.TRADE_UNHEDGED,
        2, Duration.ofMillis(200), new BigDecimal("0.0005")));
    // the deposit address never comes (asked again after the restart): the coin waits with its short open
    exchange.script(Venue.UPBIT, Op.DEPOSIT_ADDRESS, Fault.NO_REPLY, Fault.NO_REPLY, Fault.NO_REPLY);
    ArbitrageCycle.Dependencies deps =
        new ArbitrageCycle.Dependencies(new CycleRules(hedged), exchange.venues().withPerpetual(perp), market,
            portfolio.ref(), deadLetters.ref(), alerts, Clock.systemUTC(), Duration.ofSeconds(3), Duration.ofMinutes(5),
            4);
    entity = EventSourcedBehaviorTestKit.create(kit.system(), ArbitrageCycle.create("XRP", shard.ref(), deps));
    start();
    portfolio.awaitAssert(Duration.ofSeconds(15), () -> {
      assertThat(entity.getState().cycle().openShort()).isPositive();
      return null;
    });
    BigDecimal open = entity.getState().cycle().openShort();
    assertThat(perp.positionOf("XRP")).isEqualByComparingTo(open.negate());
    // a restart with the short open asks the venue (the position matches: nothing happens)
    entity.restart();
    portfolio.awaitAssert(Duration.ofSeconds(15), () -> {
      assertThat(perp.calls(ScriptedPerpetual.Op.POSITION)).isPositive();
      return null;
    });
    assertThat(status()).isEqualTo(CycleStatus.STARTED);

    perp.forcePosition("XRP", "-10");
    awaitStatus(CycleStatus.DEAD_LETTER);
    assertThat(alerts.of(AlertKind.HEDGE_EXPOSED)).singleElement().satisfies(a -> {
      assertThat(a.severity()).isEqualTo(io.kimp.core.alert.Alert.Severity.CRITICAL);
      assertThat(a.title()).contains(open.subtract(BigDecimal.TEN).toPlainString() + " XRP unhedged");
    });
    assertThat(entity.getState().cycle().failureReason()).startsWith("hedge mismatch");
    deadLetters.expectMessageClass(DeadLetterQueue.Register.class);
  }

  @Test
  void retryThresholdRaisesOneAlert() {
    exchange.script(Venue.BINANCE, Op.PLACE_ORDER, Fault.TRANSIENT, Fault.TRANSIENT, Fault.TRANSIENT);
    market.quote("XRP", "2820", "2.02", "1400");
    start();
    portfolio.expectMessageClass(Portfolio.Release.class, Duration.ofSeconds(20));
    assertThat(alerts.of(AlertKind.RETRY_THRESHOLD_REACHED)).hasSize(1);
  }
}
