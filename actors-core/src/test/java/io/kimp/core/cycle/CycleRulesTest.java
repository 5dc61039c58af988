package io.kimp.core.cycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.kimp.core.alert.AlertKind;
import io.kimp.core.cycle.CycleEffect.FetchMarket;
import io.kimp.core.cycle.CycleEffect.PlaceOrder;
import io.kimp.core.cycle.CycleEffect.PollTransfer;
import io.kimp.core.cycle.CycleEffect.PublishAlert;
import io.kimp.core.cycle.CycleEffect.ReconcileOrder;
import io.kimp.core.cycle.CycleEffect.RegisterDeadLetter;
import io.kimp.core.cycle.CycleEffect.ReleaseCapital;
import io.kimp.core.cycle.CycleEffect.ReserveCapital;
import io.kimp.core.cycle.CycleEffect.ResolveAddress;
import io.kimp.core.cycle.CycleEffect.ScheduleTimer;
import io.kimp.core.cycle.CycleEffect.Withdraw;
import io.kimp.core.cycle.CycleEvent.CycleCompleted;
import io.kimp.core.cycle.CycleEvent.CycleDeadLettered;
import io.kimp.core.cycle.CycleEvent.RetryScheduled;
import io.kimp.core.cycle.CycleEvent.StepCompleted;
import io.kimp.core.cycle.CycleEvent.StepFailed;
import io.kimp.core.cycle.CycleEvent.StepNotPlaced;
import io.kimp.core.cycle.CycleEvent.StepOutcomeUnknown;
import io.kimp.core.cycle.CycleEvent.StepRequested;
import io.kimp.core.cycle.CycleInput.AddressResolved;
import io.kimp.core.cycle.CycleInput.CapitalDenied;
import io.kimp.core.cycle.CycleInput.CapitalGranted;
import io.kimp.core.cycle.CycleInput.CapitalReleaseAcked;
import io.kimp.core.cycle.CycleInput.DeadLetterAcked;
import io.kimp.core.cycle.CycleInput.Discard;
import io.kimp.core.cycle.CycleInput.MarketSnapshot;
import io.kimp.core.cycle.CycleInput.Reconciled;
import io.kimp.core.cycle.CycleInput.Recover;
import io.kimp.core.cycle.CycleInput.Start;
import io.kimp.core.cycle.CycleInput.TimerFired;
import io.kimp.core.cycle.CycleInput.TimerKind;
import io.kimp.core.cycle.CycleInput.TransferPolled;
import io.kimp.core.cycle.CycleInput.VenueReplied;
import io.kimp.core.market.Direction;
import io.kimp.core.market.Venue;
import io.kimp.core.strategy.Opportunity;
import io.kimp.core.venue.Deposit;
import io.kimp.core.venue.DepositAddress;
import io.kimp.core.venue.DepositStatus;
import io.kimp.core.venue.FailureClass;
import io.kimp.core.venue.OrderRequest;
import io.kimp.core.venue.WithdrawalRequest;
import io.kimp.core.venue.WithdrawalResult;
import io.kimp.core.venue.WithdrawalStatus;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The cycle's transition function, driven directly: every legal transition, and illegal inputs refused without events. */
class CycleRulesTest extends CycleRulesFixture {
  CycleRulesTest() {
    super(xrpSettings(Map.of("XRP", new BigDecimal("1"), "TRX", new BigDecimal("1"))));
  }

  // ---- helpers

  /** Runs the cycle from idle to STARTED with the initial BUY in flight. */
  private Decision start() {
    Decision reserve = feed(new Start(opportunity()));
    assertThat(reserve.events()).singleElement().isInstanceOf(CycleEvent.CapitalRequested.class);
    ReserveCapital r = effects(reserve, ReserveCapital.class).get(0);
    return feed(new CapitalGranted(r.cycleId(), r.opportunity(), new BigDecimal("280000")));
  }

  /** The requested capital is granted. */
  private Decision start2() {
    return feed(new CapitalGranted(ID, opportunity(), new BigDecimal("280000")));
  }

  /** BUY 100 XRP at 2 USDT on Binance (fee 0.1 XRP) → address → WITHDRAW 99.9 → DEPOSIT → SELL at Upbit. */
  private void runInitialLegToSell() {
    start();
    feed(VenueReplied.order(current().clientId(), filled(current().clientId(), "100", "2", "0.1", "XRP")));
    feed(new AddressResolved(ID, Leg.INITIAL, new DepositAddress("XRP", "XRP", "r-upbit", "42")));
    String w = current().clientId();
    feed(VenueReplied.withdrawal(w, withdrawal(w, "99.7", "0.2")));
    String dep = current().clientId();
    feed(new TransferPolled(dep, null, List.of(credited("99.7", "tx-" + w)), null));
  }

  private WithdrawalResult withdrawal(String clientId, String amount, String fee) {
    return new WithdrawalResult(clientId, "w1", WithdrawalStatus.PROCESSING, "XRP", new BigDecimal(amount),
        new BigDecimal(fee), "tx-" + clientId, now);
  }

  private Deposit credited(String amount, String txId) {
    return new Deposit("d1", "XRP", new BigDecimal(amount), txId, DepositStatus.CREDITED, now);
  }

  // ---- the happy path, transition by transition

  @Nested
  class HappyPath {
    @Test
    void startPersistsTheCapitalRequestThenAsksForTheCapital() {
      Decision d = feed(new Start(opportunity()));
      assertThat(d.events()).singleElement().isInstanceOfSatisfying(CycleEvent.CapitalRequested.class,
          e -> assertThat(e.cycleId()).isEqualTo(ID));
      assertThat(d.reply()).isNull();
      assertThat(effects(d, ReserveCapital.class)).singleElement().satisfies(r -> assertThat(r.cycleId()).isEqualTo(ID));
      assertThat(state.status()).isEqualTo(CycleStatus.IDLE);
      assertThat(state.capitalRequest().cycleId()).isEqualTo(ID);
    }

