package io.kimp.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.kimp.backtest.sim.CapitalLedger;
import io.kimp.backtest.sim.DecisionTap;
import io.kimp.backtest.sim.SimClock;
import io.kimp.backtest.sim.SimulatedCycle;
import io.kimp.core.config.CoreSettings;
import io.kimp.core.cycle.ArbitrageCycle;
import io.kimp.core.cycle.CycleEvent;
import io.kimp.core.cycle.CycleInput;
import io.kimp.core.cycle.CycleReply;
import io.kimp.core.cycle.CycleRules;
import io.kimp.core.cycle.CycleSettings;
import io.kimp.core.cycle.CycleState;
import io.kimp.core.cycle.CycleStatus;
import io.kimp.core.cycle.StepAttempt;
import io.kimp.core.cycle.StepRecord;
import io.kimp.core.dlq.DeadLetterQueue;
import io.kimp.core.market.Venue;
import io.kimp.core.portfolio.Portfolio;
import io.kimp.core.portfolio.PortfolioSettings;
import io.kimp.core.strategy.Opportunity;
import io.kimp.core.venue.Balance;
import io.kimp.core.venue.Deposit;
import io.kimp.core.venue.DepositAddress;
import io.kimp.core.venue.ExchangeGateway;
import io.kimp.core.venue.OrderRequest;
import io.kimp.core.venue.OrderResult;
import io.kimp.core.venue.Venues;
import io.kimp.core.venue.WithdrawalRequest;
import io.kimp.core.venue.WithdrawalResult;
import io.kimp.fixtures.scripted.FixedMarketView;
import io.kimp.fixtures.scripted.RecordingAlertSink;
import io.kimp.fixtures.scripted.ScriptedExchange;
import io.kimp.fixtures.scripted.ScriptedExchange.Fault;
import io.kimp.fixtures.scripted.ScriptedExchange.Op;
import io.kimp.fixtures.scripted.ScriptedPerpetual;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Differential test: one scripted market and the same scripted venues, run once through the live entity (an actor
 * system, its journal, a real portfolio, wall-clock timers) and once through the backtester's cycle driver (simulated
 * clock, capital ledger), must give the same journal: the same events in the same order with the same key fields.
 * Wall-clock times differ by construction and are left out; cycle ids (and so client ids) come from the same seeded
 * supplier on both sides.
 *
 * <p>The market makes a full kimchi cycle (XRP bought at Binance, sold at Upbit, carried home in XRP). Upbit's
 * withdrawals are modelled as Upbit's API has them: no client id, so a withdrawal is found by the venue's own id (which
 * the journal holds once the withdrawal was accepted) or, before that, by coin and amount among those made since the
 * request was sent; and Upbit accepts a withdrawal before it has a txid. The rebalance withdrawal's reply is lost, so it
 * is reconciled. A runner that drops the send time or the accepted withdrawal's id (as the backtester's own runner did)
 * finds nothing and takes another path.
 */
class EntityMatchesBacktestDriverTest {
  private static final Config TIMERS = ConfigFactory.parseString(
      "kimp.retry.base-delay = 300ms\n"
          + "kimp.execution.order-timeout = 2s\n"
          + "kimp.execution.reconcile-interval = 100ms\n"
          + "kimp.execution.unknown-outcome-grace = 300ms\n"
          + "kimp.transfer.poll-interval = 100ms\n"
          + "kimp.transfer.deposit-timeout = 3s\n"
          + "kimp.strategy.rebalance-check-interval = 200ms\n");
  private static final Instant T0 = Instant.parse("2025-06-02T01:00:00Z");

  private final ActorTestKit kit = ActorTestKit.create(
      TIMERS.withFallback(EventSourcedBehaviorTestKit.config()).withFallback(ConfigFactory.load()));

  @AfterEach
  void shutdown() {
    kit.shutdownTestKit();
  }

  private static Supplier<UUID> seededIds() {
    long[] n = {0};
    return () -> new UUID(42, ++n[0]);
  }

