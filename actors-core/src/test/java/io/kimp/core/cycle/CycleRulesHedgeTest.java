package io.kimp.core.cycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.kimp.core.alert.Alert;
import io.kimp.core.alert.AlertKind;
import io.kimp.core.cycle.CycleEffect.CheckPosition;
import io.kimp.core.cycle.CycleEffect.PlaceOrder;
import io.kimp.core.cycle.CycleEffect.PlacePerpOrder;
import io.kimp.core.cycle.CycleEffect.PublishAlert;
import io.kimp.core.cycle.CycleEffect.ReconcilePerpOrder;
import io.kimp.core.cycle.CycleEffect.RegisterDeadLetter;
import io.kimp.core.cycle.CycleEffect.ReleaseCapital;
import io.kimp.core.cycle.CycleEffect.ReserveCapital;
import io.kimp.core.cycle.CycleEffect.ResolveAddress;
import io.kimp.core.cycle.CycleEffect.ScheduleTimer;
import io.kimp.core.cycle.CycleEvent.CycleCompleted;
import io.kimp.core.cycle.CycleEvent.CycleDeadLettered;
import io.kimp.core.cycle.CycleEvent.CycleDiscarded;
import io.kimp.core.cycle.CycleEvent.CycleStarted;
import io.kimp.core.cycle.CycleEvent.DiscardStarted;
import io.kimp.core.cycle.CycleEvent.HedgeMismatch;
import io.kimp.core.cycle.CycleEvent.HedgeSkipped;
import io.kimp.core.cycle.CycleEvent.RetryScheduled;
import io.kimp.core.cycle.CycleEvent.StepCompleted;
import io.kimp.core.cycle.CycleEvent.StepFailed;
import io.kimp.core.cycle.CycleEvent.StepNotPlaced;
import io.kimp.core.cycle.CycleEvent.StepOutcomeUnknown;
import io.kimp.core.cycle.CycleEvent.StepRequested;
import io.kimp.core.cycle.CycleInput.AddressResolved;
import io.kimp.core.cycle.CycleInput.CapitalGranted;
import io.kimp.core.cycle.CycleInput.Discard;
import io.kimp.core.cycle.CycleInput.MarketSnapshot;
import io.kimp.core.cycle.CycleInput.PositionSeen;
import io.kimp.core.cycle.CycleInput.Reconciled;
import io.kimp.core.cycle.CycleInput.Recover;
import io.kimp.core.cycle.CycleInput.Start;
import io.kimp.core.cycle.CycleInput.TimerFired;
import io.kimp.core.cycle.CycleInput.TimerKind;
import io.kimp.core.cycle.CycleInput.TransferPolled;
import io.kimp.core.cycle.CycleInput.VenueReplied;
import io.kimp.core.venue.Deposit;
import io.kimp.core.venue.DepositAddress;
import io.kimp.core.venue.DepositStatus;
import io.kimp.core.venue.FailureClass;
import io.kimp.core.venue.OrderSide;
import io.kimp.core.venue.PerpPosition;
import io.kimp.core.venue.WithdrawalResult;
import io.kimp.core.venue.WithdrawalStatus;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The transfer hedge in the cycle's transition function: a hedged leg runs BUY → HEDGE_OPEN → WITHDRAW → DEPOSIT → SELL →
 * HEDGE_CLOSE, with intents, reconciliation by client id, retries, dead letters, position checks, and the hedge in the
 * cycle's result.
 */
class CycleRulesHedgeTest extends CycleRulesFixture {
  CycleRulesHedgeTest() {
    super(xrpSettings(Map.of("XRP", new BigDecimal("1")))
        .withHedge(CycleSettings.HedgePolicy.defaults().withEnabled(true)));
  }

  // ---- helpers

  private Decision wake() {
    Decision d = rules.onRecovery(state, now);
    for (CycleEvent e : d.events()) {
      state = rules.apply(state, e);
    }
    return d;
  }

  private static List<Alert> alerts(Decision d, AlertKind kind) {
    return effects(d, PublishAlert.class).stream().map(PublishAlert::alert).filter(a -> a.kind() == kind).toList();
  }

  private Decision start() {
    ReserveCapital r = effects(feed(new Start(opportunity())), ReserveCapital.class).get(0);
    return feed(new CapitalGranted(r.cycleId(), r.opportunity(), new BigDecimal("280000")));
  }