    @Test
    void aStartWhileCapitalIsRequestedIsADuplicate() {
      feed(new Start(opportunity()));
      ids.add(UUID.randomUUID());
      Decision d = feed(new Start(opportunity()));
      assertThat(d.events()).isEmpty();
      assertThat(d.allEffects()).isEmpty();
      assertThat(d.reply().accepted()).isFalse();
      assertThat(d.reply().message()).startsWith("duplicate").contains(ID.toString());
    }

    @Test
    void recoveryAsksAgainForTheRequestedCapitalAndIgnoresAStaleAnswer() {
      Decision asked = feed(new Start(opportunity()));
      Decision again = rules.onRecovery(state, now);
      assertThat(again.events()).isEmpty();
      ReserveCapital first = eager(asked, ReserveCapital.class).get(0);
      assertThat(effects(again, ReserveCapital.class)).containsExactly(
          new ReserveCapital(first.cycleId(), first.opportunity(), first.capKrw(), true));
      assertThat(first.resumed()).isFalse();
      assertThat(feed(new CapitalGranted(UUID.randomUUID(), opportunity(), new BigDecimal("1"))).isEmpty()).isTrue();
      start2();
      assertThat(state.capitalRequest()).isNull();
      // the same grant once more (the first ask's answer arriving after the second's) changes nothing
      assertThat(feed(new CapitalGranted(ID, opportunity(), new BigDecimal("280000"))).isEmpty()).isTrue();
      assertThat(rules.onRecovery(state, now).effects()).noneMatch(ReserveCapital.class::isInstance);
    }

    @Test
    void grantedCapitalStartsTheCycleWithTheBuyIntentBeforeTheOrder() {
      Decision d = start();
      assertThat(d.events()).hasSize(2);
      assertThat(d.events().get(0)).isInstanceOf(CycleEvent.CycleStarted.class);
      StepRequested intent = (StepRequested) d.events().get(1);
      assertThat(intent.attempt().step()).isEqualTo(Step.BUY);
      assertThat(intent.attempt().venue()).isEqualTo(Venue.BINANCE);
      assertThat(intent.attempt().clientId()).isEqualTo(ClientIds.of(ID, Leg.INITIAL, Step.BUY, 1))
          .isEqualTo(CycleRules.preparedFirstOrderClientId(ID)); // what the start-up check takes the request to cover
      PlaceOrder order = effects(d, PlaceOrder.class).get(0);
      assertThat(order.request().clientId()).isEqualTo(intent.attempt().clientId());
      assertThat(order.request().quoteAmount()).isEqualByComparingTo("200"); // 280,000 KRW / 1,400
      assertThat(d.reply().accepted()).isTrue();
      assertThat(state.status()).isEqualTo(CycleStatus.STARTED);
      assertThat(state.cycle().investmentKrw()).isEqualByComparingTo("280000");
    }

    @Test
    void deniedCapitalEndsTheRequestWithoutACycle() {
      feed(new Start(opportunity()));
      Decision d = feed(new CapitalDenied(ID, "max concurrent cycles"));
      assertThat(d.events()).singleElement().isInstanceOf(CycleEvent.CapitalRefused.class);
      assertThat(state.capitalRequest()).isNull();
      assertThat(state.cycle()).isNull();
      assertThat(d.reply().accepted()).isFalse();
      assertThat(d.reply().message()).contains("max concurrent");
      assertThat(state.status()).isEqualTo(CycleStatus.IDLE);
    }

    @Test
    void filledBuyResolvesTheDepositAddressThenWithdrawsTheNetCoins() {
      start();
      String buy = current().clientId();
      Decision d = feed(VenueReplied.order(buy, filled(buy, "100", "2", "0.1", "XRP")));
      assertThat(events(d, StepCompleted.class)).singleElement()
          .satisfies(e -> assertThat(e.record().step()).isEqualTo(Step.BUY));
      assertThat(effects(d, ResolveAddress.class)).singleElement().satisfies(a -> {
        assertThat(a.venue()).isEqualTo(Venue.UPBIT);
        assertThat(a.network()).isEqualTo("XRP");
      });
      assertThat(current()).isNull();

      Decision w = feed(new AddressResolved(ID, Leg.INITIAL, new DepositAddress("XRP", "XRP", "r-upbit", "42")));
      WithdrawalRequest req = effects(w, Withdraw.class).get(0).request();
      assertThat(req.amount()).isEqualByComparingTo("99.9"); // 100 bought − 0.1 fee charged in XRP
      assertThat(req.tag()).isEqualTo("42");
      assertThat(effects(w, Withdraw.class).get(0).venue()).isEqualTo(Venue.BINANCE);
      assertThat(events(w, StepRequested.class)).singleElement()
          .satisfies(e -> assertThat(e.withdrawal().toRequest()).isEqualTo(req)); // the intent is what went out
    }

    @Test
    void acceptedWithdrawalWaitsForTheDepositThenSellsWhatArrived() {
      start();
      feed(VenueReplied.order(current().clientId(), filled(current().clientId(), "100", "2", "0.1", "XRP")));
      feed(new AddressResolved(ID, Leg.INITIAL, new DepositAddress("XRP", "XRP", "r-upbit", "42")));
      String w = current().clientId();
      Decision d = feed(VenueReplied.withdrawal(w, withdrawal(w, "99.7", "0.2")));
      assertThat(current().step()).isEqualTo(Step.DEPOSIT);
      assertThat(effects(d, PollTransfer.class)).singleElement().satisfies(p -> {
        assertThat(p.to()).isEqualTo(Venue.UPBIT);
        assertThat(p.from()).isEqualTo(Venue.BINANCE);
      });

      // not there yet: poll again later
      Decision wait = feed(new TransferPolled(current().clientId(), null, List.of(), null));
      assertThat(wait.events()).isEmpty();
      assertThat(effects(wait, ScheduleTimer.class)).singleElement()
          .satisfies(t -> assertThat(t.kind()).isEqualTo(TimerKind.POLL_DUE));

      Decision arrived = feed(new TransferPolled(current().clientId(), null, List.of(credited("99.7", "tx-" + w)), null));
      PlaceOrder sell = effects(arrived, PlaceOrder.class).get(0);
      assertThat(sell.venue()).isEqualTo(Venue.UPBIT);
      assertThat(sell.request().quantity()).isEqualByComparingTo("99.7");
      assertThat(sell.request().clientId()).isEqualTo(ClientIds.of(ID, Leg.INITIAL, Step.SELL, 1));
    }