  private static ScriptedExchange market(Clock clock) {
    return new ScriptedExchange(clock)
        .price(Venue.BINANCE, "XRP", "2.0")
        .price(Venue.UPBIT, "XRP", "2900")
        .script(Venue.UPBIT, Op.WITHDRAW, Fault.LOST_REPLY);
  }

  private static Opportunity opportunity() {
    return new Opportunity("XRP", io.kimp.core.market.Direction.KIMCHI, 3.5, 2.0, new BigDecimal("1000000"),
        new BigDecimal("2.0"), new BigDecimal("2900"), new BigDecimal("1400"), T0);
  }

  @Test
  void theEntityAndTheBacktestDriverPersistTheSameCycle() {
    run(false);
  }

  /** The same with the transfer hedge on, against a scripted perpetual on each side (the driver's on the sim clock). */
  @Test
  void theEntityAndTheBacktestDriverPersistTheSameHedgedCycle() {
    List<String> live = run(true);
    assertThat(live).filteredOn(k -> k.startsWith("StepCompleted")).filteredOn(k -> k.contains("HEDGE_")).hasSize(4);
    assertThat(live).filteredOn(k -> k.startsWith("CycleCompleted")).singleElement()
        .satisfies(k -> assertThat(k).doesNotContain("null"));
  }

  private static ScriptedPerpetual perpetual(Clock clock) {
    return new ScriptedPerpetual(clock).list("XRP", "2.0", "0.1", "1").fills("XRP", "2.00", "1.95", "2.04", "2.01");
  }

  /** Runs the scripted cycle through the entity and through the driver; returns the live journal's keys. */
  private List<String> run(boolean hedged) {
    CycleSettings configured = CoreSettings.cycle(kit.system().settings().config());
    CycleSettings settings = configured.withHedge(configured.hedge().withEnabled(hedged));
    ScriptedPerpetual livePerp = perpetual(Clock.systemUTC());

    // ---- live: the entity, journaled, with a real portfolio, on the wall clock
    ScriptedExchange liveVenues = market(Clock.systemUTC());
    RecordingAlertSink alerts = new RecordingAlertSink();
    var portfolio = kit.spawn(Portfolio.create(PortfolioSettings.defaults(), alerts, Clock.systemUTC()));
    TestProbe<DeadLetterQueue.Command> deadLetters = kit.createTestProbe();
    TestProbe<ClusterSharding.ShardCommand> shard = kit.createTestProbe();
    TestProbe<StatusReply<CycleReply>> replies = kit.createTestProbe();
    ArbitrageCycle.Dependencies deps = new ArbitrageCycle.Dependencies(
        new CycleRules(settings, seededIds()), withPerp(upbitLike(liveVenues), hedged, livePerp),
        TestNodes.profitableMarket(), portfolio,
        deadLetters.ref(), alerts, Clock.systemUTC(), Duration.ofSeconds(3), Duration.ofMinutes(5), 4);
    EventSourcedBehaviorTestKit<ArbitrageCycle.Command, CycleEvent, CycleState> entity =
        EventSourcedBehaviorTestKit.create(kit.system(), ArbitrageCycle.create("XRP", shard.ref(), deps));
    entity.runCommand(new ArbitrageCycle.Start(opportunity(), replies.ref()));
    assertThat(replies.receiveMessage(Duration.ofSeconds(10)).isSuccess()).isTrue();
    replies.awaitAssert(Duration.ofSeconds(30), () -> {
      CycleState s = entity.getState();
      assertThat(s.status()).isEqualTo(CycleStatus.COMPLETED);
      assertThat(s.cycle().capitalReleased()).isTrue();
      return null;
    });
    List<String> live = new ArrayList<>();
    for (Object e : PersistenceTestKit.create(kit.system())
        .persistedInStorage(ArbitrageCycle.persistenceIdOf("XRP").id())) {
      live.add(key((CycleEvent) e));
    }

    // ---- backtest: the driver on a simulated clock, with the capital ledger
    SimClock clock = new SimClock(T0);
    ScriptedExchange simVenues = market(clock);
    ScriptedPerpetual simPerp = perpetual(clock);
    List<String> simulated = new ArrayList<>();
    SimulatedCycle sim = new SimulatedCycle("XRP", new CycleRules(settings, seededIds()),
        withPerp(upbitLike(simVenues), hedged, simPerp),
        new CapitalLedger(PortfolioSettings.defaults()), TestNodes.profitableMarket(), clock,
        new DecisionTap() {
          @Override
          public void event(CycleEvent e) {
            simulated.add(key(e));
          }
        });
    assertThat(sim.send(new CycleInput.Start(opportunity())).accepted()).isTrue();
    sim.runUntil(T0.plus(Duration.ofMinutes(5)));
    assertThat(simulated).containsExactlyElementsOf(live);
    assertThat(sim.state().status()).isEqualTo(CycleStatus.COMPLETED);

    // the path the market was scripted for: the lost reply was reconciled, and nothing was sent twice
    assertThat(live).anyMatch(k -> k.startsWith("StepOutcomeUnknown"));
    assertThat(live).noneMatch(k -> k.startsWith("StepFailed"));
    assertThat(liveVenues.executedPerIntent().values()).containsOnly(1L);
    assertThat(simulated).containsExactlyElementsOf(live);
    assertThat(simVenues.executedPerIntent()).isEqualTo(liveVenues.executedPerIntent());
    assertThat(simPerp.executedPerIntent()).isEqualTo(livePerp.executedPerIntent());
    assertThat(livePerp.executedPerIntent()).hasSize(hedged ? 4 : 0);
    assertThat(livePerp.positionOf("XRP")).isZero();
    return live;
  }