  /** BUY 100 XRP at 2 USDT on Binance, fee 0.1 XRP: 99.9 XRP to transfer and to hedge. */
  private Decision buyFills() {
    start();
    String buy = current().clientId();
    return feed(VenueReplied.order(buy, filled(buy, "100", "2", "0.1", "XRP")));
  }

  /** ... and the short of 99.9 opens at 2.00 (fee 0.0999 USDT). */
  private Decision shortOpens() {
    buyFills();
    String h = current().clientId();
    return feed(VenueReplied.order(h, filled(h, "99.9", "2.00", "0.0999", "USDT")));
  }

  /** ... WITHDRAW → DEPOSIT → the SELL is in flight. */
  private void throughTheTransfer(Leg leg, String address, String withdrawn) {
    feed(new AddressResolved(ID, leg, new DepositAddress("XRP", "XRP", address, "42")));
    String w = current().clientId();
    feed(VenueReplied.withdrawal(w, new WithdrawalResult(w, "w-" + w, WithdrawalStatus.PROCESSING, "XRP",
        new BigDecimal(withdrawn), new BigDecimal("0.2"), "tx-" + w, now)));
    feed(new TransferPolled(current().clientId(), null,
        List.of(new Deposit("d-" + w, "XRP", new BigDecimal(withdrawn), "tx-" + w, DepositStatus.CREDITED, now)),
        null));
  }

  private static PositionSeen shortOf(String qty) {
    return new PositionSeen("XRP", new PerpPosition("XRP", new BigDecimal(qty).negate(), new BigDecimal("2"),
        new BigDecimal("2"), BigDecimal.ZERO, 2), null);
  }

  // ---- the hedged leg, step by step

  @Nested
  class HedgedLeg {
    @Test
    void offByDefaultTheLegIsUnhedgedAndTheStartSaysNothingOfIt() {
      rules = new CycleRules(settings.withHedge(CycleSettings.HedgePolicy.defaults()), ids::poll);
      Decision d = start();
      assertThat(events(d, CycleStarted.class)).singleElement().satisfies(e -> {
        assertThat(e.hedged()).isNull();
        assertThat(e.hedgedLeg()).isFalse();
      });
      String buy = current().clientId();
      Decision filled = feed(VenueReplied.order(buy, filled(buy, "100", "2", "0.1", "XRP")));
      assertThat(effects(filled, ResolveAddress.class)).hasSize(1);
      assertThat(effects(filled, PlacePerpOrder.class)).isEmpty();
      assertThat(state.cycle().legSteps()).containsExactly(Step.BUY, Step.WITHDRAW, Step.DEPOSIT, Step.SELL);
    }

    @Test
    void theStartRecordsTheHedgedFlag() {
      Decision d = start();
      assertThat(events(d, CycleStarted.class)).singleElement().satisfies(e -> assertThat(e.hedged()).isTrue());
      assertThat(state.cycle().legHedged()).isTrue();
      assertThat(state.cycle().legSteps())
          .containsExactly(Step.BUY, Step.HEDGE_OPEN, Step.WITHDRAW, Step.DEPOSIT, Step.SELL, Step.HEDGE_CLOSE);
    }

    @Test
    void theFilledBuyOpensAShortOfWhatItLeavesToTransferIntentFirst() {
      Decision d = buyFills();
      assertThat(effects(d, ResolveAddress.class)).isEmpty(); // nothing leaves before the short is on
      StepRequested intent = events(d, StepRequested.class).get(0);
      assertThat(intent.step()).isEqualTo(Step.HEDGE_OPEN);
      assertThat(intent.clientId()).isEqualTo(ClientIds.of(ID, Leg.INITIAL, Step.HEDGE_OPEN, 1)).endsWith("IH01");
      assertThat(intent.perp().side()).isEqualTo(OrderSide.SELL);
      assertThat(intent.perp().reduceOnly()).isFalse();
      assertThat(intent.perp().quantity()).isEqualByComparingTo("99.9"); // 100 bought − 0.1 fee in XRP
      PlacePerpOrder order = effects(d, PlacePerpOrder.class).get(0);
      assertThat(order.request()).isEqualTo(intent.perp().toRequest()); // the intent is what went out
      assertThat(order.leverage()).isEqualTo(2);
      assertThat(d.events().indexOf(intent)).isGreaterThan(0);
      assertThat(effects(d, ScheduleTimer.class)).anySatisfy(t -> {
        assertThat(t.kind()).isEqualTo(TimerKind.STEP_DEADLINE);
        assertThat(t.ref()).isEqualTo(intent.clientId());
      });
    }

