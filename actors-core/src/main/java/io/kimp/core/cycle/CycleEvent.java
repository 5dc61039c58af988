package io.kimp.core.cycle;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.kimp.core.CborSerializable;
import io.kimp.core.strategy.Opportunity;
import io.kimp.core.strategy.RebalancePlan;
import io.kimp.core.venue.FailureClass;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/** Everything that happens to a cycle, in the order it happened. The journal is the truth; state is a fold of these. */
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
  @JsonSubTypes.Type(value = CycleEvent.CapitalRefused.class, name = "CapitalRefused")
})
public sealed interface CycleEvent extends CborSerializable {

  UUID cycleId();

  Instant at();

  /** Capital was reserved: the cycle exists. */
  record CycleStarted(
      UUID cycleId,
      String symbol,
      Opportunity opportunity,
      BigDecimal investmentKrw,
      BigDecimal investmentQuote,
      BigDecimal usdtKrw,
      Instant at)
      implements CycleEvent {}

  /** The intent: persisted before the external action it names. */
  record StepRequested(UUID cycleId, StepAttempt attempt) implements CycleEvent {
    @Override
    public Instant at() {
      return attempt.requestedAt();
    }
  }

  /** The action's outcome is unknown (timeout, 5xx, lost connection, crash): it must be reconciled. */
  record StepOutcomeUnknown(UUID cycleId, String clientId, String reason, Instant at) implements CycleEvent {}

  /**
   * Reconciliation found that the venue never received the attempt (the intent was persisted, the request was lost
   * with a crash or a retry): a new attempt may be sent.
   */
  record StepNotPlaced(UUID cycleId, String clientId, Instant at) implements CycleEvent {}

  record StepCompleted(UUID cycleId, StepRecord record) implements CycleEvent {
    @Override
    public Instant at() {
      return record.completedAt();
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
  record RebalanceDeferred(UUID cycleId, String reason, RebalancePlan bestCandidate, Instant at)
      implements CycleEvent {}

  /** The cycle has waited longer than {@code kimp.strategy.max-rebalance-wait}; alerted once. */
  record RebalanceOverdue(UUID cycleId, Instant waitingSince, Instant at) implements CycleEvent {}

  record RebalanceStarted(UUID cycleId, RebalancePlan plan, Instant at) implements CycleEvent {}

  /** Settled: the home-currency result of the whole cycle. */
  record CycleCompleted(
      UUID cycleId,
      BigDecimal netProfitQuote,
      BigDecimal netProfitKrw,
      BigDecimal netProfitPercent,
      Instant at)
      implements CycleEvent {}

  /** The portfolio has taken the cycle's capital back. */
  record CapitalReleased(UUID cycleId, Instant at) implements CycleEvent {}

  record CycleRecovered(UUID cycleId, String by, Instant at) implements CycleEvent {}

  record CycleDiscarded(UUID cycleId, String reason, Instant at) implements CycleEvent {}

  /**
   * The portfolio was asked to fund cycle {@code cycleId} for this opportunity. Until it answers (the cycle starts, or
   * {@link CapitalRefused}), further starts are refused, and a restart asks again (the reservation is idempotent).
   */
  record CapitalRequested(UUID cycleId, String symbol, Opportunity opportunity, Instant at) implements CycleEvent {}

  /** The portfolio refused (or did not answer) the capital request: no cycle. */
  record CapitalRefused(UUID cycleId, String reason, Instant at) implements CycleEvent {}
}