    @Test
    void aDepositOfAnotherTransferIsNotTakenForOurs() {
      start();
      feed(VenueReplied.order(current().clientId(), filled(current().clientId(), "100", "2", "0.1", "XRP")));
      feed(new AddressResolved(ID, Leg.INITIAL, new DepositAddress("XRP", "XRP", "r-upbit", "42")));
      String w = current().clientId();
      feed(VenueReplied.withdrawal(w, withdrawal(w, "99.7", "0.2")));
      Decision d = feed(new TransferPolled(current().clientId(), null, List.of(credited("99.7", "tx-someone-else")), null));
      assertThat(d.events()).isEmpty();
      assertThat(current().step()).isEqualTo(Step.DEPOSIT);
    }

    @Test
    void withoutTheTxIdAnEqualAmountIsTakenOnlyOnceTheSendingVenueAnswers() {
      start();
      feed(VenueReplied.order(current().clientId(), filled(current().clientId(), "100", "2", "0.1", "XRP")));
      feed(new AddressResolved(ID, Leg.INITIAL, new DepositAddress("XRP", "XRP", "r-upbit", "42")));
      String w = current().clientId();
      // accepted without a txId (Upbit assigns it later)
      feed(VenueReplied.withdrawal(w, new WithdrawalResult(w, "w1", WithdrawalStatus.PROCESSING, "XRP",
          new BigDecimal("99.7"), new BigDecimal("0.2"), null, now)));
      // the sending venue did not answer this poll: a deposit of the same amount may be another cycle's
      Decision unsure = feed(new TransferPolled(current().clientId(), null, List.of(credited("99.7", null)), null));
      assertThat(unsure.events()).isEmpty();
      assertThat(current().step()).isEqualTo(Step.DEPOSIT);
      // it answers (still no txId, e.g. a venue that never gives one): the amount decides
      Decision sure = feed(new TransferPolled(current().clientId(), new WithdrawalResult(w, "w1",
          WithdrawalStatus.COMPLETED, "XRP", new BigDecimal("99.7"), new BigDecimal("0.2"), null, now),
          List.of(credited("99.7", null)), null));
      assertThat(effects(sure, PlaceOrder.class)).singleElement()
          .satisfies(o -> assertThat(o.request().quantity()).isEqualByComparingTo("99.7"));
    }

    @Test
    void soldInitialLegLooksForTheRebalanceCoin() {
      runInitialLegToSell();
      String sell = current().clientId();
      Decision d = feed(VenueReplied.order(sell, filled(sell, "99.7", "2900", "144.56", "KRW")));
      assertThat(state.status()).isEqualTo(CycleStatus.INITIAL_TRADE_COMPLETED);
      assertThat(effects(d, FetchMarket.class)).hasSize(1);
    }

    @Test
    void noProfitableCoinDefersTheRebalanceAndAlertsOnceWhenOverdue() {
      runInitialLegToSell();
      String sell = current().clientId();
      feed(VenueReplied.order(sell, filled(sell, "99.7", "2900", "144.56", "KRW")));
      // carrying KRW back through XRP at a high Upbit price loses money
      Decision d = feed(new MarketSnapshot(quotes("3000", "2.0")));
      assertThat(events(d, CycleEvent.RebalanceDeferred.class)).hasSize(1);
      assertThat(state.status()).isEqualTo(CycleStatus.AWAITING_REBALANCE);
      assertThat(effects(d, ScheduleTimer.class)).singleElement()
          .satisfies(t -> assertThat(t.kind()).isEqualTo(TimerKind.REBALANCE_CHECK));

      assertThat(effects(feed(new TimerFired(TimerKind.REBALANCE_CHECK, ID.toString())), FetchMarket.class)).hasSize(1);
      now = T0.plus(Duration.ofMinutes(31));
      Decision overdue = feed(new MarketSnapshot(quotes("3000", "2.0")));
      assertThat(events(overdue, CycleEvent.RebalanceOverdue.class)).hasSize(1);
      assertThat(effects(overdue, PublishAlert.class)).singleElement()
          .satisfies(a -> assertThat(a.alert().kind()).isEqualTo(AlertKind.REBALANCE_OVERDUE));
      Decision again = feed(new MarketSnapshot(quotes("3000", "2.0")));
      assertThat(effects(again, PublishAlert.class)).isEmpty();
      assertThat(again.events()).isEmpty();
    }

    @Test
    void theRebalanceThresholdInTheSnapshotOverridesTheConfiguredOne() {
      runInitialLegToSell();
      String sell = current().clientId();
      feed(VenueReplied.order(sell, filled(sell, "99.7", "2900", "144.565", "KRW")));
      // profitable at the configured 0.1 %, not at a runtime threshold of 50 %
      Decision deferred = feed(new MarketSnapshot(quotes("2820", "2.02"), new BigDecimal("50")));
      assertThat(events(deferred, CycleEvent.RebalanceDeferred.class)).singleElement()
          .satisfies(e -> assertThat(e.reason()).contains("below the 50").contains("minimum"));
      assertThat(state.status()).isEqualTo(CycleStatus.AWAITING_REBALANCE);
      // a loss the operators accept to bring the capital home: threshold −100 %
      feed(new MarketSnapshot(quotes("3000", "2.0"), new BigDecimal("-100")));
      assertThat(state.status()).isEqualTo(CycleStatus.REBALANCING_IN_PROGRESS);
    }