    @Test
    void theOpenShortIsRecordedThenTheCoinsAreWithdrawnAndThePositionWatched() {
      Decision d = shortOpens();
      assertThat(events(d, StepCompleted.class)).singleElement().satisfies(e -> {
        assertThat(e.step()).isEqualTo(Step.HEDGE_OPEN);
        assertThat(e.order().filledQuantity()).isEqualByComparingTo("99.9");
        assertThat(e.order().averagePrice()).isEqualByComparingTo("2.00");
      });
      assertThat(effects(d, ResolveAddress.class)).hasSize(1);
      assertThat(effects(d, ScheduleTimer.class)).anySatisfy(t -> {
        assertThat(t.kind()).isEqualTo(TimerKind.POSITION_CHECK);
        assertThat(t.delay()).isEqualTo(Duration.ofMinutes(1));
      });
      assertThat(state.cycle().openShort()).isEqualByComparingTo("99.9");
      assertThat(state.cycle().nextStep()).isEqualTo(Step.WITHDRAW);
    }

    @Test
    void theSoldLegClosesExactlyTheExecutedShortReduceOnlyAndEndsOnlyThen() {
      shortOpens();
      throughTheTransfer(Leg.INITIAL, "r-upbit", "99.7");
      String sell = current().clientId();
      Decision sold = feed(VenueReplied.order(sell, filled(sell, "99.7", "2900", "144.565", "KRW")));
      assertThat(state.status()).isEqualTo(CycleStatus.STARTED); // not done: the short is still open
      StepRequested close = events(sold, StepRequested.class).get(0);
      assertThat(close.step()).isEqualTo(Step.HEDGE_CLOSE);
      assertThat(close.perp().side()).isEqualTo(OrderSide.BUY);
      assertThat(close.perp().reduceOnly()).isTrue();
      assertThat(close.perp().quantity()).isEqualByComparingTo("99.9"); // the short, not the 99.7 sold
      assertThat(effects(sold, PlacePerpOrder.class)).singleElement()
          .satisfies(p -> assertThat(p.leverage()).isZero());

      String c = current().clientId();
      Decision closed = feed(VenueReplied.order(c, filled(c, "99.9", "1.98", "0.098901", "USDT")));
      assertThat(state.status()).isEqualTo(CycleStatus.INITIAL_TRADE_COMPLETED);
      assertThat(state.cycle().openShort()).isZero();
      assertThat(effects(closed, CycleEffect.CancelTimer.class))
          .anySatisfy(t -> assertThat(t.kind()).isEqualTo(TimerKind.POSITION_CHECK));
      assertThat(effects(closed, CycleEffect.FetchMarket.class)).hasSize(1);
    }

