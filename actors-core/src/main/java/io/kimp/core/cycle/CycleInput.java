package io.kimp.core.cycle;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.kimp.core.CborSerializable;
import io.kimp.core.market.CoinQuote;
import io.kimp.core.strategy.Opportunity;
import io.kimp.core.venue.Deposit;
import io.kimp.core.venue.DepositAddress;
import io.kimp.core.venue.FailureClass;
import io.kimp.core.venue.OrderResult;
import io.kimp.core.venue.PerpPosition;
import io.kimp.core.venue.WithdrawalResult;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What the transition function reacts to: operator and strategy commands, and the answers to the effects it asked for
 * (venue replies, timers, portfolio and dead-letter acknowledgements, market snapshots).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = CycleInput.Start.class, name = "Start"),
  @JsonSubTypes.Type(value = CycleInput.Get.class, name = "Get"),
  @JsonSubTypes.Type(value = CycleInput.Wake.class, name = "Wake"),
  @JsonSubTypes.Type(value = CycleInput.Recover.class, name = "Recover"),
  @JsonSubTypes.Type(value = CycleInput.Discard.class, name = "Discard"),
  @JsonSubTypes.Type(value = CycleInput.CapitalGranted.class, name = "CapitalGranted"),
  @JsonSubTypes.Type(value = CycleInput.CapitalDenied.class, name = "CapitalDenied"),
  @JsonSubTypes.Type(value = CycleInput.CapitalReleaseAcked.class, name = "CapitalReleaseAcked"),
  @JsonSubTypes.Type(value = CycleInput.DeadLetterAcked.class, name = "DeadLetterAcked"),
  @JsonSubTypes.Type(value = CycleInput.AddressResolved.class, name = "AddressResolved"),
  @JsonSubTypes.Type(value = CycleInput.AddressFailed.class, name = "AddressFailed"),
  @JsonSubTypes.Type(value = CycleInput.VenueReplied.class, name = "VenueReplied"),
  @JsonSubTypes.Type(value = CycleInput.Reconciled.class, name = "Reconciled"),
  @JsonSubTypes.Type(value = CycleInput.TransferPolled.class, name = "TransferPolled"),
  @JsonSubTypes.Type(value = CycleInput.TimerFired.class, name = "TimerFired"),
  @JsonSubTypes.Type(value = CycleInput.MarketSnapshot.class, name = "MarketSnapshot"),
  @JsonSubTypes.Type(value = CycleInput.PositionSeen.class, name = "PositionSeen")
})
public sealed interface CycleInput extends CborSerializable {

  /**
   * The inputs anyone may send a cycle (operators, the strategy, the dead-letter queue): what {@link CycleDirectory}
   * carries. The others are answers to the cycle's own effects, which only the cycle's own adapters deliver.
   */
  sealed interface Operator extends CycleInput permits Start, Get, Recover, Discard {}

  /**
   * Start a cycle on this opportunity (refused while one is open). {@code sizeKrw} (nullable) is what the portfolio
   * said it would grant the next cycle ({@code PortfolioCapacity}); with it the cycle asks for exactly
   * min(sizeKrw, the opportunity's own limit) and its first order is prepared with the request (see
   * {@code CycleEvent.CapitalRequested}).
   */
  record Start(Opportunity opportunity, BigDecimal sizeKrw) implements Operator {
    public Start(Opportunity opportunity) {
      this(opportunity, null);
    }
  }

  record Get() implements Operator {}

  /** The entity has (re)started from its journal: derive timers, reconcile in-flight actions. */
  record Wake() implements CycleInput {}

  /** Operator: resume a dead-lettered cycle from its failed step, retry count reset. */
  record Recover(UUID cycleId, String by) implements Operator {}

  /** Operator: close a dead-lettered cycle; its capital is released and nothing more is attempted. */
  record Discard(UUID cycleId, String reason) implements Operator {}

  /**
   * The portfolio's grant. {@code resumed}: the answer to a request asked again after the entity restarted, when the
   * prepared first order may already have been sent by the incarnation before.
   */
  record CapitalGranted(UUID cycleId, Opportunity opportunity, BigDecimal amountKrw, boolean resumed)
      implements CycleInput {
    public CapitalGranted(UUID cycleId, Opportunity opportunity, BigDecimal amountKrw) {
      this(cycleId, opportunity, amountKrw, false);
    }
  }