    @Test
    void fullCycleCompletesWithItsNetProfitAndReleasesTheCapital() {
      runInitialLegToSell();
      String sell = current().clientId();
      // 99.7 XRP × 2,900 = 289,130 KRW, fee 144.565 → 288,985.435 KRW
      feed(VenueReplied.order(sell, filled(sell, "99.7", "2900", "144.565", "KRW")));
      Decision rb = feed(new MarketSnapshot(quotes("2820", "2.02")));
      assertThat(state.status()).isEqualTo(CycleStatus.REBALANCING_IN_PROGRESS);
      assertThat(state.cycle().rebalancePlan().coin()).isEqualTo("XRP");
      PlaceOrder rbBuy = effects(rb, PlaceOrder.class).get(0);
      assertThat(rbBuy.venue()).isEqualTo(Venue.UPBIT);
      assertThat(rbBuy.request().quoteAmount()).isEqualByComparingTo("288985.435");

      String b = current().clientId();
      feed(VenueReplied.order(b, filled(b, "102.4", "2820", "144.38", "KRW")));
      feed(new AddressResolved(ID, Leg.REBALANCE, new DepositAddress("XRP", "XRP", "r-binance", "7")));
      String w = current().clientId();
      assertThat(current().withdrawal().amount()).isEqualByComparingTo("102.4");
      feed(VenueReplied.withdrawal(w, withdrawal(w, "101.4", "1")));
      feed(new TransferPolled(current().clientId(), null, List.of(credited("101.4", "tx-" + w)), null));
      String s = current().clientId();
      assertThat(current().venue()).isEqualTo(Venue.BINANCE);
      // 101.4 XRP × 2.02 = 204.828 USDT, fee 0.204828 → 204.623172 USDT back for 200 in
      Decision done = feed(VenueReplied.order(s, filled(s, "101.4", "2.02", "0.204828", "USDT")));

      assertThat(events(done, StepCompleted.class)).hasSize(1);
      CycleCompleted completed = events(done, CycleCompleted.class).get(0);
      assertThat(completed.netProfitQuote()).isEqualByComparingTo("4.623172");
      assertThat(completed.netProfitKrw()).isEqualByComparingTo("6472.4408"); // × 1,400
      assertThat(completed.netProfitPercent()).isEqualByComparingTo("2.311586");
      assertThat(state.status()).isEqualTo(CycleStatus.COMPLETED);
      assertThat(effects(done, ReleaseCapital.class)).singleElement()
          .satisfies(r -> assertThat(r.realizedPnlKrw()).isEqualByComparingTo("6472.4408"));

      // a new opportunity must wait until the portfolio has the capital back
      ids.add(UUID.randomUUID());
      assertThat(feed(new Start(opportunity())).reply().accepted()).isFalse();
      assertThat(events(feed(new CapitalReleaseAcked(ID)), CycleEvent.CapitalReleased.class)).hasSize(1);
      assertThat(effects(feed(new Start(opportunity())), ReserveCapital.class)).hasSize(1);
    }
  }

  // ---- failures, retries, the dead-letter queue


  // ---- the first order prepared with the capital request: one durable write on the way to it

  @Nested
  class PreparedFirstOrder {
    private final BigDecimal nextGrant = new BigDecimal("280000");

    private Decision ask() {
      return feed(new Start(opportunity(), nextGrant));
    }

    @Test
    void aStartAsksForWhatThePortfolioSaidItWouldGrantAndPreparesTheFirstOrderWithTheRequest() {
      Decision d = ask();
      CycleEvent.CapitalRequested r = events(d, CycleEvent.CapitalRequested.class).get(0);
      assertThat(r.preparedKrw()).isEqualByComparingTo("280000");
      assertThat(state.capitalRequest().preparedKrw()).isEqualByComparingTo("280000");
      assertThat(CycleEventSummary.of(r)).endsWith("asks for 280000 KRW, its first order prepared");
      // asked while the request is written, for exactly the prepared amount
      assertThat(eager(d, ReserveCapital.class)).singleElement().satisfies(x -> {
        assertThat(x.capKrw()).isEqualByComparingTo("280000");
        assertThat(x.resumed()).isFalse();
      });
      assertThat(d.effects()).isEmpty();
    }

    @Test
    void thePreparedAmountIsNoMoreThanTheOpportunitysOwnLimitInWholeKrw() {
      assertThat(CycleRules.preparedSize(new BigDecimal("2500000"), new BigDecimal("1000000.9")))
          .isEqualByComparingTo("1000000");
      assertThat(CycleRules.preparedSize(new BigDecimal("250000.5"), null)).isEqualByComparingTo("250000");
      assertThat(CycleRules.preparedSize(null, new BigDecimal("1000000"))).as("no word from the portfolio").isNull();
      assertThat(CycleRules.preparedSize(new BigDecimal("0.4"), null)).isNull();
      Decision d = feed(new Start(opportunity())); // without the portfolio's word: nothing prepared
      assertThat(events(d, CycleEvent.CapitalRequested.class).get(0).preparedKrw()).isNull();
      assertThat(eager(d, ReserveCapital.class).get(0).capKrw()).isEqualByComparingTo("1000000");
    }