    @Test
    void bothLegsHedgedSettleWithTheHedgesPnlAndFees() {
      shortOpens();
      throughTheTransfer(Leg.INITIAL, "r-upbit", "99.7");
      String sell = current().clientId();
      feed(VenueReplied.order(sell, filled(sell, "99.7", "2900", "144.565", "KRW")));
      String c = current().clientId();
      // initial hedge: (2.00 − 1.98) × 99.9 = 1.998 USDT, fees 0.0999 + 0.098901
      feed(VenueReplied.order(c, filled(c, "99.9", "1.98", "0.098901", "USDT")));

      Decision rb = feed(new MarketSnapshot(quotes("2820", "2.02")));
      assertThat(events(rb, CycleEvent.RebalanceStarted.class)).singleElement()
          .satisfies(e -> assertThat(e.hedged()).isTrue());
      String b = current().clientId();
      Decision rbBuy = feed(VenueReplied.order(b, filled(b, "102.4", "2820", "144.38", "KRW")));
      assertThat(events(rbBuy, StepRequested.class)).singleElement().satisfies(e -> {
        assertThat(e.step()).isEqualTo(Step.HEDGE_OPEN);
        assertThat(e.leg()).isEqualTo(Leg.REBALANCE);
        assertThat(e.perp().quantity()).isEqualByComparingTo("102.4"); // Upbit's fee is in KRW
      });
      String h = current().clientId();
      // rebalance hedge: (2.01 − 2.02) × 102.4 = −1.024 USDT, fees 0.102912 + 0.103424
      feed(VenueReplied.order(h, filled(h, "102.4", "2.01", "0.102912", "USDT")));
      throughTheTransfer(Leg.REBALANCE, "r-binance", "101.4");
      String s = current().clientId();
      feed(VenueReplied.order(s, filled(s, "101.4", "2.02", "0.204828", "USDT")));
      assertThat(state.status()).isEqualTo(CycleStatus.REBALANCING_IN_PROGRESS);
      String rc = current().clientId();
      Decision done = feed(VenueReplied.order(rc, filled(rc, "102.4", "2.02", "0.103424", "USDT")));

      CycleCompleted completed = events(done, CycleCompleted.class).get(0);
      assertThat(completed.hedgePnlUsdt()).isEqualByComparingTo("0.974");
      assertThat(completed.hedgeFeesUsdt()).isEqualByComparingTo("0.405137");
      // unhedged the same trades made 4.623172 USDT (CycleRulesTest); the hedge adds 0.974 − 0.405137
      assertThat(completed.netProfitQuote()).isEqualByComparingTo("5.192035");
      assertThat(completed.netProfitKrw()).isEqualByComparingTo("7268.849");
      assertThat(effects(done, ReleaseCapital.class)).singleElement()
          .satisfies(r -> assertThat(r.realizedPnlKrw()).isEqualByComparingTo("7268.849"));
      assertThat(state.status()).isEqualTo(CycleStatus.COMPLETED);
    }
  }

  // ---- the futures venue refuses or fails

  @Nested
  class Refusals {
    @Test
    void aCoinWithoutAPerpetualTradesUnhedgedRecordedAndToldAtInfo() {
      buyFills();
      String h = current().clientId();
      Decision d = feed(VenueReplied.failed(h, FailureClass.PERMANENT, "BINANCE PERMANENT [perp-not-listed] no XRPUSDT",
          "perp-not-listed"));
      assertThat(events(d, HedgeSkipped.class)).singleElement().satisfies(e -> {
        assertThat(e.leg()).isEqualTo(Leg.INITIAL);
        assertThat(e.reason()).contains("perp-not-listed");
      });
      assertThat(events(d, StepFailed.class)).isEmpty();
      assertThat(alerts(d, AlertKind.HEDGE_SKIPPED)).singleElement()
          .satisfies(a -> assertThat(a.severity()).isEqualTo(Alert.Severity.INFO));
      assertThat(effects(d, ResolveAddress.class)).hasSize(1); // the leg goes on
      assertThat(state.cycle().legHedged()).isFalse();
      assertThat(current()).isNull();

      throughTheTransfer(Leg.INITIAL, "r-upbit", "99.7");
      String sell = current().clientId();
      feed(VenueReplied.order(sell, filled(sell, "99.7", "2900", "144.565", "KRW")));
      assertThat(state.status()).isEqualTo(CycleStatus.INITIAL_TRADE_COMPLETED); // no close to wait for
    }

    @Test
    void aQuantityBelowTheContractsMinimumTradesUnhedged() {
      buyFills();
      String h = current().clientId();
      Decision d = feed(VenueReplied.failed(h, FailureClass.PERMANENT, "below", "below-minimum"));
      assertThat(events(d, HedgeSkipped.class)).hasSize(1);
      assertThat(state.cycle().nextStep()).isEqualTo(Step.WITHDRAW);
    }

