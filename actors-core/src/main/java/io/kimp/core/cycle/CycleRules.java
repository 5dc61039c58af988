package io.kimp.core.cycle;

import static io.kimp.core.cycle.CycleInput.TimerKind.POLL_DUE;
import static io.kimp.core.cycle.CycleInput.TimerKind.POSITION_CHECK;
import static io.kimp.core.cycle.CycleInput.TimerKind.REBALANCE_CHECK;
import static io.kimp.core.cycle.CycleInput.TimerKind.RECONCILE_DUE;
import static io.kimp.core.cycle.CycleInput.TimerKind.REDELIVER;
import static io.kimp.core.cycle.CycleInput.TimerKind.RETRY_DUE;
import static io.kimp.core.cycle.CycleInput.TimerKind.STEP_DEADLINE;

import io.kimp.core.alert.Alert;
import io.kimp.core.alert.AlertKind;
import io.kimp.core.cycle.CycleEffect.CancelOrder;
import io.kimp.core.cycle.CycleEffect.CancelTimer;
import io.kimp.core.cycle.CycleEffect.CheckPosition;
import io.kimp.core.cycle.CycleEffect.PlacePerpOrder;
import io.kimp.core.cycle.CycleEffect.ReconcilePerpOrder;
import io.kimp.core.cycle.CycleEffect.DeadLetterEntry;
import io.kimp.core.cycle.CycleEffect.FetchMarket;
import io.kimp.core.cycle.CycleEffect.PlaceOrder;
import io.kimp.core.cycle.CycleEffect.PollTransfer;
import io.kimp.core.cycle.CycleEffect.PublishAlert;
import io.kimp.core.cycle.CycleEffect.ReconcileOrder;
import io.kimp.core.cycle.CycleEffect.ReconcileWithdrawal;
import io.kimp.core.cycle.CycleEffect.RegisterDeadLetter;
import io.kimp.core.cycle.CycleEffect.ReleaseCapital;
import io.kimp.core.cycle.CycleEffect.ReserveCapital;
import io.kimp.core.cycle.CycleEffect.ResolveAddress;
import io.kimp.core.cycle.CycleEffect.ScheduleTimer;
import io.kimp.core.cycle.CycleEffect.Withdraw;
import io.kimp.core.cycle.CycleEvent.CapitalRefused;
import io.kimp.core.cycle.CycleEvent.CapitalReleased;
import io.kimp.core.cycle.CycleEvent.CapitalRequested;
import io.kimp.core.cycle.CycleEvent.CycleCompleted;
import io.kimp.core.cycle.CycleEvent.CycleDeadLettered;
import io.kimp.core.cycle.CycleEvent.CycleDiscarded;
import io.kimp.core.cycle.CycleEvent.CycleRecovered;
import io.kimp.core.cycle.CycleEvent.CycleStarted;
import io.kimp.core.cycle.CycleEvent.DeadLetterRegistered;
import io.kimp.core.cycle.CycleEvent.DiscardStarted;
import io.kimp.core.cycle.CycleEvent.HedgeMismatch;
import io.kimp.core.cycle.CycleEvent.HedgeSkipped;
import io.kimp.core.cycle.CycleEvent.RebalanceDeferred;
import io.kimp.core.cycle.CycleEvent.RebalanceOverdue;
import io.kimp.core.cycle.CycleEvent.RebalanceStarted;
import io.kimp.core.cycle.CycleEvent.RetryScheduled;
import io.kimp.core.cycle.CycleEvent.RetryStarted;
import io.kimp.core.cycle.CycleEvent.StepCompleted;
import io.kimp.core.cycle.CycleEvent.StepFailed;
import io.kimp.core.cycle.CycleEvent.StepNotPlaced;
import io.kimp.core.cycle.CycleEvent.StepOutcomeUnknown;
import io.kimp.core.cycle.CycleEvent.StepRequested;
import io.kimp.core.cycle.CycleInput.AddressFailed;
import io.kimp.core.cycle.CycleInput.AddressResolved;
import io.kimp.core.cycle.CycleInput.CapitalDenied;
import io.kimp.core.cycle.CycleInput.CapitalGranted;
import io.kimp.core.cycle.CycleInput.CapitalReleaseAcked;
import io.kimp.core.cycle.CycleInput.DeadLetterAcked;
import io.kimp.core.cycle.CycleInput.Discard;
import io.kimp.core.cycle.CycleInput.Get;
import io.kimp.core.cycle.CycleInput.MarketSnapshot;
import io.kimp.core.cycle.CycleInput.PositionSeen;
import io.kimp.core.cycle.CycleInput.Reconciled;
import io.kimp.core.cycle.CycleInput.Recover;
import io.kimp.core.cycle.CycleInput.Start;
import io.kimp.core.cycle.CycleInput.TimerFired;
import io.kimp.core.cycle.CycleInput.TimerKind;
import io.kimp.core.cycle.CycleInput.TransferPolled;
import io.kimp.core.cycle.CycleInput.VenueReplied;
import io.kimp.core.cycle.journal.DepositSeen;
import io.kimp.core.cycle.journal.FilledOrder;
import io.kimp.core.cycle.journal.OpportunityAtStart;
import io.kimp.core.cycle.journal.OrderIntent;
import io.kimp.core.cycle.journal.PerpOrderIntent;
import io.kimp.core.cycle.journal.RebalanceChoice;
import io.kimp.core.cycle.journal.WithdrawalIntent;
import io.kimp.core.cycle.journal.WithdrawalSent;
import io.kimp.core.market.Direction;
import io.kimp.core.market.Venue;
import io.kimp.core.strategy.Opportunity;
import io.kimp.core.strategy.RebalancePlan;
import io.kimp.core.strategy.RebalancePlanner;
import io.kimp.core.strategy.TransferRule;
import io.kimp.core.venue.Deposit;
import io.kimp.core.venue.DepositAddress;
import io.kimp.core.venue.DepositStatus;
import io.kimp.core.venue.FailureClass;
import io.kimp.core.venue.OrderRequest;
import io.kimp.core.venue.OrderResult;
import io.kimp.core.venue.OrderStatus;
import io.kimp.core.venue.PerpOrderRequest;
import io.kimp.core.venue.PerpPosition;
import io.kimp.core.venue.WithdrawalRequest;
import io.kimp.core.venue.WithdrawalResult;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The cycle's transition rules: a pure function from (state, input, now) to a {@link Decision}, and the event fold
 * {@link #apply}. No I/O, no clock, no randomness of its own (cycle ids come from the injected supplier): the entity wraps
 * it with a journal and real venues, the backtester with a simulated clock and venue.
 *
 * <p>Handlers are grouped by state ({@link #idle}, {@link #legRunning}, {@link #choosingRebalance}, {@link #settling},
 * {@link #awaitingRetry}, {@link #deadLetter}); {@link #decide} dispatches on the status.
 */
public final class CycleRules {
  private static final MathContext MC = MathContext.DECIMAL64;
  private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);
  /** A deposit matches a withdrawal when its amount is within this fraction of the expected amount. */
  private static final BigDecimal DEPOSIT_TOLERANCE = new BigDecimal("0.001");
  /** Deposits created this long before the withdrawal request still count (venue clocks differ). */
  private static final Duration CLOCK_SKEW = Duration.ofMinutes(5);
  /** The futures venue's codes for a short it cannot open at all: the leg goes on unhedged. */
  static final String PERP_NOT_LISTED = "perp-not-listed";
  static final String BELOW_MINIMUM = "below-minimum";
  /** Where the transfer hedge's perpetual trades (Binance USDT-M). */
  static final Venue FUTURES_VENUE = Venue.BINANCE;

  private final CycleSettings settings;
  private final Supplier<UUID> ids;

  public CycleRules(CycleSettings settings, Supplier<UUID> ids) {
    this.settings = settings;
    this.ids = ids;
  }

  public CycleRules(CycleSettings settings) {
    this(settings, UUID::randomUUID);
  }

  public CycleSettings settings() {
    return settings;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // decide

  /** The decision for {@code input} in {@code state} at {@code now}. */
  public Decision decide(CycleState state, CycleInput input, Instant now) {
    if (input instanceof Get) {
      return Decision.reply(CycleReply.view(state));
    }
    if (input instanceof CycleInput.Wake) {
      return onRecovery(state, now);
    }
    if (input instanceof TimerFired t && t.kind() == POSITION_CHECK) {
      return onPositionCheckDue(state);
    }
    if (input instanceof PositionSeen p) {
      return onPositionSeen(state, p, now);
    }
    switch (state.status()) {
      case IDLE:
      case COMPLETED:
      case FAILED:
        return idle(state, input, now);
      case STARTED:
      case REBALANCING_IN_PROGRESS:
        return legRunning(state, input, now);
      case INITIAL_TRADE_COMPLETED:
      case AWAITING_REBALANCE:
        return choosingRebalance(state, input, now);
      case REBALANCE_TRADE_COMPLETED:
        return settling(state, input, now);
      case AWAITING_RETRY:
        return awaitingRetry(state, input, now);
      case DEAD_LETTER:
        return deadLetter(state, input, now);
      default:
        throw new IllegalStateException("unknown status " + state.status());
    }
  }

  /**
   * The amount a new cycle asks for when the portfolio has said what it would grant ({@code sizeKrw}): that, no more
   * than the opportunity's own limit, in whole KRW, as the portfolio's sizing rounds. Null (nothing prepared) without it.
   */
  static BigDecimal preparedSize(BigDecimal sizeKrw, BigDecimal opportunityLimitKrw) {
    if (sizeKrw == null) {
      return null;
    }
    BigDecimal size = opportunityLimitKrw == null ? sizeKrw : sizeKrw.min(opportunityLimitKrw);
    size = size.setScale(0, java.math.RoundingMode.DOWN);
    return size.signum() > 0 ? size : null;
  }

  /**
   * The client id of the order a {@code CapitalRequested} with a prepared amount is the intent of: attempt 1 of the
   * initial leg's BUY, the first step of every cycle. Until that step's own {@code StepRequested} is durable, the
   * request is the only record of it in the journal (the start-up check of the paper ledger counts it as its intent).
   */
  public static String preparedFirstOrderClientId(UUID cycleId) {
    return ClientIds.of(cycleId, Leg.INITIAL, Step.BUY, 1);
  }

  /**
   * The cycle was granted exactly what its {@code CapitalRequested} prepared, so that event is already the durable
   * intent of its first order (attempt 1 of the initial leg's first step: the same client id, venue and budget that
   * {@link #advance} makes now). A fresh grant sends it at once, while the step's {@code StepRequested} is written (an
   * eager effect). A grant found again after a restart cannot know whether the incarnation before sent it: the order is
   * reconciled with the venue first, as any intent found unresolved after a restart.
   */
  private void firstOrderPrepared(Cycle started, boolean resumed, Instant now, Decision.Builder d) {
    Decision.Builder first = new Decision.Builder();
    advance(started, now, first);
    Cycle c = started;
    for (CycleEvent e : first.events) {
      d.event(e);
      c = applyTo(c, e);
    }
    if (resumed) {
      resume(c, now, d); // as onRecovery does with an unresolved intent
      return;
    }
    for (CycleEffect x : first.effects) {
      if (x instanceof PlaceOrder) {
        d.eager(x);
      } else {
        d.effect(x);
      }
    }
  }

  /** IDLE, COMPLETED and FAILED: no open cycle. Starts cycles; finishes handing the last one's capital back. */
  private Decision idle(CycleState state, CycleInput input, Instant now) {
    Cycle last = state.cycle();
    CycleState.CapitalRequest pending = state.capitalRequest();
    if (input instanceof Start start) {
      if (pending != null) {
        return Decision.reply(
            CycleReply.refused(pending.cycleId(),
                "duplicate: capital for cycle " + pending.cycleId() + " is being reserved"));
      }
      if (last != null && !last.capitalReleased()) {
        return Decision.reply(
            CycleReply.refused(last.cycleId(), "previous cycle " + last.cycleId() + " is still releasing its capital"));
      }
      Opportunity opp = start.opportunity();
      if (!opp.symbol().equals(state.symbol())) {
        return Decision.reply(
            CycleReply.refused(null, "opportunity for " + opp.symbol() + " sent to " + state.symbol()));
      }
      if (opp.usdtKrw() == null || opp.usdtKrw().signum() <= 0) {
        return Decision.reply(CycleReply.refused(null, "opportunity has no USDT/KRW rate"));
      }
      UUID cycleId = ids.get();
      BigDecimal prepared = preparedSize(start.sizeKrw(), opp.maxSizeKrw());
      // asked while the request is written (an eager effect): a request that never becomes durable leaves a
      // reservation the portfolio's audit releases
      return new Decision.Builder()
          .event(new CapitalRequested(cycleId, state.symbol(), OpportunityAtStart.of(opp), now, prepared))
          .eager(new ReserveCapital(cycleId, opp, prepared != null ? prepared : opp.maxSizeKrw(), false))
          .build();
    }
    if (input instanceof CapitalGranted granted) {
      if (pending == null || !pending.cycleId().equals(granted.cycleId())) {
        return Decision.none(); // an answer to a request already settled (e.g. asked again by recovery)
      }
      if (last != null && !last.capitalReleased()) {
        // cannot happen while the entity serializes starts; refuse rather than open a second cycle
        return Decision.reply(CycleReply.refused(granted.cycleId(), "previous cycle still open"));
      }
      Opportunity opp = granted.opportunity();
      BigDecimal quote =
          opp.direction() == Direction.KIMCHI
              ? granted.amountKrw().divide(opp.usdtKrw(), MC)
              : granted.amountKrw();
      CycleStarted started =
          new CycleStarted(
              granted.cycleId(), state.symbol(), OpportunityAtStart.of(opp), granted.amountKrw(), quote,
              opp.usdtKrw(), now, hedgedFlag());
      Decision.Builder d = new Decision.Builder().event(started);
      CycleState next = apply(state, started);
      if (pending.preparedKrw() == null || pending.preparedKrw().compareTo(granted.amountKrw()) != 0) {
        advance(next.cycle(), now, d); // the first order is sent once its intent is written, as every other
      } else {
        firstOrderPrepared(next.cycle(), granted.resumed(), now, d);
      }
      return d.reply(CycleReply.accepted(granted.cycleId(), "cycle started")).build();
    }
    if (input instanceof CapitalDenied denied) {
      if (pending == null || !pending.cycleId().equals(denied.cycleId())) {
        return Decision.none();
      }
      return new Decision.Builder()
          .event(new CapitalRefused(denied.cycleId(), denied.reason(), now))
          .reply(CycleReply.refused(denied.cycleId(), denied.reason()))
          .build();
    }
    if (last != null && !last.capitalReleased()) {
      if (input instanceof CapitalReleaseAcked ack && ack.cycleId().equals(last.cycleId())) {
        return new Decision.Builder()
            .event(new CapitalReleased(last.cycleId(), now))
            .effect(new CancelTimer(REDELIVER))
            .build();
      }
      if (input instanceof TimerFired t && t.kind() == REDELIVER) {
        Decision.Builder d = new Decision.Builder();
        release(last, d);
        return d.build();
      }
    }
    return refuseOperatorCommands(state, input);
  }

  /** STARTED and REBALANCING_IN_PROGRESS: a leg is running, one step at a time. */
  private Decision legRunning(CycleState state, CycleInput input, Instant now) {
    Cycle c = state.cycle();
    StepAttempt cur = c.current();
    Decision.Builder d = new Decision.Builder();

    if (input instanceof VenueReplied r) {
      if (!isCurrent(cur, r.clientId()) || !cur.unresolved()) {
        return Decision.none();
      }
      if (r.failure() != null) {
        if (r.failure() == FailureClass.UNKNOWN_OUTCOME) {
          return unknownOutcome(c, cur, r.error(), now, d);
        }
        if (cur.step() == Step.HEDGE_OPEN && r.failure() == FailureClass.PERMANENT
            && (PERP_NOT_LISTED.equals(r.code()) || BELOW_MINIMUM.equals(r.code()))) {
          return skipHedge(state, cur.leg(), r.code() + ": " + r.error(), now, d);
        }
        return fail(c, cur.leg(), cur.step(), cur.clientId(), r.failure(), r.error(), true, r.retryAfter(), now, d);
      }
      return cur.step() == Step.WITHDRAW
          ? onWithdrawal(state, cur, r.withdrawal(), now, d)
          : onOrder(state, cur, r.order(), now, d);
    }
    if (input instanceof Reconciled r) {
      if (!isCurrent(cur, r.clientId()) || !cur.unresolved() || cur.step() == Step.DEPOSIT) {
        return Decision.none();
      }
      if (r.error() != null) {
        return keepReconciling(c, cur, "query failed: " + r.error(), now, d);
      }
      if (r.found()) {
        return cur.step() == Step.WITHDRAW
            ? onWithdrawal(state, cur, r.withdrawal(), now, d)
            : onOrder(state, cur, r.order(), now, d);
      }
      if (now.isBefore(cur.requestedAt().plus(settings.execution().unknownOutcomeGrace()))) {
        return keepReconciling(c, cur, "not found yet", now, d);
      }
      // definitively never placed
      if (cur.unknownSeen()) {
        return fail(
            c, cur.leg(), cur.step(), cur.clientId(), FailureClass.TRANSIENT,
            "the venue has no " + cur.step() + " " + cur.clientId() + " after an unknown outcome", true, now, d);
      }
      // the intent was persisted but the request never reached the venue (crash or retry): send a new attempt
      StepNotPlaced notPlaced = new StepNotPlaced(c.cycleId(), cur.clientId(), now);
      d.event(notPlaced);
      advance(applyTo(c, notPlaced), now, d);
      return d.build();
    }
    if (input instanceof TransferPolled p) {
      if (!isCurrent(cur, p.clientId()) || cur.step() != Step.DEPOSIT) {
        return Decision.none();
      }
      return onTransferPolled(state, cur, p, now, d);
    }
    if (input instanceof AddressResolved a) {
      if (!a.cycleId().equals(c.cycleId()) || a.leg() != c.leg() || c.nextStep() != Step.WITHDRAW
          || (cur != null && cur.unresolved() && cur.leg() == c.leg() && cur.step() == Step.WITHDRAW)) {
        return Decision.none();
      }
      return requestWithdrawal(c, a.address(), now, d);
    }
    if (input instanceof AddressFailed a) {
      if (!a.cycleId().equals(c.cycleId()) || a.leg() != c.leg() || c.nextStep() != Step.WITHDRAW) {
        return Decision.none();
      }
      FailureClass cls = a.failureClass() == FailureClass.PERMANENT ? FailureClass.PERMANENT : FailureClass.TRANSIENT;
      return fail(c, c.leg(), Step.WITHDRAW, null, cls, "deposit address: " + a.reason(), true, now, d);
    }
    if (input instanceof TimerFired t) {
      if (t.kind() == STEP_DEADLINE && isCurrent(cur, t.ref()) && cur.unresolved()) {
        if (cur.step() == Step.DEPOSIT) {
          // one last look before calling the transfer stuck
          return d.effect(pollTransfer(c, cur)).build();
        }
        if (!cur.unknownSeen()) {
          d.event(
              new StepOutcomeUnknown(
                  c.cycleId(), cur.clientId(), "no answer within " + timeoutOf(cur.step()), now));
        }
        return d.effect(reconcile(cur)).build();
      }
      if (t.kind() == RECONCILE_DUE && isCurrent(cur, t.ref()) && cur.unresolved() && cur.step() != Step.DEPOSIT) {
        return d.effect(reconcile(cur)).build();
      }
      if (t.kind() == POLL_DUE && isCurrent(cur, t.ref()) && cur.step() == Step.DEPOSIT) {
        return d.effect(pollTransfer(c, cur)).build();
      }
      return Decision.none();
    }
    if (input instanceof Start) {
      return refuseDuplicate(c);
    }
    return refuseOperatorCommands(state, input);
  }

  /** INITIAL_TRADE_COMPLETED and AWAITING_REBALANCE: waiting for a coin that carries the capital home profitably. */
  private Decision choosingRebalance(CycleState state, CycleInput input, Instant now) {
    Cycle c = state.cycle();
    Decision.Builder d = new Decision.Builder();
    if (input instanceof MarketSnapshot m) {
      BigDecimal held = initialProceeds(c);
      Venue from = c.direction().sellVenue();
      Optional<RebalancePlan> best =
          RebalancePlanner.best(from, held, c.investmentQuote(), m.quotes().values(), settings.costs());
      BigDecimal minProfit =
          m.finalizerMinProfitPercent() != null ? m.finalizerMinProfitPercent() : settings.rebalance().finalizerMinProfitPercent();
      if (best.isPresent() && best.get().expectedProfitPercent().compareTo(minProfit) >= 0) {
        RebalanceStarted started =
            new RebalanceStarted(c.cycleId(), RebalanceChoice.of(best.get()), now, hedgedFlag());
        d.event(started).effect(new CancelTimer(REBALANCE_CHECK));
        advance(apply(state, started).cycle(), now, d);
        return d.build();
      }
      String reason =
          best.map(
                  p -> "best coin " + p.coin() + " would end the cycle at " + pct(p.expectedProfitPercent())
                      + " %, below the " + pct(minProfit) + " % minimum")
              .orElse("no fresh quotes to carry " + from.quoteCurrency() + " home");
      if (c.status() == CycleStatus.INITIAL_TRADE_COMPLETED) {
        d.event(new RebalanceDeferred(c.cycleId(), reason, best.map(RebalanceChoice::of).orElse(null), now));
      }
      Instant since = c.awaitingRebalanceSince() != null ? c.awaitingRebalanceSince() : now;
      if (!c.rebalanceOverdueAlerted()
          && Duration.between(since, now).compareTo(settings.rebalance().maxWait()) >= 0) {
        d.event(new RebalanceOverdue(c.cycleId(), since, now));
        d.effect(
            alert(
                AlertKind.REBALANCE_OVERDUE, Alert.Severity.WARNING, c,
                "Cycle waiting for a rebalance coin for " + Duration.between(since, now).toMinutes() + " min", now,
                "reason", reason));
      }
      return d.effect(new ScheduleTimer(REBALANCE_CHECK, c.cycleId().toString(), settings.rebalance().checkInterval()))
          .build();
    }
    if (input instanceof TimerFired t && t.kind() == REBALANCE_CHECK) {
      return d.effect(new FetchMarket()).build();
    }
    if (input instanceof Start) {
      return refuseDuplicate(c);
    }
    return refuseOperatorCommands(state, input);
  }

  /** REBALANCE_TRADE_COMPLETED: both legs sold; the result is settled against the initial investment. */
  private Decision settling(CycleState state, CycleInput input, Instant now) {
    if (input instanceof Start) {
      return refuseDuplicate(state.cycle());
    }
    return refuseOperatorCommands(state, input);
  }

  /** AWAITING_RETRY: a step failed transiently; the failed step resumes when the retry is due. */
  private Decision awaitingRetry(CycleState state, CycleInput input, Instant now) {
    Cycle c = state.cycle();
    if (input instanceof TimerFired t && t.kind() == RETRY_DUE && c.cycleId().toString().equals(t.ref())) {
      if (c.nextRetryAt() != null && now.isBefore(c.nextRetryAt())) {
        // fired early (clock adjustments): wait for the rest
        return new Decision.Builder()
            .effect(new ScheduleTimer(RETRY_DUE, t.ref(), Duration.between(now, c.nextRetryAt())))
            .build();
      }
      RetryStarted retry = new RetryStarted(c.cycleId(), c.retryCount(), now);
      Decision.Builder d = new Decision.Builder().event(retry);
      resume(apply(state, retry).cycle(), now, d);
      return d.build();
    }
    if (input instanceof Start) {
      return refuseDuplicate(c);
    }
    return refuseOperatorCommands(state, input);
  }

  /** DEAD_LETTER: waits for an operator; recorded with the dead-letter queue until it acknowledges. */
  private Decision deadLetter(CycleState state, CycleInput input, Instant now) {
    Cycle c = state.cycle();
    Decision.Builder d = new Decision.Builder();
    if (input instanceof Recover r) {
      if (!r.cycleId().equals(c.cycleId())) {
        return Decision.reply(CycleReply.refused(r.cycleId(), "cycle " + r.cycleId() + " is not this symbol's open cycle"));
      }
      CycleRecovered recovered = new CycleRecovered(c.cycleId(), r.by(), now);
      d.event(recovered).effect(new CancelTimer(REDELIVER));
      resume(apply(state, recovered).cycle(), now, d);
      return d.reply(CycleReply.accepted(c.cycleId(), "resumed " + c.leg() + " " + c.nextStep())).build();
    }
    if (input instanceof Discard x) {
      if (!x.cycleId().equals(c.cycleId())) {
        return Decision.reply(CycleReply.refused(x.cycleId(), "cycle " + x.cycleId() + " is not this symbol's open cycle"));
      }
      if (x.reason() == null || x.reason().isBlank()) {
        return Decision.reply(CycleReply.refused(c.cycleId(), "a reason is required to discard a cycle"));
      }
      if (c.openShort().signum() > 0 || c.hedgeInFlight()) {
        // the short must not outlive the cycle: settle a hedge order in flight, close the short, then discard
        // (DiscardStarted → [reconcile] → HEDGE_CLOSE → CycleDiscarded)
        DiscardStarted closing = new DiscardStarted(c.cycleId(), x.reason(), now);
        d.event(closing).effect(new CancelTimer(REDELIVER));
        resume(apply(state, closing).cycle(), now, d);
        String what = c.openShort().signum() > 0
            ? "closing the short of " + c.openShort().toPlainString() + " " + c.legCoin() + " before discarding"
            : "settling the " + c.current().step() + " in flight (and closing any short it opened) before discarding";
        return d.reply(CycleReply.accepted(c.cycleId(), what)).build();
      }
      CycleDiscarded discarded = new CycleDiscarded(c.cycleId(), x.reason(), now);
      d.event(discarded).effect(new CancelTimer(REDELIVER));
      release(apply(state, discarded).cycle(), d);
      return d.reply(CycleReply.accepted(c.cycleId(), "discarded")).build();
    }
    if (input instanceof DeadLetterAcked ack && ack.cycleId().equals(c.cycleId()) && !c.deadLetterRegistered()) {
      return d.event(new DeadLetterRegistered(c.cycleId(), now)).effect(new CancelTimer(REDELIVER)).build();
    }
    if (input instanceof TimerFired t && t.kind() == REDELIVER && !c.deadLetterRegistered()) {
      registerDeadLetter(c, d);
      return d.build();
    }
    if (input instanceof Start) {
      return refuseDuplicate(c);
    }
    return Decision.none();
  }

  /**
   * What to do after the entity (re)starts from its journal: timers are derived from the persisted state, in-flight
   * actions are reconciled, unacknowledged deliveries are resent. May persist events (e.g. the next step's intent).
   */
  public Decision onRecovery(CycleState state, Instant now) {
    Cycle c = state.cycle();
    Decision.Builder d = new Decision.Builder();
    CycleState.CapitalRequest pending = state.capitalRequest();
    if (pending != null) {
      // asked before the restart, answer lost: ask again (the portfolio answers a repeated request as the first)
      Opportunity opp = pending.opportunity().toOpportunity();
      d.effect(new ReserveCapital(pending.cycleId(), opp,
          pending.preparedKrw() != null ? pending.preparedKrw() : opp.maxSizeKrw(), true));
    }
    if (c == null) {
      return d.build();
    }
    if (c.status().isOpen() && (c.openShort().signum() > 0 || c.hedgeInFlight())) {
      // the second line of defence after a restart: does the venue hold the short the journal says?
      d.effect(new CheckPosition(hedgeCoin(c)));
      if (c.openShort().signum() > 0) {
        d.effect(positionCheckTimer(c));
      }
    }
    switch (c.status()) {
      case COMPLETED:
      case FAILED:
        if (!c.capitalReleased()) {
          release(c, d);
        }
        break;
      case STARTED:
      case REBALANCING_IN_PROGRESS:
        resume(c, now, d);
        break;
      case INITIAL_TRADE_COMPLETED:
      case AWAITING_REBALANCE:
        d.effect(new FetchMarket());
        break;
      case REBALANCE_TRADE_COMPLETED:
        settle(state, now, d);
        break;
      case AWAITING_RETRY:
        Duration wait =
            c.nextRetryAt() == null || !c.nextRetryAt().isAfter(now)
                ? Duration.ZERO
                : Duration.between(now, c.nextRetryAt());
        d.effect(new ScheduleTimer(RETRY_DUE, c.cycleId().toString(), wait));
        break;
      case DEAD_LETTER:
        if (!c.deadLetterRegistered()) {
          registerDeadLetter(c, d);
        }
        break;
      default:
        break;
    }
    return d.build();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // step handling

  /** Continue the cycle after a retry, a recovery or a crash: reconcile what is unresolved, else run the next step. */
  private void resume(Cycle c, Instant now, Decision.Builder d) {
    StepAttempt cur = c.current();
    // a discarded cycle closing its short leaves its other steps alone: only a close in flight is reconciled
    boolean discarding = c.discardReason() != null;
    if (cur != null && cur.unresolved() && cur.leg() == c.leg() && cur.step() != Step.DEPOSIT
        && (!discarding || cur.step().isHedge())) {
      d.effect(reconcile(cur));
      return;
    }
    if (!discarding && cur != null && cur.unresolved() && cur.leg() == c.leg() && cur.step() == Step.DEPOSIT
        && now.isBefore(cur.deadline())) {
      // a transfer being waited for when the entity stopped: keep waiting until its deadline
      d.effect(pollTransfer(c, cur));
      d.effect(new ScheduleTimer(STEP_DEADLINE, cur.clientId(), Duration.between(now, cur.deadline())));
      return;
    }
    advance(c, now, d);
  }

  /** Start the leg's next step (its intent first), or hand over to the next state when the leg is done. */
  private void advance(Cycle c, Instant now, Decision.Builder d) {
    Step next = c.nextStep();
    if (next == null && c.discardReason() != null) {
      // a discarded cycle's short is closed (or was never opened): now it is discarded
      CycleDiscarded discarded = new CycleDiscarded(c.cycleId(), c.discardReason(), now);
      d.event(discarded);
      release(applyTo(c, discarded), d);
      return;
    }
    if (next == null) {
      return; // the leg sold; the StepCompleted already moved the status on
    }
    StepAttempt cur = c.current();
    int attempt = cur != null && cur.leg() == c.leg() && cur.step() == next ? cur.attempt() + 1 : 1;
    String clientId = ClientIds.of(c.cycleId(), c.leg(), next, attempt);
    String coin = c.legCoin();
    switch (next) {
      case BUY: {
        OrderRequest req = OrderRequest.marketBuy(clientId, coin, legBudget(c));
        StepAttempt a = attempt(c, next, attempt, clientId, c.legBuyVenue(), req, null, now, settings.execution().orderTimeout());
        d.event(StepRequested.of(c.cycleId(), a))
            .effect(new PlaceOrder(a.venue(), req))
            .effect(new ScheduleTimer(STEP_DEADLINE, clientId, settings.execution().orderTimeout()));
        break;
      }
      case WITHDRAW: {
        TransferRule rule = settings.transfers().of(coin);
        d.effect(new ResolveAddress(c.cycleId(), c.leg(), c.legSellVenue(), coin, rule.network()));
        break;
      }
      case DEPOSIT: {
        StepRecord w = c.completed(c.leg(), Step.WITHDRAW).orElseThrow();
        WithdrawalIntent wr = w.withdrawalRequest();
        StepAttempt a =
            attempt(c, next, attempt, clientId, c.legSellVenue(), null, wr, now, settings.transfer().depositTimeout());
        d.event(StepRequested.of(c.cycleId(), a))
            .effect(pollTransfer(c, a))
            .effect(new ScheduleTimer(STEP_DEADLINE, clientId, settings.transfer().depositTimeout()));
        break;
      }
      case SELL: {
        DepositSeen dep = c.completed(c.leg(), Step.DEPOSIT).orElseThrow().deposit();
        OrderRequest req = OrderRequest.marketSell(clientId, coin, dep.amount());
        StepAttempt a =
            attempt(c, next, attempt, clientId, c.legSellVenue(), req, null, now, settings.execution().orderTimeout());
        d.event(StepRequested.of(c.cycleId(), a))
            .effect(new PlaceOrder(a.venue(), req))
            .effect(new ScheduleTimer(STEP_DEADLINE, clientId, settings.execution().orderTimeout()));
        break;
      }
      case HEDGE_OPEN: {
        BigDecimal qty = netCoin(c.completed(c.leg(), Step.BUY).orElseThrow().order(), coin);
        if (qty.signum() <= 0) {
          skipHedge(c, c.leg(), "the buy left nothing to hedge", now, d);
          return;
        }
        placePerp(c, next, attempt, PerpOrderRequest.openShort(clientId, coin, qty), now, d);
        break;
      }
      case HEDGE_CLOSE: {
        placePerp(c, next, attempt, PerpOrderRequest.closeShort(clientId, coin, c.openShort()), now, d);
        break;
      }
      default:
        throw new IllegalStateException();
    }
  }

  /** A hedge step's intent (persisted first), then its order at the futures venue, with the order deadline. */
  private void placePerp(Cycle c, Step step, int attempt, PerpOrderRequest req, Instant now, Decision.Builder d) {
    Duration timeout = settings.execution().orderTimeout();
    StepAttempt a =
        new StepAttempt(c.leg(), step, attempt, req.clientId(), FUTURES_VENUE, req.coin(), null, null, now,
            now.plus(timeout), true, false, PerpOrderIntent.of(req));
    d.event(StepRequested.of(c.cycleId(), a))
        .effect(new PlacePerpOrder(req, req.reduceOnly() ? 0 : settings.hedge().leverage()))
        .effect(new ScheduleTimer(STEP_DEADLINE, req.clientId(), timeout));
  }

  /**
   * The futures venue cannot hold this leg's short at all (no perpetual, or below the contract's minimum): the leg goes
   * on unhedged, recorded and told at INFO.
   */
  private Decision skipHedge(CycleState state, Leg leg, String reason, Instant now, Decision.Builder d) {
    d.effect(new CancelTimer(STEP_DEADLINE)).effect(new CancelTimer(RECONCILE_DUE));
    skipHedge(state.cycle(), leg, reason, now, d);
    return d.build();
  }

  private void skipHedge(Cycle c, Leg leg, String reason, Instant now, Decision.Builder d) {
    HedgeSkipped skipped = new HedgeSkipped(c.cycleId(), leg, reason, now);
    d.event(skipped)
        .effect(alert(AlertKind.HEDGE_SKIPPED, Alert.Severity.INFO, c,
            leg + " leg of " + c.legCoin() + " runs unhedged", now, "reason", reason));
    advance(applyTo(c, skipped), now, d);
  }

  private StepAttempt attempt(
      Cycle c,
      Step step,
      int attempt,
      String clientId,
      Venue venue,
      OrderRequest order,
      WithdrawalIntent withdrawal,
      Instant now,
      Duration timeout) {
    return new StepAttempt(
        c.leg(), step, attempt, clientId, venue, c.legCoin(), OrderIntent.of(order), withdrawal, now,
        now.plus(timeout), true, false, null);
  }

  private Decision requestWithdrawal(Cycle c, DepositAddress address, Instant now, Decision.Builder d) {
    String coin = c.legCoin();
    TransferRule rule = settings.transfers().of(coin);
    if (address == null || address.address() == null || address.address().isBlank()) {
      return fail(c, c.leg(), Step.WITHDRAW, null, FailureClass.PERMANENT,
          c.legSellVenue() + " has no " + coin + " deposit address", true, now, d);
    }
    if (rule.tagRequired() && (address.tag() == null || address.tag().isBlank())) {
      return fail(c, c.leg(), Step.WITHDRAW, null, FailureClass.PERMANENT,
          coin + " needs a destination tag and " + c.legSellVenue() + " gave none", true, now, d);
    }
    FilledOrder buy = c.completed(c.leg(), Step.BUY).orElseThrow().order();
    BigDecimal amount = rule.roundDown(netCoin(buy, coin));
    String violation = rule.violation(amount);
    if (violation != null) {
      return fail(c, c.leg(), Step.WITHDRAW, null, FailureClass.PERMANENT, violation, true, now, d);
    }
    StepAttempt cur = c.current();
    int attempt = cur != null && cur.leg() == c.leg() && cur.step() == Step.WITHDRAW ? cur.attempt() + 1 : 1;
    String clientId = ClientIds.of(c.cycleId(), c.leg(), Step.WITHDRAW, attempt);
    WithdrawalRequest req =
        new WithdrawalRequest(clientId, coin, rule.network(), amount, address.address(), address.tag());
    StepAttempt a =
        attempt(c, Step.WITHDRAW, attempt, clientId, c.legBuyVenue(), null, WithdrawalIntent.of(req), now,
            settings.execution().withdrawTimeout());
    return d.event(StepRequested.of(c.cycleId(), a))
        .effect(new Withdraw(a.venue(), req))
        .effect(new ScheduleTimer(STEP_DEADLINE, clientId, settings.execution().withdrawTimeout()))
        .build();
  }

  private Decision onOrder(CycleState state, StepAttempt cur, OrderResult order, Instant now, Decision.Builder d) {
    Cycle c = state.cycle();
    if (order == null) {
      return unknownOutcome(c, cur, "the venue answered without an order", now, d);
    }
    if (order.status().terminal()) {
      if (order.hasFill()) {
        return complete(state, cur, order, null, null, now, d);
      }
      FailureClass cls = order.status() == OrderStatus.REJECTED ? FailureClass.PERMANENT : FailureClass.TRANSIENT;
      return fail(c, cur.leg(), cur.step(), cur.clientId(), cls,
          cur.step() + " order " + cur.clientId() + " ended " + order.status() + " with nothing filled", true, now, d);
    }
    // accepted, not (fully) filled yet
    if (!now.isBefore(cur.deadline()) && !cur.step().isHedge()) {
      d.effect(new CancelOrder(cur.venue(), cur.coin(), cur.clientId()));
    }
    return keepReconciling(c, cur, "order " + order.status(), now, d);
  }

  private Decision onWithdrawal(
      CycleState state, StepAttempt cur, WithdrawalResult w, Instant now, Decision.Builder d) {
    Cycle c = state.cycle();
    if (w == null) {
      return unknownOutcome(c, cur, "the venue answered without a withdrawal", now, d);
    }
    if (w.status().failed()) {
      return fail(c, cur.leg(), cur.step(), cur.clientId(), FailureClass.PERMANENT,
          "withdrawal " + cur.clientId() + " " + w.status(), true, now, d);
    }
    return complete(state, cur, null, w, null, now, d);
  }

  private Decision onTransferPolled(
      CycleState state, StepAttempt cur, TransferPolled p, Instant now, Decision.Builder d) {
    Cycle c = state.cycle();
    if (p.withdrawal() != null && p.withdrawal().status().failed()) {
      return fail(c, cur.leg(), cur.step(), cur.clientId(), FailureClass.PERMANENT,
          cur.withdrawal().coin() + " withdrawal " + p.withdrawal().withdrawalId() + " " + p.withdrawal().status()
              + " at " + cur.venue().other(), true, now, d);
    }
    Optional<Deposit> match = p.error() != null ? Optional.empty() : matchDeposit(c, cur, p);
    if (match.isPresent() && match.get().status() == DepositStatus.CREDITED) {
      return complete(state, cur, null, null, match.get(), now, d);
    }
    if (match.isPresent() && match.get().status() == DepositStatus.FAILED) {
      return fail(c, cur.leg(), cur.step(), cur.clientId(), FailureClass.PERMANENT,
          "deposit " + match.get().depositId() + " failed at " + cur.venue(), true, now, d);
    }
    if (!now.isBefore(cur.deadline())) {
      String why = p.error() != null ? " (last poll failed: " + p.error() + ")" : "";
      return fail(c, cur.leg(), cur.step(), cur.clientId(), FailureClass.TRANSIENT,
          cur.coin() + " deposit not credited at " + cur.venue() + " within " + settings.transfer().depositTimeout() + why,
          true, now, d);
    }
    return d.effect(new ScheduleTimer(POLL_DUE, cur.clientId(), settings.transfer().pollInterval())).build();
  }

  private Optional<Deposit> matchDeposit(Cycle c, StepAttempt cur, TransferPolled p) {
    StepRecord w = c.completed(cur.leg(), Step.WITHDRAW).orElseThrow();
    // the sending venue's newest word on the withdrawal, else what it said when the WITHDRAW step completed
    String txId = p.withdrawal() != null ? p.withdrawal().txId() : w.withdrawal().txId();
    BigDecimal expected = p.withdrawal() != null ? p.withdrawal().amount() : w.withdrawal().amount();
    Instant notBefore = w.completedAt().minus(CLOCK_SKEW);
    if (p.deposits() == null) {
      return Optional.empty();
    }
    if (txId == null && p.withdrawal() == null) {
      // The sending venue did not answer this poll and the withdrawal's txId is not known yet: matching by amount now
      // could claim the deposit of another cycle moving the same coin at the same size. Wait for the next poll.
      return Optional.empty();
    }
    for (Deposit dep : p.deposits()) {
      if (!dep.coin().equals(cur.coin())) {
        continue;
      }
      if (txId != null && dep.txId() != null) {
        if (txId.equals(dep.txId())) {
          return Optional.of(dep);
        }
        continue;
      }
      boolean recent = dep.createdAt() == null || !dep.createdAt().isBefore(notBefore);
      BigDecimal diff = dep.amount().subtract(expected).abs();
      if (recent && diff.compareTo(expected.multiply(DEPOSIT_TOLERANCE)) <= 0) {
        return Optional.of(dep);
      }
    }
    return Optional.empty();
  }

  private Decision complete(
      CycleState state,
      StepAttempt cur,
      OrderResult order,
      WithdrawalResult withdrawal,
      Deposit deposit,
      Instant now,
      Decision.Builder d) {
    StepCompleted done =
        new StepCompleted(
            state.cycle().cycleId(), cur.leg(), cur.step(), cur.clientId(), cur.venue(), cur.coin(),
            FilledOrder.of(order), cur.step() == Step.WITHDRAW ? cur.withdrawal() : null, WithdrawalSent.of(withdrawal),
            DepositSeen.of(deposit), now);
    d.event(done).effect(new CancelTimer(STEP_DEADLINE));
    CycleState next = apply(state, done);
    Cycle n = next.cycle();
    if (cur.step() == Step.HEDGE_OPEN) {
      d.effect(positionCheckTimer(n));
    } else if (cur.step() == Step.HEDGE_CLOSE) {
      d.effect(new CancelTimer(POSITION_CHECK));
    }
    if (n.status() == CycleStatus.INITIAL_TRADE_COMPLETED) {
      d.effect(new FetchMarket());
    } else if (n.status() == CycleStatus.REBALANCE_TRADE_COMPLETED) {
      settle(next, now, d);
    } else {
      advance(n, now, d);
    }
    return d.build();
  }

  private Decision unknownOutcome(Cycle c, StepAttempt cur, String reason, Instant now, Decision.Builder d) {
    d.event(new StepOutcomeUnknown(c.cycleId(), cur.clientId(), reason, now));
    return d.effect(new ScheduleTimer(RECONCILE_DUE, cur.clientId(), settings.execution().reconcileInterval())).build();
  }

  /** Query again later, unless the step is long past its deadline: then it is stuck, a transient failure. */
  private Decision keepReconciling(Cycle c, StepAttempt cur, String why, Instant now, Decision.Builder d) {
    Instant giveUp = cur.deadline().plus(timeoutOf(cur.step()));
    if (!now.isBefore(giveUp)) {
      return fail(c, cur.leg(), cur.step(), cur.clientId(), FailureClass.TRANSIENT,
          cur.step() + " " + cur.clientId() + " unresolved after " + Duration.between(cur.requestedAt(), now)
              + " (" + why + ")", false, now, d);
    }
    return d.effect(new ScheduleTimer(RECONCILE_DUE, cur.clientId(), settings.execution().reconcileInterval())).build();
  }

  /**
   * A step failed: persist the failure with its disposition. Permanent failures and the last allowed failure go to the
   * dead-letter queue; others wait {@code base × 2^(n−1)} and retry.
   */
  private Decision fail(
      Cycle c,
      Leg leg,
      Step step,
      String clientId,
      FailureClass cls,
      String reason,
      boolean attemptResolved,
      Instant now,
      Decision.Builder d) {
    return fail(c, leg, step, clientId, cls, reason, attemptResolved, null, now, d);
  }

  /**
   * A failed step: dead-lettered when permanent or out of attempts, else retried after the backoff, and never before the
   * venue's {@code retryAfter} (a retry inside a venue's pause is refused unsent, and would spend an attempt).
   */
  private Decision fail(
      Cycle c,
      Leg leg,
      Step step,
      String clientId,
      FailureClass cls,
      String reason,
      boolean attemptResolved,
      Duration retryAfter,
      Instant now,
      Decision.Builder d) {
    d.event(new StepFailed(c.cycleId(), leg, step, clientId, cls, reason, attemptResolved, now))
        .effect(new CancelTimer(STEP_DEADLINE))
        .effect(new CancelTimer(RECONCILE_DUE))
        .effect(new CancelTimer(POLL_DUE));
    int failures = c.retryCount() + 1;
    if (cls == FailureClass.PERMANENT || failures >= settings.retry().maxAttempts()) {
      String why =
          cls == FailureClass.PERMANENT
              ? reason
              : "gave up after " + failures + " failures; last: " + reason;
      String exposure = hedgeExposure(c, step, d, now);
      if (exposure != null) {
        why = why + "; " + exposure;
      }
      CycleDeadLettered dl = new CycleDeadLettered(c.cycleId(), cls, why, failures, now);
      d.event(dl);
      Cycle dead = applyTo(c, dl);
      registerDeadLetter(dead, d);
      return d.build();
    }
    Duration delay = settings.retry().delay(failures);
    if (retryAfter != null && retryAfter.compareTo(delay) > 0) {
      delay = retryAfter;
    }
    d.event(new RetryScheduled(c.cycleId(), failures, now.plus(delay), now))
        .effect(new ScheduleTimer(RETRY_DUE, c.cycleId().toString(), delay));
    if (failures == settings.retry().alertThreshold()) {
      d.effect(
          alert(AlertKind.RETRY_THRESHOLD_REACHED, Alert.Severity.WARNING, c,
              "Cycle failed " + failures + " times; retrying in " + delay.toMinutes() + " min", now,
              "step", leg + " " + step, "error", reason));
    }
    return d.build();
  }

  private void settle(CycleState state, Instant now, Decision.Builder d) {
    Cycle c = state.cycle();
    StepRecord sell = c.completed(Leg.REBALANCE, Step.SELL).orElseThrow();
    BigDecimal back = netQuote(sell.order(), c.homeVenue().quoteCurrency());
    BigDecimal pnlQuote = back.subtract(c.investmentQuote(), MC);
    BigDecimal hedgePnl = null;
    BigDecimal hedgeFees = null;
    for (Leg leg : Leg.values()) {
      Optional<StepRecord> open = c.completed(leg, Step.HEDGE_OPEN);
      Optional<StepRecord> close = c.completed(leg, Step.HEDGE_CLOSE);
      if (open.isEmpty() || close.isEmpty()) {
        continue;
      }
      FilledOrder o = open.get().order();
      FilledOrder x = close.get().order();
      BigDecimal legPnl = o.averagePrice().subtract(x.averagePrice()).multiply(x.filledQuantity(), MC);
      hedgePnl = hedgePnl == null ? legPnl : hedgePnl.add(legPnl, MC);
      hedgeFees = (hedgeFees == null ? BigDecimal.ZERO : hedgeFees).add(usdtFee(o), MC).add(usdtFee(x), MC);
    }
    if (hedgePnl != null) {
      // the hedge settles in USDT: at the cycle's USDT/KRW when the cycle's home is KRW
      BigDecimal net = hedgePnl.subtract(hedgeFees, MC);
      pnlQuote = pnlQuote.add(c.homeVenue() == Venue.BINANCE ? net : net.multiply(c.usdtKrw(), MC), MC);
    }
    BigDecimal pnlKrw = c.homeVenue() == Venue.BINANCE ? pnlQuote.multiply(c.usdtKrw(), MC) : pnlQuote;
    BigDecimal pnlPct = pnlQuote.divide(c.investmentQuote(), MC).multiply(HUNDRED, MC);
    CycleCompleted done = new CycleCompleted(c.cycleId(), pnlQuote, pnlKrw, pnlPct, now, hedgePnl, hedgeFees);
    d.event(done);
    release(apply(state, done).cycle(), d);
  }

  private void release(Cycle c, Decision.Builder d) {
    BigDecimal pnl;
    if (c.status() == CycleStatus.COMPLETED) {
      pnl = c.netProfitKrw();
    } else {
      // discarded: if anything moved, the capital is written off until an operator says otherwise
      pnl = c.steps().isEmpty() ? BigDecimal.ZERO : c.investmentKrw().negate();
    }
    d.effect(new ReleaseCapital(c.cycleId(), pnl))
        .effect(new ScheduleTimer(REDELIVER, c.cycleId().toString(), settings.execution().redeliveryInterval()));
  }

  private void registerDeadLetter(Cycle c, Decision.Builder d) {
    StepAttempt cur = c.current();
    Step step = c.nextStep();
    if (cur != null && cur.leg() == c.leg() && cur.unresolved()) {
      step = cur.step();
    }
    d.effect(
            new RegisterDeadLetter(
                new DeadLetterEntry(
                    c.cycleId(), c.symbol(), CycleStatus.running(c.leg()), c.leg(), step,
                    c.failureClass() == null ? null : c.failureClass().name(), c.failureReason(), c.retryCount(),
                    c.statusSince())))
        .effect(new ScheduleTimer(REDELIVER, c.cycleId().toString(), settings.execution().redeliveryInterval()));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // refusals

  private static Decision refuseDuplicate(Cycle open) {
    return Decision.reply(
        CycleReply.refused(
            open.cycleId(),
            "duplicate: cycle " + open.cycleId() + " is already " + open.status() + " for " + open.symbol()));
  }

  private static Decision refuseOperatorCommands(CycleState state, CycleInput input) {
    Cycle c = state.cycle();
    if (input instanceof Recover r) {
      return Decision.reply(
          CycleReply.refused(r.cycleId(), "cycle " + r.cycleId() + " is not dead-lettered (" + describe(c) + ")"));
    }
    if (input instanceof Discard x) {
      return Decision.reply(
          CycleReply.refused(x.cycleId(), "cycle " + x.cycleId() + " is not dead-lettered (" + describe(c) + ")"));
    }
    if (input instanceof Start) {
      return Decision.reply(CycleReply.refused(null, "cannot start in " + state.status()));
    }
    return Decision.none();
  }

  private static String describe(Cycle c) {
    return c == null ? "no cycle" : "cycle " + c.cycleId() + " is " + c.status();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // amounts

  /** What the leg's BUY may spend: the investment for the initial leg, the initial leg's proceeds for the rebalance. */
  private BigDecimal legBudget(Cycle c) {
    return c.leg() == Leg.INITIAL ? c.investmentQuote() : initialProceeds(c);
  }

  private static BigDecimal initialProceeds(Cycle c) {
    FilledOrder sell = c.completed(Leg.INITIAL, Step.SELL).orElseThrow().order();
    return netQuote(sell, c.direction().sellVenue().quoteCurrency());
  }

  /** Coins received by a buy, net of a fee charged in the coin. */
  static BigDecimal netCoin(FilledOrder buy, String coin) {
    BigDecimal fee = buy.fee() != null && coin.equals(buy.feeAsset()) ? buy.fee() : BigDecimal.ZERO;
    return buy.filledQuantity().subtract(fee);
  }

  /** Quote received by a sell, net of a fee charged in the quote. */
  static BigDecimal netQuote(FilledOrder sell, String quote) {
    BigDecimal fee = sell.fee() != null && quote.equals(sell.feeAsset()) ? sell.fee() : BigDecimal.ZERO;
    return sell.quoteAmount().subtract(fee);
  }

  private CycleEffect reconcile(StepAttempt cur) {
    if (cur.step().isHedge()) {
      return new ReconcilePerpOrder(cur.coin(), cur.clientId());
    }
    return cur.step() == Step.WITHDRAW
        ? new ReconcileWithdrawal(cur.venue(), cur.withdrawal().toRequest())
        : new ReconcileOrder(cur.venue(), cur.coin(), cur.clientId());
  }

  /** A futures fee counts when it is in USDT (or its asset is not said); the hedge's venues charge it so. */
  private static BigDecimal usdtFee(FilledOrder o) {
    return o.fee() != null && (o.feeAsset() == null || "USDT".equals(o.feeAsset())) ? o.fee() : BigDecimal.ZERO;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // the transfer hedge: its flag, position checks and exposure

  /** A new leg's hedged flag as the journal records it: true when the hedge is on, absent (false) when off. */
  private Boolean hedgedFlag() {
    return settings.hedge().enabled() ? Boolean.TRUE : null;
  }

  private ScheduleTimer positionCheckTimer(Cycle c) {
    return new ScheduleTimer(POSITION_CHECK, c.cycleId().toString(), settings.hedge().positionCheckInterval());
  }

  /** The coin of the hedge in flight or open. */
  private static String hedgeCoin(Cycle c) {
    return c.hedgeInFlight() ? c.current().coin() : c.legCoin();
  }

  /** Every position-check interval while a short is open: ask the venue. */
  private Decision onPositionCheckDue(CycleState state) {
    Cycle c = state.cycle();
    if (c == null || !c.status().isOpen() || c.openShort().signum() <= 0) {
      return Decision.none();
    }
    return new Decision.Builder().effect(new CheckPosition(c.legCoin())).effect(positionCheckTimer(c)).build();
  }

  /**
   * The venue's position against this cycle's open short. A smaller short means coins held long without their short: it
   * is recorded ({@link HedgeMismatch}) and the cycle dead-lettered with a CRITICAL alert. A larger one is not this
   * cycle's concern (another symbol's rebalance leg may hedge the same coin); the cluster-wide sum is checked elsewhere.
   * Nothing is judged while a hedge order's outcome is unknown, nor on a failed read (the next check asks again).
   */
  private Decision onPositionSeen(CycleState state, PositionSeen p, Instant now) {
    Cycle c = state.cycle();
    if (c == null || !c.status().isOpen() || p.error() != null || p.position() == null || c.hedgeInFlight()
        || !c.legCoin().equals(p.coin())) {
      return Decision.none();
    }
    BigDecimal expected = c.openShort();
    if (expected.signum() <= 0) {
      return Decision.none();
    }
    PerpPosition pos = p.position();
    BigDecimal seen = pos.quantity().signum() < 0 ? pos.quantity().negate() : BigDecimal.ZERO;
    if (seen.compareTo(expected) >= 0) {
      return Decision.none();
    }
    if (c.status() == CycleStatus.DEAD_LETTER && c.hedgeMismatchSeen() != null
        && c.hedgeMismatchSeen().compareTo(seen) == 0) {
      return Decision.none(); // recorded and told already
    }
    BigDecimal naked = expected.subtract(seen, MC);
    String what = "long without a short: " + naked.toPlainString() + " " + c.legCoin() + " unhedged on "
        + holdingVenue(c) + " (the futures venue shows a short of " + seen.toPlainString() + ", the cycle opened "
        + expected.toPlainString() + ")";
    Decision.Builder d = new Decision.Builder();
    HedgeMismatch mismatch = new HedgeMismatch(c.cycleId(), c.leg(), c.legCoin(), expected, seen, now);
    d.event(mismatch)
        .effect(alert(AlertKind.HEDGE_EXPOSED, Alert.Severity.CRITICAL, c, "Hedge mismatch: " + what, now,
            "expected", expected.toPlainString(), "seen", seen.toPlainString(), "naked", naked.toPlainString()));
    if (c.status() == CycleStatus.DEAD_LETTER) {
      return d.build();
    }
    d.effect(new CancelTimer(STEP_DEADLINE)).effect(new CancelTimer(RECONCILE_DUE)).effect(new CancelTimer(POLL_DUE))
        .effect(new CancelTimer(RETRY_DUE));
    CycleDeadLettered dl =
        new CycleDeadLettered(c.cycleId(), FailureClass.PERMANENT, "hedge mismatch: " + what, c.retryCount(), now);
    d.event(dl);
    registerDeadLetter(applyTo(applyTo(c, mismatch), dl), d);
    return d.build();
  }

  /** Where the current leg's coin is while it is in transit: bought at the buy venue until it is deposited. */
  private static Venue holdingVenue(Cycle c) {
    return c.completed(c.leg(), Step.DEPOSIT).isPresent() ? c.legSellVenue() : c.legBuyVenue();
  }

  /**
   * What a cycle about to be dead-lettered leaves unhedged or open at the futures venue, told in a CRITICAL (uncovered)
   * or WARNING (covered, but open) alert and returned for the dead-letter reason; null when the hedge is not involved.
   */
  private String hedgeExposure(Cycle c, Step failed, Decision.Builder d, Instant now) {
    if (!c.legHedged() && c.openShort().signum() == 0) {
      return null;
    }
    Optional<StepRecord> buy = c.completed(c.leg(), Step.BUY);
    BigDecimal shortQty = c.openShort();
    String coin = c.legCoin();
    if (c.legHedged() && buy.isPresent() && c.completed(c.leg(), Step.HEDGE_OPEN).isEmpty()) {
      String what = "long without a short: " + netCoin(buy.get().order(), coin).toPlainString() + " " + coin
          + " unhedged on " + c.legBuyVenue();
      d.effect(alert(AlertKind.HEDGE_EXPOSED, Alert.Severity.CRITICAL, c, what, now, "step", c.leg() + " " + failed));
      return what;
    }
    if (shortQty.signum() > 0 && c.completed(c.leg(), Step.SELL).isPresent()) {
      String what = "short without a long: the short of " + shortQty.toPlainString() + " " + coin
          + " is still open on " + FUTURES_VENUE + " futures";
      d.effect(alert(AlertKind.HEDGE_EXPOSED, Alert.Severity.CRITICAL, c, what, now, "step", c.leg() + " " + failed));
      return what;
    }
    if (shortQty.signum() > 0) {
      String what = "the short of " + shortQty.toPlainString() + " " + coin + " is still open on " + FUTURES_VENUE
          + " futures (it covers the " + coin + " held on " + holdingVenue(c) + ")";
      d.effect(alert(AlertKind.HEDGE_EXPOSED, Alert.Severity.WARNING, c, what, now, "step", c.leg() + " " + failed));
      return what;
    }
    return null;
  }

  private static PollTransfer pollTransfer(Cycle c, StepAttempt cur) {
    StepRecord w = c.completed(cur.leg(), Step.WITHDRAW).orElseThrow();
    return new PollTransfer(
        cur.clientId(), cur.venue().other(), cur.withdrawal().toRequest(), cur.venue(), cur.coin(),
        w.completedAt().minus(CLOCK_SKEW));
  }

  private Duration timeoutOf(Step step) {
    switch (step) {
      case WITHDRAW:
        return settings.execution().withdrawTimeout();
      case DEPOSIT:
        return settings.transfer().depositTimeout();
      default:
        return settings.execution().orderTimeout();
    }
  }

  private static boolean isCurrent(StepAttempt cur, String clientId) {
    return cur != null && cur.clientId().equals(clientId);
  }

  private static PublishAlert alert(
      AlertKind kind, Alert.Severity sev, Cycle c, String title, Instant now, String... kv) {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("cycle", c.cycleId().toString());
    fields.put("symbol", c.symbol());
    for (int i = 0; i + 1 < kv.length; i += 2) {
      fields.put(kv[i], kv[i + 1]);
    }
    return new PublishAlert(new Alert(kind, sev, c.cycleId().toString(), title, fields, now));
  }

  private static String pct(BigDecimal p) {
    return p.setScale(3, java.math.RoundingMode.HALF_UP).toPlainString();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // evolve

  /** The event fold. Total: every event is valid in the state the rules persisted it in. */
  public CycleState apply(CycleState state, CycleEvent event) {
    if (event instanceof CycleStarted e) {
      Cycle.Builder b = new Cycle.Builder();
      b.cycleId = e.cycleId();
      b.symbol = e.symbol();
      b.direction = e.opportunity().direction();
      b.opportunity = e.opportunity();
      b.startedAt = e.at();
      b.investmentKrw = e.investmentKrw();
      b.investmentQuote = e.investmentQuote();
      b.usdtKrw = e.usdtKrw();
      b.status = CycleStatus.STARTED;
      b.statusSince = e.at();
      b.leg = Leg.INITIAL;
      b.legHedged = e.hedgedLeg();
      return new CycleState(state.symbol(), b.build(), state.cyclesStarted() + 1, null);
    }
    if (event instanceof CapitalRequested e) {
      return state.withCapitalRequest(
          new CycleState.CapitalRequest(e.cycleId(), e.opportunity(), e.at(), e.preparedKrw()));
    }
    if (event instanceof CapitalRefused e) {
      CycleState.CapitalRequest r = state.capitalRequest();
      return r != null && r.cycleId().equals(e.cycleId()) ? state.withCapitalRequest(null) : state;
    }
    Cycle c = state.cycle();
    if (c == null || !c.cycleId().equals(event.cycleId())) {
      throw new IllegalStateException(
          "event " + event.getClass().getSimpleName() + " for cycle " + event.cycleId() + " but state holds "
              + (c == null ? "none" : c.cycleId()));
    }
    return state.with(applyTo(c, event));
  }

  private static Cycle applyTo(Cycle c, CycleEvent event) {
    Cycle.Builder b = c.toBuilder();
    Instant at = event.at();
    if (event instanceof StepRequested e) {
      b.current = e.attempt();
    } else if (event instanceof StepOutcomeUnknown e) {
      if (b.current != null && b.current.clientId().equals(e.clientId())) {
        b.current = b.current.withUnknownSeen(true);
      }
    } else if (event instanceof StepNotPlaced e) {
      if (b.current != null && b.current.clientId().equals(e.clientId())) {
        b.current = b.current.withUnresolved(false);
      }
    } else if (event instanceof StepCompleted e) {
      b.steps.add(e.record());
      b.current = null;
      // the leg ends with its last step (SELL, or HEDGE_CLOSE when hedged); a discard's close ends nothing
      if (b.discardReason == null && e.record().leg() == c.leg() && b.build().nextStep() == null) {
        b.status(
            e.record().leg() == Leg.INITIAL
                ? CycleStatus.INITIAL_TRADE_COMPLETED
                : CycleStatus.REBALANCE_TRADE_COMPLETED,
            at);
      }
    } else if (event instanceof StepFailed e) {
      b.failureClass = e.failureClass();
      b.failureReason = e.reason();
      if (b.current != null && e.clientId() != null && b.current.clientId().equals(e.clientId())) {
        b.current = b.current.withUnresolved(!e.attemptResolved());
      }
    } else if (event instanceof RetryScheduled e) {
      b.retryCount = e.retryCount();
      b.nextRetryAt = e.nextRetryAt();
      b.status(CycleStatus.AWAITING_RETRY, at);
    } else if (event instanceof RetryStarted) {
      b.lastRetryAt = at;
      b.nextRetryAt = null;
      if (b.current != null) {
        b.current = b.current.withUnknownSeen(false);
      }
      b.status(CycleStatus.running(c.leg()), at);
    } else if (event instanceof CycleDeadLettered e) {
      b.retryCount = e.retryCount();
      b.failureClass = e.failureClass();
      b.failureReason = e.reason();
      b.nextRetryAt = null;
      b.deadLetterRegistered = false;
      b.status(CycleStatus.DEAD_LETTER, at);
    } else if (event instanceof DeadLetterRegistered) {
      b.deadLetterRegistered = true;
    } else if (event instanceof RebalanceDeferred) {
      if (b.awaitingRebalanceSince == null) {
        b.awaitingRebalanceSince = at;
      }
      b.status(CycleStatus.AWAITING_REBALANCE, at);
    } else if (event instanceof RebalanceOverdue) {
      b.rebalanceOverdueAlerted = true;
    } else if (event instanceof RebalanceStarted e) {
      b.leg = Leg.REBALANCE;
      b.rebalancePlan = e.plan();
      b.legHedged = e.hedgedLeg();
      if (e.plan().usdtKrw() != null && e.plan().usdtKrw().signum() > 0) {
        b.usdtKrw = e.plan().usdtKrw();
      }
      b.current = null;
      b.status(CycleStatus.REBALANCING_IN_PROGRESS, at);
    } else if (event instanceof CycleCompleted e) {
      b.netProfitQuote = e.netProfitQuote();
      b.netProfitKrw = e.netProfitKrw();
      b.netProfitPercent = e.netProfitPercent();
      b.endedAt = at;
      b.status(CycleStatus.COMPLETED, at);
    } else if (event instanceof CapitalReleased) {
      b.capitalReleased = true;
    } else if (event instanceof CycleRecovered) {
      b.discardReason = null;
      b.hedgeMismatchSeen = null;
      b.retryCount = 0;
      b.nextRetryAt = null;
      b.lastRetryAt = at;
      if (b.current != null) {
        b.current = b.current.withUnknownSeen(false);
      }
      b.status(CycleStatus.running(c.leg()), at);
    } else if (event instanceof HedgeSkipped e) {
      if (e.leg() == c.leg()) {
        b.legHedged = false;
        if (b.current != null && b.current.step() == Step.HEDGE_OPEN) {
          b.current = null; // refused: the venue did not act on it
        }
      }
    } else if (event instanceof HedgeMismatch e) {
      b.hedgeMismatchSeen = e.seen();
    } else if (event instanceof DiscardStarted e) {
      b.discardReason = e.reason();
      b.retryCount = 0;
      b.nextRetryAt = null;
      if (b.current != null) {
        b.current = b.current.withUnknownSeen(false);
      }
      b.status(CycleStatus.running(c.leg()), at);
    } else if (event instanceof CycleDiscarded e) {
      b.discardReason = null;
      b.failureReason = "discarded: " + e.reason();
      b.endedAt = at;
      b.status(CycleStatus.FAILED, at);
    } else {
      throw new IllegalStateException("unhandled event " + event);
    }
    return b.build();
  }
}