    @Test
    void aGrantOfThePreparedAmountSendsTheFirstOrderWhileItsIntentIsWritten() {
      ask();
      Decision d = feed(new CapitalGranted(ID, opportunity(), new BigDecimal("280000"), false));
      assertThat(d.events()).hasSize(2);
      assertThat(d.events().get(0)).isInstanceOf(CycleEvent.CycleStarted.class);
      StepRequested intent = (StepRequested) d.events().get(1);
      assertThat(intent.attempt().clientId()).isEqualTo(ClientIds.of(ID, Leg.INITIAL, Step.BUY, 1))
          .isEqualTo(CycleRules.preparedFirstOrderClientId(ID)); // what the start-up check takes the request to cover
      PlaceOrder order = eager(d, PlaceOrder.class).get(0);
      assertThat(order.request().clientId()).isEqualTo(intent.attempt().clientId());
      assertThat(order.request().quoteAmount()).isEqualByComparingTo("200"); // 280,000 KRW / 1,400
      assertThat(order.venue()).isEqualTo(Venue.BINANCE);
      // the rest waits for the write: the step's deadline, and no second order
      assertThat(d.effects()).noneMatch(PlaceOrder.class::isInstance);
      assertThat(effects(d, ScheduleTimer.class)).anyMatch(t -> t.kind() == TimerKind.STEP_DEADLINE);
      assertThat(d.reply().accepted()).isTrue();
    }

    @Test
    void thePreparedOrderIsTheOneTheUnpreparedPathWouldSend() {
      ask();
      Decision prepared = feed(new CapitalGranted(ID, opportunity(), new BigDecimal("280000"), false));
      CycleState preparedState = state;
      reset();
      Decision plain = start(); // Start without a size, the same grant
      assertThat(prepared.events()).isEqualTo(plain.events());
      assertThat(prepared.allEffects()).containsExactlyInAnyOrderElementsOf(plain.allEffects());
      assertThat(preparedState.cycle()).isEqualTo(state.cycle());
    }

    @Test
    void aGrantOfAnotherAmountPlacesTheBuyOnlyOnceItsIntentIsWritten() {
      ask();
      Decision d = feed(new CapitalGranted(ID, opportunity(), new BigDecimal("250000"), false));
      assertThat(d.eager()).isEmpty();
      PlaceOrder order = effects(d, PlaceOrder.class).get(0);
      assertThat(order.request().quoteAmount()).isEqualByComparingTo(
          new BigDecimal("250000").divide(RATE, MC));
    }

    @Test
    void aGrantFoundAgainAfterARestartReconcilesThePreparedOrderBeforeAnythingIsSent() {
      ask();
      ReserveCapital again = effects(rules.onRecovery(state, now), ReserveCapital.class).get(0);
      assertThat(again.resumed()).isTrue();
      assertThat(again.capKrw()).isEqualByComparingTo("280000");

      Decision d = feed(new CapitalGranted(ID, opportunity(), new BigDecimal("280000"), true));
      assertThat(events(d, StepRequested.class)).singleElement()
          .satisfies(r -> assertThat(r.attempt().clientId()).isEqualTo(ClientIds.of(ID, Leg.INITIAL, Step.BUY, 1)));
      assertThat(d.allEffects()).noneMatch(PlaceOrder.class::isInstance);
      String buy = current().clientId();
      assertThat(effects(d, ReconcileOrder.class)).singleElement()
          .satisfies(r -> assertThat(r.clientId()).isEqualTo(buy));
      // the incarnation before had sent it: the fill is taken, nothing is sent again
      Decision found = feed(new Reconciled(buy, true, filled(buy, "140", "2", "0.14", "XRP"), null, null));
      assertThat(events(found, StepCompleted.class)).hasSize(1);
      assertThat(effects(found, PlaceOrder.class)).isEmpty();
    }

    @Test
    void aPreparedOrderTheVenueNeverSawIsSentAfterARestartOnlyOnceTheGracePassed() {
      ask();
      feed(new CapitalGranted(ID, opportunity(), new BigDecimal("280000"), true));
      String buy = current().clientId();
      assertThat(effects(feed(new Reconciled(buy, false, null, null, null)), PlaceOrder.class)).isEmpty();
      now = now.plus(settings.execution().unknownOutcomeGrace()).plusSeconds(1);
      Decision d = feed(new Reconciled(buy, false, null, null, null));
      assertThat(events(d, StepNotPlaced.class)).hasSize(1);
      PlaceOrder retry = effects(d, PlaceOrder.class).get(0);
      assertThat(retry.request().clientId()).isEqualTo(ClientIds.of(ID, Leg.INITIAL, Step.BUY, 2));
      assertThat(d.eager()).isEmpty();
    }

    @Test
    void aResumedGrantOfAnotherAmountWasNeverPreparedAndPlacesTheBuyAfterItsIntent() {
      ask();
      Decision d = feed(new CapitalGranted(ID, opportunity(), new BigDecimal("250000"), true));
      assertThat(d.eager()).isEmpty();
      assertThat(effects(d, PlaceOrder.class)).hasSize(1);
      assertThat(effects(d, ReconcileOrder.class)).isEmpty();
    }
  }

  @Nested
  class Failures {
    @Test
    void transientFailuresBackOffExponentiallyAndTheFifthDeadLetters() {
      start();
      for (int i = 1; i <= 4; i++) {
        final int n = i;
        String id = current().clientId();
        assertThat(id).isEqualTo(ClientIds.of(ID, Leg.INITIAL, Step.BUY, n));
        Decision d = feed(VenueReplied.failed(id, FailureClass.TRANSIENT, "429"));
        RetryScheduled r = events(d, RetryScheduled.class).get(0);
        Duration delay = Duration.ofMinutes(10).multipliedBy(1L << (n - 1));
        assertThat(r.retryCount()).isEqualTo(n);
        assertThat(r.nextRetryAt()).isEqualTo(now.plus(delay));
        assertThat(effects(d, ScheduleTimer.class)).anySatisfy(t -> {
          assertThat(t.kind()).isEqualTo(TimerKind.RETRY_DUE);
          assertThat(t.delay()).isEqualTo(delay);
        });
        assertThat(state.status()).isEqualTo(CycleStatus.AWAITING_RETRY);
        assertThat(effects(d, PublishAlert.class)).hasSize(n == 3 ? 1 : 0); // retry-threshold = 3
        now = r.nextRetryAt();
        Decision retry = feed(new TimerFired(TimerKind.RETRY_DUE, ID.toString()));
        assertThat(retry.events().get(0)).isInstanceOf(CycleEvent.RetryStarted.class);
        assertThat(state.status()).isEqualTo(CycleStatus.STARTED);
        assertThat(effects(retry, PlaceOrder.class)).singleElement()
                        .satisfies(p -> assertThat(p.request().clientId()).isEqualTo(ClientIds.of(ID, Leg.INITIAL, Step.BUY, n + 1)));
      }
      Decision last = feed(VenueReplied.failed(current().clientId(), FailureClass.TRANSIENT, "429"));
      CycleDeadLettered dl = events(last, CycleDeadLettered.class).get(0);
      assertThat(dl.retryCount()).isEqualTo(5);
      assertThat(dl.reason()).contains("gave up after 5 failures");
      assertThat(state.status()).isEqualTo(CycleStatus.DEAD_LETTER);
      assertThat(effects(last, RegisterDeadLetter.class)).singleElement().satisfies(r -> {
        assertThat(r.entry().step()).isEqualTo(Step.BUY);
        assertThat(r.entry().retryCount()).isEqualTo(5);
      });
      assertThat(events(last, RetryScheduled.class)).isEmpty();
    }