    @Test
    void anyOtherPermanentFailureDeadLettersWithALongWithoutAShortAndRecoverResumesAtTheShort() {
      buyFills();
      String h = current().clientId();
      Decision d = feed(VenueReplied.failed(h, FailureClass.PERMANENT, "BINANCE PERMANENT [-2019] Margin is insufficient.",
          "-2019"));
      assertThat(events(d, HedgeSkipped.class)).isEmpty();
      assertThat(events(d, CycleDeadLettered.class)).singleElement()
          .satisfies(e -> assertThat(e.reason()).contains("-2019").contains("long without a short"));
      assertThat(alerts(d, AlertKind.HEDGE_EXPOSED)).singleElement().satisfies(a -> {
        assertThat(a.severity()).isEqualTo(Alert.Severity.CRITICAL);
        assertThat(a.title()).isEqualTo("long without a short: 99.9 XRP unhedged on BINANCE");
      });
      assertThat(effects(d, RegisterDeadLetter.class)).singleElement()
          .satisfies(r -> assertThat(r.entry().step()).isEqualTo(Step.HEDGE_OPEN));
      assertThat(state.status()).isEqualTo(CycleStatus.DEAD_LETTER);

      Decision recovered = feed(new Recover(ID, "ops"));
      assertThat(recovered.reply().message()).contains("HEDGE_OPEN");
      assertThat(effects(recovered, PlacePerpOrder.class)).singleElement().satisfies(p -> {
        assertThat(p.request().clientId()).isEqualTo(ClientIds.of(ID, Leg.INITIAL, Step.HEDGE_OPEN, 2));
        assertThat(p.request().quantity()).isEqualByComparingTo("99.9");
      });
    }

    @Test
    void aTransientFailureRetriesTheShortWithTheCyclesBackoff() {
      buyFills();
      String h = current().clientId();
      Decision d = feed(VenueReplied.failed(h, FailureClass.TRANSIENT, "429", "429"));
      assertThat(events(d, RetryScheduled.class)).singleElement()
          .satisfies(r -> assertThat(r.nextRetryAt()).isEqualTo(T0.plus(Duration.ofMinutes(10))));
      now = T0.plus(Duration.ofMinutes(10));
      Decision retry = feed(new TimerFired(TimerKind.RETRY_DUE, ID.toString()));
      assertThat(effects(retry, PlacePerpOrder.class)).singleElement()
          .satisfies(p -> assertThat(p.request().clientId()).isEqualTo(ClientIds.of(ID, Leg.INITIAL, Step.HEDGE_OPEN, 2)));
    }

    @Test
    void anUnknownOutcomeIsQueriedByClientIdAndAFoundShortIsNotSentAgain() {
      buyFills();
      String h = current().clientId();
      Decision d = feed(VenueReplied.failed(h, FailureClass.UNKNOWN_OUTCOME, "timeout"));
      assertThat(events(d, StepOutcomeUnknown.class)).hasSize(1);
      assertThat(effects(d, PlacePerpOrder.class)).isEmpty();
      Decision q = feed(new TimerFired(TimerKind.RECONCILE_DUE, h));
      assertThat(effects(q, ReconcilePerpOrder.class)).singleElement()
          .isEqualTo(new ReconcilePerpOrder("XRP", h));
      Decision found = feed(new Reconciled(h, true, filled(h, "99.9", "2.00", "0.0999", "USDT"), null, null));
      assertThat(events(found, StepCompleted.class)).singleElement()
          .satisfies(e -> assertThat(e.step()).isEqualTo(Step.HEDGE_OPEN));
      assertThat(effects(found, PlacePerpOrder.class)).isEmpty();
    }

    @Test
    void anUnknownOutcomeTheVenueNeverSawIsAFailureNotASilentResend() {
      buyFills();
      String h = current().clientId();
      feed(VenueReplied.failed(h, FailureClass.UNKNOWN_OUTCOME, "timeout"));
      now = T0.plus(Duration.ofSeconds(11));
      Decision d = feed(new Reconciled(h, false, null, null, null));
      assertThat(events(d, StepFailed.class)).singleElement()
          .satisfies(e -> assertThat(e.failureClass()).isEqualTo(FailureClass.TRANSIENT));
      assertThat(effects(d, PlacePerpOrder.class)).isEmpty();
    }