  record CapitalDenied(UUID cycleId, String reason) implements CycleInput {}

  record CapitalReleaseAcked(UUID cycleId) implements CycleInput {}

  record DeadLetterAcked(UUID cycleId) implements CycleInput {}

  record AddressResolved(UUID cycleId, Leg leg, DepositAddress address) implements CycleInput {}

  record AddressFailed(UUID cycleId, Leg leg, FailureClass failureClass, String reason) implements CycleInput {}

  /**
   * The answer to a placed order (spot or perpetual) or requested withdrawal: a result, or a failure with its class and
   * the venue's code ({@code VenueException.code()}, e.g. {@code perp-not-listed}; null when unknown).
   */
  /**
   * A venue's answer to an order or a withdrawal; on a failure, {@code retryAfter} is how long the venue asked to be
   * left alone (its 429/418 {@code Retry-After}, or what is left of such a pause when the request was not sent), else
   * null.
   */
  record VenueReplied(
      String clientId, OrderResult order, WithdrawalResult withdrawal, FailureClass failure, String error, String code,
      java.time.Duration retryAfter)
      implements CycleInput {

    public VenueReplied(
        String clientId, OrderResult order, WithdrawalResult withdrawal, FailureClass failure, String error) {
      this(clientId, order, withdrawal, failure, error, null, null);
    }

    public VenueReplied(
        String clientId, OrderResult order, WithdrawalResult withdrawal, FailureClass failure, String error,
        String code) {
      this(clientId, order, withdrawal, failure, error, code, null);
    }

    public static VenueReplied order(String clientId, OrderResult r) {
      return new VenueReplied(clientId, r, null, null, null, null);
    }

    public static VenueReplied withdrawal(String clientId, WithdrawalResult r) {
      return new VenueReplied(clientId, null, r, null, null, null);
    }

    public static VenueReplied failed(String clientId, FailureClass failure, String error) {
      return new VenueReplied(clientId, null, null, failure, error, null);
    }

    public static VenueReplied failed(String clientId, FailureClass failure, String error, String code) {
      return new VenueReplied(clientId, null, null, failure, error, code);
    }

    public static VenueReplied failed(
        String clientId, FailureClass failure, String error, String code, java.time.Duration retryAfter) {
      return new VenueReplied(clientId, null, null, failure, error, code, retryAfter);
    }
  }

  /** The futures venue's position in {@code coin} ({@link CycleEffect.CheckPosition}), or why it could not be read. */
  record PositionSeen(String coin, PerpPosition position, String error) implements CycleInput {}

  /**
   * The answer to a query by client id: {@code found} with the venue's record, not found, or the query failed
   * ({@code error} set).
   */
  record Reconciled(String clientId, boolean found, OrderResult order, WithdrawalResult withdrawal, String error)
      implements CycleInput {}

  /** One poll of a transfer: the sending venue's withdrawal record (if known) and the receiving venue's deposits. */
  record TransferPolled(String clientId, WithdrawalResult withdrawal, List<Deposit> deposits, String error)
      implements CycleInput {}

  record TimerFired(TimerKind kind, String ref) implements CycleInput {}

  /**
   * The market's fresh quotes, and the rebalance threshold in force when they were read (the runtime setting kept by
   * {@code RuntimeSettings}); a null threshold means the configured {@link CycleSettings.RebalancePolicy#finalizerMinProfitPercent()}.
   */
  record MarketSnapshot(Map<String, CoinQuote> quotes, BigDecimal finalizerMinProfitPercent) implements CycleInput {

    public MarketSnapshot(Map<String, CoinQuote> quotes) {
      this(quotes, null);
    }
  }

  enum TimerKind {
    /** A retry is due ({@code ref} = cycle id). */
    RETRY_DUE,
    /** A step's deadline passed ({@code ref} = client id). */
    STEP_DEADLINE,
    /** Time to query an unresolved or unfinished action again ({@code ref} = client id). */
    RECONCILE_DUE,
    /** Time to poll a transfer again ({@code ref} = client id). */
    POLL_DUE,
    /** Time to look for a rebalance coin again ({@code ref} = cycle id). */
    REBALANCE_CHECK,
    /** Time to resend an unacknowledged capital release or dead-letter registration ({@code ref} = cycle id). */
    REDELIVER,
    /** Time to compare the open short with the futures venue's position ({@code ref} = cycle id). */
    POSITION_CHECK
  }
}