    /**
     * A venue that asked to be left alone longer than the backoff (a 418 ban's Retry-After, or the rest of a 429 pause a
     * request was refused unsent in) is retried when that ends, not before: a retry inside the pause would be refused
     * unsent again and spend an attempt. A shorter pause changes nothing.
     */
    @Test
    void aRetryWaitsForTheVenuesRetryAfterWhenItIsLongerThanTheBackoff() {
      start();
      Decision banned = feed(VenueReplied.failed(current().clientId(), FailureClass.TRANSIENT, "418 banned", "-1003",
          Duration.ofHours(2)));
      RetryScheduled r = events(banned, RetryScheduled.class).get(0);
      assertThat(r.nextRetryAt()).isEqualTo(now.plus(Duration.ofHours(2)));
      assertThat(effects(banned, ScheduleTimer.class))
          .anySatisfy(t -> assertThat(t.delay()).isEqualTo(Duration.ofHours(2)));
      now = r.nextRetryAt();
      feed(new TimerFired(TimerKind.RETRY_DUE, ID.toString()));
      Decision paused = feed(VenueReplied.failed(current().clientId(), FailureClass.TRANSIENT, "backoff", "backoff",
          Duration.ofSeconds(37)));
      assertThat(events(paused, RetryScheduled.class).get(0).nextRetryAt()).isEqualTo(now.plus(Duration.ofMinutes(20)));
    }

    @Test
    void aPermanentFailureDeadLettersAtOnce() {
      start();
      Decision d = feed(VenueReplied.failed(current().clientId(), FailureClass.PERMANENT, "-2010 insufficient balance"));
      assertThat(events(d, StepFailed.class)).singleElement()
          .satisfies(f -> assertThat(f.failureClass()).isEqualTo(FailureClass.PERMANENT));
      assertThat(events(d, CycleDeadLettered.class)).hasSize(1);
      assertThat(state.status()).isEqualTo(CycleStatus.DEAD_LETTER);
      assertThat(state.cycle().failureReason()).contains("-2010");
    }

    @Test
    void anUnknownOutcomeIsReconciledBeforeAnythingIsSentAgain() {
      start();
      String id = current().clientId();
      Decision d = feed(VenueReplied.failed(id, FailureClass.UNKNOWN_OUTCOME, "504 gateway timeout"));
      assertThat(events(d, StepOutcomeUnknown.class)).hasSize(1);
      assertThat(effects(d, PlaceOrder.class)).isEmpty();
      assertThat(effects(d, ScheduleTimer.class)).singleElement()
          .satisfies(t -> assertThat(t.kind()).isEqualTo(TimerKind.RECONCILE_DUE));
      assertThat(effects(feed(new TimerFired(TimerKind.RECONCILE_DUE, id)), ReconcileOrder.class)).singleElement()
          .satisfies(r -> assertThat(r.clientId()).isEqualTo(id));

      // the venue did take it: the step completes from the truth, no second order
      Decision found = feed(new Reconciled(id, true, filled(id, "100", "2", "0.1", "XRP"), null, null));
      assertThat(events(found, StepCompleted.class)).hasSize(1);
      assertThat(effects(found, PlaceOrder.class)).isEmpty();
    }

    @Test
    void notFoundAfterAnUnknownOutcomeIsAFailureOnlyOnceTheGracePassed() {
      start();
      String id = current().clientId();
      feed(VenueReplied.failed(id, FailureClass.UNKNOWN_OUTCOME, "timeout"));
      now = T0.plusSeconds(3);
      Decision early = feed(new Reconciled(id, false, null, null, null));
      assertThat(early.events()).isEmpty(); // might still appear: ask again
      assertThat(effects(early, ScheduleTimer.class)).hasSize(1);
      now = T0.plusSeconds(11);
      Decision late = feed(new Reconciled(id, false, null, null, null));
      assertThat(events(late, StepFailed.class)).singleElement().satisfies(f -> {
        assertThat(f.failureClass()).isEqualTo(FailureClass.TRANSIENT);
        assertThat(f.attemptResolved()).isTrue();
      });
      assertThat(state.status()).isEqualTo(CycleStatus.AWAITING_RETRY);
    }

    @Test
    void afterACrashAnIntentWithoutResultIsReconciledAndResentOnlyIfTheVenueNeverSawIt() {
      start();
      String id = current().clientId();
      // the node died right after persisting the intent
      now = T0.plusSeconds(20);
      Decision recovery = rules.onRecovery(state, now);
      assertThat(recovery.events()).isEmpty();
      assertThat(effects(recovery, ReconcileOrder.class)).singleElement()
          .satisfies(r -> assertThat(r.clientId()).isEqualTo(id));
      Decision d = feed(new Reconciled(id, false, null, null, null));
      assertThat(events(d, StepNotPlaced.class)).hasSize(1);
      StepRequested again = events(d, StepRequested.class).get(0);
      assertThat(again.attempt().attempt()).isEqualTo(2);
      assertThat(again.attempt().clientId()).isNotEqualTo(id);
      assertThat(events(d, StepFailed.class)).isEmpty(); // our crash is not the venue's failure
    }