    @Test
    void aSellFailingForGoodWhileTheShortIsOpenSaysSoAndRecoverGoesOnToTheClose() {
      shortOpens();
      throughTheTransfer(Leg.INITIAL, "r-upbit", "99.7");
      String sell = current().clientId();
      Decision d = feed(VenueReplied.failed(sell, FailureClass.PERMANENT, "market closed", "-1013"));
      assertThat(events(d, CycleDeadLettered.class)).singleElement()
          .satisfies(e -> assertThat(e.reason()).contains("the short of 99.9 XRP is still open"));
      assertThat(alerts(d, AlertKind.HEDGE_EXPOSED)).singleElement()
          .satisfies(a -> assertThat(a.title()).contains("the short of 99.9 XRP is still open"));

      Decision recovered = feed(new Recover(ID, "ops"));
      assertThat(effects(recovered, PlaceOrder.class)).singleElement()
          .satisfies(p -> assertThat(p.request().clientId()).isEqualTo(ClientIds.of(ID, Leg.INITIAL, Step.SELL, 2)));
      String s2 = current().clientId();
      Decision sold = feed(VenueReplied.order(s2, filled(s2, "99.7", "2900", "144.565", "KRW")));
      assertThat(effects(sold, PlacePerpOrder.class)).singleElement()
          .satisfies(p -> assertThat(p.request().reduceOnly()).isTrue());
    }

    @Test
    void aWithdrawalFailingForGoodWhileTheShortIsOpenSaysSo() {
      shortOpens();
      Decision d = feed(new CycleInput.AddressFailed(ID, Leg.INITIAL, FailureClass.PERMANENT, "suspended"));
      assertThat(events(d, CycleDeadLettered.class)).singleElement()
          .satisfies(e -> assertThat(e.reason()).contains("the short of 99.9 XRP is still open"));
      Decision recovered = feed(new Recover(ID, "ops"));
      assertThat(effects(recovered, ResolveAddress.class)).hasSize(1);
    }

    @Test
    void aCloseFailingForGoodIsAShortWithoutALong() {
      shortOpens();
      throughTheTransfer(Leg.INITIAL, "r-upbit", "99.7");
      String sell = current().clientId();
      feed(VenueReplied.order(sell, filled(sell, "99.7", "2900", "144.565", "KRW")));
      String c = current().clientId();
      Decision d = feed(VenueReplied.failed(c, FailureClass.PERMANENT, "-2022 ReduceOnly Order is rejected", "-2022"));
      assertThat(alerts(d, AlertKind.HEDGE_EXPOSED)).singleElement().satisfies(a -> {
        assertThat(a.severity()).isEqualTo(Alert.Severity.CRITICAL);
        assertThat(a.title()).contains("short without a long").contains("99.9 XRP");
      });
    }
  }

  // ---- discard, recovery and the position check

  @Nested
  class Safety {
    private void deadLetterWithTheShortOpen() {
      shortOpens();
      feed(new CycleInput.AddressFailed(ID, Leg.INITIAL, FailureClass.PERMANENT, "suspended"));
      assertThat(state.status()).isEqualTo(CycleStatus.DEAD_LETTER);
    }

    @Test
    void discardClosesTheOpenShortFirstThenFailsTheCycleAndReleasesItsCapital() {
      deadLetterWithTheShortOpen();
      Decision d = feed(new Discard(ID, "venue suspended XRP"));
      assertThat(d.reply().accepted()).isTrue();
      assertThat(d.reply().message()).contains("closing the short of 99.9 XRP");
      assertThat(events(d, DiscardStarted.class)).hasSize(1);
      assertThat(events(d, CycleDiscarded.class)).isEmpty();
      StepRequested close = events(d, StepRequested.class).get(0);
      assertThat(close.step()).isEqualTo(Step.HEDGE_CLOSE);
      assertThat(close.perp().reduceOnly()).isTrue();
      assertThat(close.perp().quantity()).isEqualByComparingTo("99.9");
      assertThat(effects(d, PlacePerpOrder.class)).hasSize(1);
      assertThat(effects(d, ReleaseCapital.class)).isEmpty();
      assertThat(state.status()).isEqualTo(CycleStatus.STARTED);

      String c = current().clientId();
      Decision closed = feed(VenueReplied.order(c, filled(c, "99.9", "2.01", "0.1", "USDT")));
      assertThat(events(closed, CycleDiscarded.class)).singleElement()
          .satisfies(e -> assertThat(e.reason()).isEqualTo("venue suspended XRP"));
      assertThat(state.status()).isEqualTo(CycleStatus.FAILED);
      assertThat(state.cycle().openShort()).isZero();
      assertThat(effects(closed, ReleaseCapital.class)).hasSize(1);
    }