  private static Venues withPerp(Venues venues, boolean hedged, ScriptedPerpetual perp) {
    return hedged ? venues.withPerpetual(perp) : venues;
  }

  // ---- what is compared of each event: all but wall-clock times and texts that quote durations

  private static String key(CycleEvent e) {
    String head = e.getClass().getSimpleName() + " " + e.cycleId();
    if (e instanceof CycleEvent.CapitalRequested r) {
      return head + " " + r.symbol() + " " + r.opportunity().maxSizeKrw();
    }
    if (e instanceof CycleEvent.CycleStarted s) {
      return head + " " + s.investmentKrw() + " " + s.investmentQuote() + " " + s.usdtKrw() + " " + s.hedged();
    }
    if (e instanceof CycleEvent.StepRequested r) {
      StepAttempt a = r.attempt();
      return head + " " + a.leg() + " " + a.step() + " #" + a.attempt() + " " + a.clientId() + " " + a.venue() + " "
          + a.coin() + " " + a.order() + " " + a.withdrawal() + " " + a.perp();
    }
    if (e instanceof CycleEvent.StepOutcomeUnknown u) {
      return head + " " + u.clientId();
    }
    if (e instanceof CycleEvent.StepNotPlaced n) {
      return head + " " + n.clientId();
    }
    if (e instanceof CycleEvent.StepCompleted c) {
      StepRecord r = c.record();
      return head + " " + r.leg() + " " + r.step() + " " + r.clientId() + " " + r.venue() + " " + r.coin() + " "
          + order(r.order()) + " " + withdrawal(r.withdrawal()) + " " + deposit(r.deposit());
    }
    if (e instanceof CycleEvent.StepFailed f) {
      return head + " " + f.leg() + " " + f.step() + " " + f.clientId() + " " + f.failureClass() + " "
          + f.attemptResolved();
    }
    if (e instanceof CycleEvent.RetryScheduled r) {
      return head + " " + r.retryCount();
    }
    if (e instanceof CycleEvent.RebalanceStarted r) {
      return head + " " + r.plan().coin() + " " + r.plan().expectedProfitPercent() + " " + r.hedged();
    }
    if (e instanceof CycleEvent.CycleCompleted c) {
      return head + " " + c.netProfitQuote() + " " + c.netProfitKrw() + " " + c.netProfitPercent() + " "
          + c.hedgePnlUsdt() + " " + c.hedgeFeesUsdt();
    }
    if (e instanceof CycleEvent.HedgeSkipped h) {
      return head + " " + h.leg() + " " + h.reason();
    }
    if (e instanceof CycleEvent.HedgeMismatch m) {
      return head + " " + m.leg() + " " + m.expected() + " " + m.seen();
    }
    if (e instanceof CycleEvent.CycleDeadLettered d) {
      return head + " " + d.failureClass() + " " + d.retryCount();
    }
    return head;
  }