    @Test
    void aStuckOrderIsReconciledAtItsDeadlineAndFailsTransientlyAfterTwiceItsTimeout() {
      start();
      String id = current().clientId();
      now = T0.plusSeconds(30);
      Decision deadline = feed(new TimerFired(TimerKind.STEP_DEADLINE, id));
      assertThat(events(deadline, StepOutcomeUnknown.class)).hasSize(1);
      assertThat(effects(deadline, ReconcileOrder.class)).hasSize(1);
      now = T0.plusSeconds(45);
      assertThat(feed(new Reconciled(id, false, null, null, "connection refused")).events()).isEmpty();
      now = T0.plusSeconds(61);
      Decision stuck = feed(new Reconciled(id, false, null, null, "connection refused"));
      StepFailed f = events(stuck, StepFailed.class).get(0);
      assertThat(f.attemptResolved()).isFalse();
      assertThat(state.status()).isEqualTo(CycleStatus.AWAITING_RETRY);

      // the retry first asks about the unresolved attempt, and only then sends a new one
      now = state.cycle().nextRetryAt();
      Decision retry = feed(new TimerFired(TimerKind.RETRY_DUE, ID.toString()));
      assertThat(effects(retry, PlaceOrder.class)).isEmpty();
      assertThat(effects(retry, ReconcileOrder.class)).singleElement().satisfies(r -> assertThat(r.clientId()).isEqualTo(id));
      Decision resent = feed(new Reconciled(id, false, null, null, null));
      assertThat(events(resent, StepFailed.class)).isEmpty();
      assertThat(effects(resent, PlaceOrder.class)).singleElement()
          .satisfies(p -> assertThat(p.request().clientId()).isEqualTo(ClientIds.of(ID, Leg.INITIAL, Step.BUY, 2)));
    }

    @Test
    void aStuckDepositRetriesTheWaitNotTheWithdrawal() {
      start();
      feed(VenueReplied.order(current().clientId(), filled(current().clientId(), "100", "2", "0.1", "XRP")));
      feed(new AddressResolved(ID, Leg.INITIAL, new DepositAddress("XRP", "XRP", "r-upbit", "42")));
      String w = current().clientId();
      feed(VenueReplied.withdrawal(w, withdrawal(w, "99.7", "0.2")));
      String dep = current().clientId();
      now = T0.plus(Duration.ofMinutes(10));
      assertThat(effects(feed(new TimerFired(TimerKind.STEP_DEADLINE, dep)), PollTransfer.class)).hasSize(1);
      Decision d = feed(new TransferPolled(dep, null, List.of(), null));
      assertThat(events(d, StepFailed.class)).singleElement()
          .satisfies(f -> assertThat(f.reason()).contains("not credited"));
      now = state.cycle().nextRetryAt();
      Decision retry = feed(new TimerFired(TimerKind.RETRY_DUE, ID.toString()));
      assertThat(effects(retry, Withdraw.class)).isEmpty();
      assertThat(events(retry, StepRequested.class)).singleElement().satisfies(r -> {
        assertThat(r.attempt().step()).isEqualTo(Step.DEPOSIT);
        assertThat(r.attempt().attempt()).isEqualTo(2);
      });
      assertThat(effects(retry, PollTransfer.class)).hasSize(1);
    }

    @Test
    void aWithdrawalBelowTheCoinsMinimumIsPermanent() {
      start();
      feed(VenueReplied.order(current().clientId(), filled(current().clientId(), "1.5", "2", "0.0015", "XRP")));
      Decision d = feed(new AddressResolved(ID, Leg.INITIAL, new DepositAddress("XRP", "XRP", "r-upbit", "42")));
      assertThat(effects(d, Withdraw.class)).isEmpty();
      assertThat(state.status()).isEqualTo(CycleStatus.DEAD_LETTER);
      assertThat(state.cycle().failureReason()).contains("below the minimum");
    }

    @Test
    void aTagCoinWithoutATagIsPermanent() {
      start();
      feed(VenueReplied.order(current().clientId(), filled(current().clientId(), "100", "2", "0.1", "XRP")));
      feed(new AddressResolved(ID, Leg.INITIAL, new DepositAddress("XRP", "XRP", "r-upbit", null)));
      assertThat(state.status()).isEqualTo(CycleStatus.DEAD_LETTER);
      assertThat(state.cycle().failureReason()).contains("destination tag");
    }
  }

  @Nested
  class DeadLetter {
    @BeforeEach
    void deadLetter() {
      start();
      feed(VenueReplied.failed(current().clientId(), FailureClass.PERMANENT, "-2010"));
      assertThat(state.status()).isEqualTo(CycleStatus.DEAD_LETTER);
    }

    @Test
    void registrationIsAcknowledgedOnceAndResentUntilThen() {
      assertThat(effects(feed(new TimerFired(TimerKind.REDELIVER, ID.toString())), RegisterDeadLetter.class)).hasSize(1);
      assertThat(events(feed(new DeadLetterAcked(ID)), CycleEvent.DeadLetterRegistered.class)).hasSize(1);
      assertThat(feed(new DeadLetterAcked(ID)).events()).isEmpty();
      assertThat(feed(new TimerFired(TimerKind.REDELIVER, ID.toString())).effects()).isEmpty();
    }