    @Test
    void aDiscardsCloseThatFailsTransientlyIsRetriedAndStillDiscards() {
      deadLetterWithTheShortOpen();
      feed(new Discard(ID, "gone"));
      String c = current().clientId();
      feed(VenueReplied.failed(c, FailureClass.TRANSIENT, "429", "429"));
      assertThat(state.status()).isEqualTo(CycleStatus.AWAITING_RETRY);
      now = T0.plus(Duration.ofMinutes(10));
      Decision retry = feed(new TimerFired(TimerKind.RETRY_DUE, ID.toString()));
      assertThat(effects(retry, PlacePerpOrder.class)).singleElement()
          .satisfies(p -> assertThat(p.request().reduceOnly()).isTrue());
      assertThat(effects(retry, ResolveAddress.class)).isEmpty(); // nothing else of the leg runs
      String c2 = current().clientId();
      feed(VenueReplied.order(c2, filled(c2, "99.9", "2.01", "0.1", "USDT")));
      assertThat(state.status()).isEqualTo(CycleStatus.FAILED);
    }

    @Test
    void discardWithTheShortsOutcomeUnknownFindsItFirstThenClosesIt() {
      // one failure dead-letters: the short's outcome is still unknown when the cycle reaches the operator
      rules = new CycleRules(settings.withRetry(new CycleSettings.RetryPolicy(Duration.ofMinutes(10), 1, 1)), ids::poll);
      buyFills();
      String h = current().clientId();
      feed(VenueReplied.failed(h, FailureClass.UNKNOWN_OUTCOME, "timeout"));
      now = T0.plus(Duration.ofMinutes(2));
      feed(new Reconciled(h, false, null, null, "503"));
      assertThat(state.status()).isEqualTo(CycleStatus.DEAD_LETTER);
      assertThat(state.cycle().hedgeInFlight()).isTrue();
      assertThat(state.cycle().openShort()).isZero();

      Decision d = feed(new Discard(ID, "gone"));
      assertThat(events(d, DiscardStarted.class)).hasSize(1);
      assertThat(events(d, CycleDiscarded.class)).isEmpty();
      assertThat(effects(d, ReconcilePerpOrder.class)).singleElement().isEqualTo(new ReconcilePerpOrder("XRP", h));
      assertThat(effects(d, PlacePerpOrder.class)).isEmpty();
      // the short had opened: it is recorded, then closed
      Decision found = feed(new Reconciled(h, true, filled(h, "99.9", "2.00", "0.0999", "USDT"), null, null));
      assertThat(effects(found, PlacePerpOrder.class)).singleElement().satisfies(p -> {
        assertThat(p.request().reduceOnly()).isTrue();
        assertThat(p.request().quantity()).isEqualByComparingTo("99.9");
      });
      assertThat(effects(found, ResolveAddress.class)).isEmpty();
      String c = current().clientId();
      feed(VenueReplied.order(c, filled(c, "99.9", "2.01", "0.1", "USDT")));
      assertThat(state.status()).isEqualTo(CycleStatus.FAILED);
    }

    @Test
    void discardWithTheShortsOutcomeUnknownDiscardsOnceTheVenueHasNone() {
      rules = new CycleRules(settings.withRetry(new CycleSettings.RetryPolicy(Duration.ofMinutes(10), 1, 1)), ids::poll);
      buyFills();
      String h = current().clientId();
      feed(VenueReplied.failed(h, FailureClass.UNKNOWN_OUTCOME, "timeout"));
      now = T0.plus(Duration.ofMinutes(2));
      feed(new Reconciled(h, false, null, null, "503"));
      feed(new Discard(ID, "gone"));
      Decision none = feed(new Reconciled(h, false, null, null, null));
      assertThat(events(none, CycleDiscarded.class)).hasSize(1);
      assertThat(effects(none, PlacePerpOrder.class)).isEmpty();
      assertThat(effects(none, ReleaseCapital.class)).hasSize(1);
      assertThat(state.status()).isEqualTo(CycleStatus.FAILED);
    }

    @Test
    void discardWithoutAShortClosesAtOnce() {
      buyFills();
      String h = current().clientId();
      feed(VenueReplied.failed(h, FailureClass.PERMANENT, "-2019", "-2019"));
      Decision d = feed(new Discard(ID, "no margin"));
      assertThat(events(d, CycleDiscarded.class)).hasSize(1);
      assertThat(effects(d, PlacePerpOrder.class)).isEmpty();
      assertThat(state.status()).isEqualTo(CycleStatus.FAILED);
    }

