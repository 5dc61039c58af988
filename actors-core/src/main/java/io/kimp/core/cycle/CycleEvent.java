package io.kimp.core.cycle;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.kimp.core.CborSerializable;
import io.kimp.core.cycle.journal.DepositSeen;
import io.kimp.core.cycle.journal.FilledOrder;
import io.kimp.core.cycle.journal.OpportunityAtStart;
import io.kimp.core.cycle.journal.OrderIntent;
import io.kimp.core.cycle.journal.PerpOrderIntent;
import io.kimp.core.cycle.journal.RebalanceChoice;
import io.kimp.core.cycle.journal.WithdrawalIntent;
import io.kimp.core.cycle.journal.WithdrawalSent;
import io.kimp.core.market.Venue;
import io.kimp.core.venue.FailureClass;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/**
 * Everything that happens to a cycle, in the order it happened. The journal is the truth; state is a fold of these.
 *
 * <p>These are the journal's own flat records: their values are the journal's types ({@code io.kimp.core.cycle.journal}),
 * never a port's records, so a port may change without changing the journal. Their wire form is a contract with every
 * journal already written: type names ({@link JsonSubTypes}) and class names never change; a changed field needs a
 * {@code JacksonMigration} registered under {@code pekko.serialization.jackson.migrations} (see
 * {@code docs/journal-compatibility.md}).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = CycleEvent.CycleStarted.class, name = "CycleStarted"),
  @JsonSubTypes.Type(value = CycleEvent.StepRequested.class, name = "StepRequested"),
  @JsonSubTypes.Type(value = CycleEvent.StepOutcomeUnknown.class, name = "StepOutcomeUnknown"),
  @JsonSubTypes.Type(value = CycleEvent.StepNotPlaced.class, name = "StepNotPlaced"),
  @JsonSubTypes.Type(value = CycleEvent.StepCompleted.class, name = "StepCompleted"),
  @JsonSubTypes.Type(value = CycleEvent.StepFailed.class, name = "StepFailed"),
  @JsonSubTypes.Type(value = CycleEvent.RetryScheduled.class, name = "RetryScheduled"),
  @JsonSubTypes.Type(value = CycleEvent.RetryStarted.class, name = "RetryStarted"),
  @JsonSubTypes.Type(value = CycleEvent.CycleDeadLettered.class, name = "CycleDeadLettered"),
  @JsonSubTypes.Type(value = CycleEvent.DeadLetterRegistered.class, name = "DeadLetterRegistered"),
  @JsonSubTypes.Type(value = CycleEvent.RebalanceDeferred.class, name = "RebalanceDeferred"),
  @JsonSubTypes.Type(value = CycleEvent.RebalanceOverdue.class, name = "RebalanceOverdue"),
  @JsonSubTypes.Type(value = CycleEvent.RebalanceStarted.class, name = "RebalanceStarted"),
  @JsonSubTypes.Type(value = CycleEvent.CycleCompleted.class, name = "CycleCompleted"),
  @JsonSubTypes.Type(value = CycleEvent.CapitalReleased.class, name = "CapitalReleased"),
  @JsonSubTypes.Type(value = CycleEvent.CycleRecovered.class, name = "CycleRecovered"),
  @JsonSubTypes.Type(value = CycleEvent.CycleDiscarded.class, name = "CycleDiscarded"),
  @JsonSubTypes.Type(value = CycleEvent.CapitalRequested.class, name = "CapitalRequested"),
  @JsonSubTypes.Type(value = CycleEvent.CapitalRefused.class, name = "CapitalRefused"),
  @JsonSubTypes.Type(value = CycleEvent.HedgeSkipped.class, name = "HedgeSkipped"),
  @JsonSubTypes.Type(value = CycleEvent.HedgeMismatch.class, name = "HedgeMismatch"),
  @JsonSubTypes.Type(value = CycleEvent.DiscardStarted.class, name = "DiscardStarted")
})
public sealed interface CycleEvent extends CborSerializable {

  UUID cycleId();

  Instant at();

  /**
   * Capital was reserved: the cycle exists.
   *
   * @param hedged whether the initial leg is hedged (a perpetual short while the coin is in transit); null in journals
   *     written before the hedge existed, which means false
   */
  record CycleStarted(
      UUID cycleId,
      String symbol,
      OpportunityAtStart opportunity,
      BigDecimal investmentKrw,
      BigDecimal investmentQuote,
      BigDecimal usdtKrw,
      Instant at,
      Boolean hedged)
      implements CycleEvent {

    /** An unhedged start (what every cycle was before the hedge). */
    public CycleStarted(
        UUID cycleId, String symbol, OpportunityAtStart opportunity, BigDecimal investmentKrw,
        BigDecimal investmentQuote, BigDecimal usdtKrw, Instant at) {
      this(cycleId, symbol, opportunity, investmentKrw, investmentQuote, usdtKrw, at, null);
    }

    /**
     * Whether the initial leg is hedged (absent: no). Not named {@code isHedged}: Jackson would take it for the
     * {@code hedged} property's getter and its {@code @JsonIgnore} would drop the field from the journal.
     */
    @JsonIgnore
    public boolean hedgedLeg() {
      return Boolean.TRUE.equals(hedged);
    }
  }

  /**
   * The intent: persisted before the external action it names (wire version 2, {@code StepRequestedMigration}).
   *
   * @param venue where the action happens (for DEPOSIT: the receiving venue)
   * @param order set for BUY and SELL
   * @param withdrawal set for WITHDRAW; for DEPOSIT, the withdrawal being waited for
   * @param deadline when the step counts as stuck
   * @param perp set for HEDGE_OPEN and HEDGE_CLOSE (the perpetual order); absent in older journals, which hold none
   */
  record StepRequested(
      UUID cycleId,
      Leg leg,
      Step step,
      int attemptNumber,
      String clientId,
      Venue venue,
      String coin,
      OrderIntent order,
      WithdrawalIntent withdrawal,
      Instant requestedAt,
      Instant deadline,
      PerpOrderIntent perp)
      implements CycleEvent {

    public StepRequested(
        UUID cycleId, Leg leg, Step step, int attemptNumber, String clientId, Venue venue, String coin,
        OrderIntent order, WithdrawalIntent withdrawal, Instant requestedAt, Instant deadline) {
      this(cycleId, leg, step, attemptNumber, clientId, venue, coin, order, withdrawal, requestedAt, deadline, null);
    }

    /** The request of a new attempt (unresolved, no unknown outcome seen yet). */
    public static StepRequested of(UUID cycleId, StepAttempt a) {
      return new StepRequested(
          cycleId, a.leg(), a.step(), a.attempt(), a.clientId(), a.venue(), a.coin(), a.order(), a.withdrawal(),
          a.requestedAt(), a.deadline(), a.perp());
    }

    /** The attempt this request starts, as the state holds it. */
    @JsonIgnore
    public StepAttempt attempt() {
      return new StepAttempt(
          leg, step, attemptNumber, clientId, venue, coin, order, withdrawal, requestedAt, deadline, true, false, perp);
    }

    @Override
    public Instant at() {
      return requestedAt;
    }
  }

  /** The action's outcome is unknown (timeout, 5xx, lost connection, crash): it must be reconciled. */
  record StepOutcomeUnknown(UUID cycleId, String clientId, String reason, Instant at) implements CycleEvent {}

  /**
   * Reconciliation found that the venue never received the attempt (the intent was persisted, the request was lost
   * with a crash or a retry): a new attempt may be sent.
   */
  record StepNotPlaced(UUID cycleId, String clientId, Instant at) implements CycleEvent {}

  /**
   * A step completed, with what the venue reported (wire version 2, {@code StepCompletedMigration}): {@code order} for
   * BUY/SELL and for HEDGE_OPEN/HEDGE_CLOSE (the perpetual fill: quantity, average price, the futures fee in USDT),
   * {@code withdrawal} (with the request it answered, {@code withdrawalRequest}) for WITHDRAW, {@code deposit} for DEPOSIT.
   */
  record StepCompleted(
      UUID cycleId,
      Leg leg,
      Step step,
      String clientId,
      Venue venue,
      String coin,
      FilledOrder order,
      WithdrawalIntent withdrawalRequest,
      WithdrawalSent withdrawal,
      DepositSeen deposit,
      Instant completedAt)
      implements CycleEvent {

    public static StepCompleted of(UUID cycleId, StepRecord r) {
      return new StepCompleted(
          cycleId, r.leg(), r.step(), r.clientId(), r.venue(), r.coin(), r.order(), r.withdrawalRequest(),
          r.withdrawal(), r.deposit(), r.completedAt());
    }

    /** The completed step, as the state holds it. */
    @JsonIgnore
    public StepRecord record() {
      return new StepRecord(leg, step, clientId, venue, coin, order, withdrawalRequest, withdrawal, deposit, completedAt);
    }

    @Override
    public Instant at() {
      return completedAt;
    }
  }

  /**
   * A step failed. Always persisted together with its disposition ({@link RetryScheduled} or {@link CycleDeadLettered}).
   *
   * @param clientId the failed attempt, or null when the step failed before its intent (e.g. no deposit address)
   * @param attemptResolved true when the venue definitively did not act on this attempt
   */
  record StepFailed(
      UUID cycleId,
      Leg leg,
      Step step,
      String clientId,
      FailureClass failureClass,
      String reason,
      boolean attemptResolved,
      Instant at)
      implements CycleEvent {}

  record RetryScheduled(UUID cycleId, int retryCount, Instant nextRetryAt, Instant at) implements CycleEvent {}

  record RetryStarted(UUID cycleId, int retryCount, Instant at) implements CycleEvent {}

  record CycleDeadLettered(
      UUID cycleId, FailureClass failureClass, String reason, int retryCount, Instant at) implements CycleEvent {}

  /** The dead-letter queue has recorded the cycle. */
  record DeadLetterRegistered(UUID cycleId, Instant at) implements CycleEvent {}

  /** No coin carries the capital home profitably enough yet. */
  record RebalanceDeferred(UUID cycleId, String reason, RebalanceChoice bestCandidate, Instant at)
      implements CycleEvent {}

  /** The cycle has waited longer than {@code kimp.strategy.max-rebalance-wait}; alerted once. */
  record RebalanceOverdue(UUID cycleId, Instant waitingSince, Instant at) implements CycleEvent {}

  /**
   * The rebalance leg starts with {@code plan}'s coin.
   *
   * @param hedged whether the rebalance leg is hedged; null in journals written before the hedge existed (false)
   */
  record RebalanceStarted(UUID cycleId, RebalanceChoice plan, Instant at, Boolean hedged) implements CycleEvent {

    public RebalanceStarted(UUID cycleId, RebalanceChoice plan, Instant at) {
      this(cycleId, plan, at, null);
    }

    /** Whether the rebalance leg is hedged (absent: no); see {@link CycleStarted#hedgedLeg()} for the name. */
    @JsonIgnore
    public boolean hedgedLeg() {
      return Boolean.TRUE.equals(hedged);
    }
  }

  /**
   * Settled: the home-currency result of the whole cycle, the transfer hedge's included.
   *
   * @param hedgePnlUsdt the hedge's gross result over both legs, {@code Σ (open avg − close avg) × closed quantity}, in
   *     USDT; null when no leg was hedged (and in journals written before the hedge)
   * @param hedgeFeesUsdt the futures fees of both legs' opens and closes, in USDT; null when no leg was hedged
   */
  record CycleCompleted(
      UUID cycleId,
      BigDecimal netProfitQuote,
      BigDecimal netProfitKrw,
      BigDecimal netProfitPercent,
      Instant at,
      BigDecimal hedgePnlUsdt,
      BigDecimal hedgeFeesUsdt)
      implements CycleEvent {

    public CycleCompleted(
        UUID cycleId, BigDecimal netProfitQuote, BigDecimal netProfitKrw, BigDecimal netProfitPercent, Instant at) {
      this(cycleId, netProfitQuote, netProfitKrw, netProfitPercent, at, null, null);
    }
  }

  /**
   * A hedged leg goes on unhedged: the futures venue refused the short because the coin has no perpetual
   * ({@code perp-not-listed}) or the quantity is below the contract's minimum ({@code below-minimum}).
   */
  record HedgeSkipped(UUID cycleId, Leg leg, String reason, Instant at) implements CycleEvent {}

  /**
   * The futures venue's position holds a smaller short than this cycle's open one: {@code expected − seen} coins are
   * long without their short. The cycle is dead-lettered with it.
   *
   * @param expected the short this cycle's events say is open (coin units, positive)
   * @param seen the short the venue reported (coin units, positive; zero when flat or long)
   */
  record HedgeMismatch(UUID cycleId, Leg leg, String coin, BigDecimal expected, BigDecimal seen, Instant at)
      implements CycleEvent {}

  /**
   * An operator discarded a dead-lettered cycle whose short is open: the cycle first closes the short (a HEDGE_CLOSE
   * attempt with its intent, running like any step); {@link CycleDiscarded} follows once it is closed.
   */
  record DiscardStarted(UUID cycleId, String reason, Instant at) implements CycleEvent {}

  /** The portfolio has taken the cycle's capital back. */
  record CapitalReleased(UUID cycleId, Instant at) implements CycleEvent {}

  record CycleRecovered(UUID cycleId, String by, Instant at) implements CycleEvent {}

  record CycleDiscarded(UUID cycleId, String reason, Instant at) implements CycleEvent {}

  /**
   * The portfolio was asked to fund cycle {@code cycleId} for this opportunity. Until it answers (the cycle starts, or
   * {@link CapitalRefused}), further starts are refused, and a restart asks again (the reservation is idempotent).
   *
   * <p>{@code preparedKrw} (null in journals written before it, and when the entity had no size to ask for) is the
   * amount asked for, and with it this event is also the intent of the cycle's first order: a grant of exactly that
   * amount makes the initial leg's attempt-1 BUY (its client id, venue and budget follow from this event alone), and
   * that order is sent as soon as the grant arrives, while its {@code CycleStarted} and {@code StepRequested} are
   * written. So a grant found again after a restart ({@code CapitalGranted.resumed}) reconciles that order with the venue
   * before anything is sent; any other grant places the BUY only after its intent is written, as every other step.
   */
  record CapitalRequested(
      UUID cycleId, String symbol, OpportunityAtStart opportunity, Instant at, BigDecimal preparedKrw)
      implements CycleEvent {
    public CapitalRequested(UUID cycleId, String symbol, OpportunityAtStart opportunity, Instant at) {
      this(cycleId, symbol, opportunity, at, null);
    }
  }

  /** The portfolio refused (or did not answer) the capital request: no cycle. */
  record CapitalRefused(UUID cycleId, String reason, Instant at) implements CycleEvent {}
}