    @Test
    void recoverResumesTheFailedStepWithTheRetryCountReset() {
      assertThat(feed(new Recover(UUID.randomUUID(), "op")).reply().accepted()).isFalse();
      Decision d = feed(new Recover(ID, "op"));
      assertThat(d.reply().accepted()).isTrue();
      assertThat(state.status()).isEqualTo(CycleStatus.STARTED);
      assertThat(state.cycle().retryCount()).isZero();
      assertThat(effects(d, PlaceOrder.class)).singleElement()
          .satisfies(p -> assertThat(p.request().clientId()).isEqualTo(ClientIds.of(ID, Leg.INITIAL, Step.BUY, 2)));
    }

    @Test
    void discardNeedsAReasonAndClosesTheCycle() {
      Decision noReason = feed(new Discard(ID, " "));
      assertThat(noReason.reply().accepted()).isFalse();
      assertThat(noReason.events()).isEmpty();
      Decision d = feed(new Discard(ID, "funds moved by hand"));
      assertThat(state.status()).isEqualTo(CycleStatus.FAILED);
      assertThat(state.cycle().failureReason()).isEqualTo("discarded: funds moved by hand");
      // nothing had moved: the capital goes back whole
      assertThat(effects(d, ReleaseCapital.class)).singleElement()
          .satisfies(r -> assertThat(r.realizedPnlKrw()).isEqualByComparingTo("0"));
    }

    @Test
    void recoveryOfTheEntityResendsAnUnacknowledgedRegistration() {
      assertThat(effects(rules.onRecovery(state, now), RegisterDeadLetter.class)).hasSize(1);
    }
  }

  // ---- illegal inputs: refused, nothing persisted

  @Nested
  class Refusals {
    @Test
    void aSecondOpportunityWhileACycleIsOpenIsRefusedAsDuplicate() {
      start();
      Decision d = feed(new Start(opportunity()));
      assertThat(d.events()).isEmpty();
      assertThat(d.allEffects()).isEmpty();
      assertThat(d.reply().accepted()).isFalse();
      assertThat(d.reply().message()).startsWith("duplicate").contains(ID.toString());
    }

    @Test
    void operatorCommandsOutsideTheDeadLetterQueueAreRefused() {
      start();
      for (CycleInput in : List.of(new Recover(ID, "op"), new Discard(ID, "why"))) {
        Decision d = feed(in);
        assertThat(d.events()).isEmpty();
        assertThat(d.reply().accepted()).isFalse();
        assertThat(d.reply().message()).contains("not dead-lettered");
      }
    }

    @Test
    void answersForAnotherAttemptAreIgnored() {
      start();
      CycleState before = state;
      assertThat(feed(VenueReplied.order("someone-else", filled("x", "1", "1", "0", "XRP"))).isEmpty()).isTrue();
      assertThat(feed(new Reconciled("someone-else", true, null, null, null)).isEmpty()).isTrue();
      assertThat(feed(new TimerFired(TimerKind.RETRY_DUE, ID.toString())).isEmpty()).isTrue();
      assertThat(state).isEqualTo(before);
    }

    @Test
    void anOpportunityForAnotherSymbolIsRefused() {
      Opportunity btc = new Opportunity("BTC", Direction.KIMCHI, 2, 1, null, null, null, RATE, T0);
      Decision d = feed(new Start(btc));
      assertThat(d.reply().accepted()).isFalse();
      assertThat(d.effects()).isEmpty();
    }
  }

  @Nested
  class TimersFromState {
    @Test
    void aPendingRetryIsRescheduledForWhatRemainsOfItsDelay() {
      start();
      feed(VenueReplied.failed(current().clientId(), FailureClass.TRANSIENT, "503"));
      Decision d = rules.onRecovery(state, T0.plus(Duration.ofMinutes(4)));
      assertThat(effects(d, ScheduleTimer.class)).singleElement().satisfies(t -> {
        assertThat(t.kind()).isEqualTo(TimerKind.RETRY_DUE);
        assertThat(t.delay()).isEqualTo(Duration.ofMinutes(6));
      });
      Decision overdue = rules.onRecovery(state, T0.plus(Duration.ofHours(1)));
      assertThat(effects(overdue, ScheduleTimer.class).get(0).delay()).isEqualTo(Duration.ZERO);
    }

    @Test
    void aCycleWaitingForItsRebalanceLooksAtTheMarketAgain() {
      runInitialLegToSell();
      String sell = current().clientId();
      feed(VenueReplied.order(sell, filled(sell, "99.7", "2900", "144.56", "KRW")));
      assertThat(effects(rules.onRecovery(state, now), FetchMarket.class)).hasSize(1);
    }
  }

  @Test
  void clientIdsAreDeterministicUniquePerAttemptAndFitBinance() {
    Pattern binance = Pattern.compile("^[\\.A-Z\\:/a-z0-9_-]{1,36}$");
    String a1 = ClientIds.of(ID, Leg.INITIAL, Step.BUY, 1);
    assertThat(a1).hasSize(36).matches(binance).isEqualTo(ClientIds.of(ID, Leg.INITIAL, Step.BUY, 1));
    assertThat(ClientIds.of(ID, Leg.INITIAL, Step.BUY, 2)).isNotEqualTo(a1);
    assertThat(ClientIds.of(ID, Leg.REBALANCE, Step.BUY, 1)).isNotEqualTo(a1);
    assertThat(ClientIds.of(ID, Leg.INITIAL, Step.SELL, 1)).isNotEqualTo(a1);
    assertThat(ClientIds.of(ID, Leg.INITIAL, Step.BUY, 1295)).hasSize(36).matches(binance);
    assertThat(ClientIds.cycleIdOf(a1)).isEqualTo(ID);
  }

  @Test
  void retryDelaysDoubleFromTheBase() {
    assertThat(settings.retry().delay(1)).isEqualTo(Duration.ofMinutes(10));
    assertThat(settings.retry().delay(2)).isEqualTo(Duration.ofMinutes(20));
    assertThat(settings.retry().delay(5)).isEqualTo(Duration.ofMinutes(160));
  }

  @Test
  void orderRequestsAreCheckedForTheirShape() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> OrderRequest.marketSell("id", "XRP", null))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