    @Test
    void theOpenShortIsComparedWithTheVenuesPositionEveryInterval() {
      shortOpens();
      Decision due = feed(new TimerFired(TimerKind.POSITION_CHECK, ID.toString()));
      assertThat(effects(due, CheckPosition.class)).singleElement().isEqualTo(new CheckPosition("XRP"));
      assertThat(effects(due, ScheduleTimer.class)).singleElement()
          .satisfies(t -> assertThat(t.kind()).isEqualTo(TimerKind.POSITION_CHECK));
      assertThat(feed(shortOf("99.9")).isEmpty()).isTrue();
      // another cycle may hedge the same coin: a larger short is not this cycle's mismatch
      assertThat(feed(shortOf("150")).isEmpty()).isTrue();
      // a failed read is asked again at the next interval
      assertThat(feed(new PositionSeen("XRP", null, "timeout")).isEmpty()).isTrue();
    }

    @Test
    void aSmallerShortThanTheCyclesIsRecordedAndDeadLettersNamingTheNakedSize() {
      shortOpens();
      Decision d = feed(shortOf("40"));
      assertThat(events(d, HedgeMismatch.class)).singleElement().satisfies(e -> {
        assertThat(e.expected()).isEqualByComparingTo("99.9");
        assertThat(e.seen()).isEqualByComparingTo("40");
      });
      assertThat(events(d, CycleDeadLettered.class)).hasSize(1);
      assertThat(alerts(d, AlertKind.HEDGE_EXPOSED)).singleElement().satisfies(a -> {
        assertThat(a.severity()).isEqualTo(Alert.Severity.CRITICAL);
        assertThat(a.title()).contains("59.9 XRP unhedged");
      });
      assertThat(effects(d, RegisterDeadLetter.class)).hasSize(1);
      assertThat(state.status()).isEqualTo(CycleStatus.DEAD_LETTER);
      // the same reading again changes nothing; a flat position is recorded once more
      assertThat(feed(shortOf("40")).isEmpty()).isTrue();
      Decision flat = feed(new PositionSeen("XRP", PerpPosition.flat("XRP"), null));
      assertThat(events(flat, HedgeMismatch.class)).hasSize(1);
      assertThat(events(flat, CycleDeadLettered.class)).isEmpty();
    }

    @Test
    void noCheckWithoutAnOpenShort() {
      buyFills();
      assertThat(feed(new TimerFired(TimerKind.POSITION_CHECK, ID.toString())).isEmpty()).isTrue();
      assertThat(feed(shortOf("0")).isEmpty()).isTrue();
    }

    @Test
    void aRestartWithTheShortOpenChecksThePositionAndWatchesIt() {
      shortOpens();
      Decision d = wake();
      assertThat(effects(d, CheckPosition.class)).hasSize(1);
      assertThat(effects(d, ScheduleTimer.class))
          .anySatisfy(t -> assertThat(t.kind()).isEqualTo(TimerKind.POSITION_CHECK));
    }

    @Test
    void aRestartWithTheShortInFlightReconcilesItByClientIdAndChecksThePosition() {
      buyFills();
      String h = current().clientId();
      Decision d = wake();
      assertThat(effects(d, ReconcilePerpOrder.class)).singleElement().isEqualTo(new ReconcilePerpOrder("XRP", h));
      assertThat(effects(d, CheckPosition.class)).hasSize(1);
      assertThat(effects(d, PlacePerpOrder.class)).isEmpty();
      // while the short's outcome is unknown, the position proves nothing
      assertThat(feed(flatPosition()).isEmpty()).isTrue();
      // the intent was persisted but the order never reached the venue: one new attempt
      now = T0.plus(Duration.ofSeconds(11));
      Decision notThere = feed(new Reconciled(h, false, null, null, null));
      assertThat(events(notThere, StepNotPlaced.class)).hasSize(1);
      assertThat(effects(notThere, PlacePerpOrder.class)).singleElement()
          .satisfies(p -> assertThat(p.request().clientId()).isEqualTo(ClientIds.of(ID, Leg.INITIAL, Step.HEDGE_OPEN, 2)));
    }

    private PositionSeen flatPosition() {
      return new PositionSeen("XRP", PerpPosition.flat("XRP"), null);
    }
  }
}