  private static String order(io.kimp.core.cycle.journal.FilledOrder o) {
    return o == null ? "-" : o.venueOrderId() + " " + o.status() + " " + o.filledQuantity() + "@" + o.averagePrice()
        + " =" + o.quoteAmount() + " fee " + o.fee() + " " + o.feeAsset();
  }

  private static String withdrawal(io.kimp.core.cycle.journal.WithdrawalSent w) {
    return w == null ? "-" : w.withdrawalId() + " " + w.status() + " " + w.amount() + " " + w.coin() + " " + w.txId();
  }

  private static String deposit(io.kimp.core.cycle.journal.DepositSeen d) {
    return d == null ? "-" : d.depositId() + " " + d.amount() + " " + d.coin() + " " + d.txId() + " " + d.status();
  }

  // ---- Upbit's withdrawals, as its API has them

  private static Venues upbitLike(ScriptedExchange exchange) {
    return new Venues(new UpbitWithdrawals(exchange), exchange.gateway(Venue.BINANCE));
  }

  /**
   * Upbit's gateway, with its withdrawal API: no client id (the venue knows the withdrawal by its own uuid), and no txid
   * when it accepts a withdrawal. Written here from Upbit's documented behaviour, not from the code under test.
   */
  private static final class UpbitWithdrawals implements ExchangeGateway {
    private final ScriptedExchange exchange;
    private final ExchangeGateway upbit;

    UpbitWithdrawals(ScriptedExchange exchange) {
      this.exchange = exchange;
      this.upbit = exchange.gateway(Venue.UPBIT);
    }

    @Override
    public Venue venue() {
      return Venue.UPBIT;
    }

    @Override
    public CompletionStage<OrderResult> placeOrder(OrderRequest request) {
      return upbit.placeOrder(request);
    }

    @Override
    public CompletionStage<Optional<OrderResult>> queryOrder(String coin, String clientId) {
      return upbit.queryOrder(coin, clientId);
    }

    @Override
    public CompletionStage<OrderResult> cancelOrder(String coin, String clientId) {
      return upbit.cancelOrder(coin, clientId);
    }

    @Override
    public CompletionStage<Map<String, Balance>> balances() {
      return upbit.balances();
    }

    @Override
    public CompletionStage<DepositAddress> depositAddress(String coin, String network) {
      return upbit.depositAddress(coin, network);
    }

    @Override
    public CompletionStage<WithdrawalResult> withdraw(WithdrawalRequest request) {
      return upbit.withdraw(request).thenApply(w -> new WithdrawalResult(w.clientId(), w.withdrawalId(), w.status(),
          w.coin(), w.amount(), w.fee(), null, w.updatedAt()));
    }

    /** By client id alone, Upbit cannot tell its withdrawals apart. */
    @Override
    public CompletionStage<Optional<WithdrawalResult>> queryWithdrawal(WithdrawalRequest request) {
      return CompletableFuture.completedFuture(Optional.empty());
    }

    @Override
    public CompletionStage<Optional<WithdrawalResult>> queryWithdrawal(
        WithdrawalRequest request, String withdrawalId, Instant requestedAt) {
      for (WithdrawalResult w : exchange.withdrawals().values()) {
        boolean byId = withdrawalId != null && withdrawalId.equals(w.withdrawalId());
        boolean bySize = withdrawalId == null && requestedAt != null && w.coin().equals(request.coin())
            && w.amount().compareTo(request.amount()) == 0 && !w.updatedAt().isBefore(requestedAt);
        if (byId || bySize) {
          return CompletableFuture.completedFuture(Optional.of(w));
        }
      }
      return CompletableFuture.completedFuture(Optional.empty());
    }

    @Override
    public CompletionStage<List<Deposit>> deposits(String coin, Instant since) {
      return upbit.deposits(coin, since);
    }
  }
}
