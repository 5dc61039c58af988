package io.kimp.core.cycle;

import io.kimp.core.CborSerializable;
import io.kimp.core.market.Direction;
import io.kimp.core.market.Venue;
import io.kimp.core.cycle.journal.OpportunityAtStart;
import io.kimp.core.cycle.journal.RebalanceChoice;
import io.kimp.core.venue.FailureClass;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * One arbitrage cycle, as folded from its events. Immutable; {@link #toBuilder()} for transitions.
 *
 * @param investmentQuote the initial investment in the home venue's quote currency (USDT for KIMCHI, KRW for REVERSE)
 * @param usdtKrw the newest USDT/KRW rate the cycle has seen (start, then rebalance choice)
 * @param statusSince when the cycle entered {@code status}
 * @param current the step attempt in flight, or the last failed attempt while retrying; null between steps
 * @param legHedged whether the current leg runs with the transfer hedge (decided when the leg starts; false again once
 *     the futures venue refused the short, {@code HedgeSkipped})
 * @param discardReason set while a discarded cycle closes its open short before it is closed
 * @param hedgeMismatchSeen the short the venue showed at the last recorded {@code HedgeMismatch}, until a recovery
 */
public record Cycle(
    UUID cycleId,
    String symbol,
    Direction direction,
    OpportunityAtStart opportunity,
    Instant startedAt,
    BigDecimal investmentKrw,
    BigDecimal investmentQuote,
    BigDecimal usdtKrw,
    CycleStatus status,
    Instant statusSince,
    Leg leg,
    RebalanceChoice rebalancePlan,
    Instant awaitingRebalanceSince,
    boolean rebalanceOverdueAlerted,
    StepAttempt current,
    List<StepRecord> steps,
    int retryCount,
    Instant lastRetryAt,
    Instant nextRetryAt,
    FailureClass failureClass,
    String failureReason,
    BigDecimal netProfitQuote,
    BigDecimal netProfitKrw,
    BigDecimal netProfitPercent,
    Instant endedAt,
    boolean capitalReleased,
    boolean deadLetterRegistered,
    boolean legHedged,
    String discardReason,
    BigDecimal hedgeMismatchSeen)
    implements CborSerializable {

  public Cycle {
    steps = steps == null ? List.of() : List.copyOf(steps);
  }

  /** The venue where the cycle's capital starts and must end. */
  public Venue homeVenue() {
    return direction.buyVenue();
  }

  /** The coin the current leg moves. */
  public String legCoin() {
    return leg == Leg.INITIAL ? symbol : rebalancePlan.coin();
  }

  /** Where the current leg buys. */
  public Venue legBuyVenue() {
    return leg == Leg.INITIAL ? direction.buyVenue() : direction.sellVenue();
  }

  public Venue legSellVenue() {
    return legBuyVenue().other();
  }

  public Optional<StepRecord> completed(Leg l, Step s) {
    for (StepRecord r : steps) {
      if (r.leg() == l && r.step() == s) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }

  /** The current leg's steps, in order. */
  public java.util.List<Step> legSteps() {
    return Step.sequence(legHedged);
  }

  /**
   * The next step the current leg must run, or null when the leg is done (sold, and its short closed when hedged). While
   * a discarded cycle closes its short, that close is the only step left.
   */
  public Step nextStep() {
    if (discardReason != null) {
      return openShort().signum() > 0 ? Step.HEDGE_CLOSE : null;
    }
    for (Step s : legSteps()) {
      if (completed(leg, s).isEmpty()) {
        return s;
      }
    }
    return null;
  }

  /**
   * The short this cycle holds at the futures venue, by its events: the current leg's executed HEDGE_OPEN quantity until
   * its HEDGE_CLOSE completes; zero otherwise (legs run one after the other, so an earlier leg's short is closed).
   */
  public BigDecimal openShort() {
    Optional<StepRecord> open = completed(leg, Step.HEDGE_OPEN);
    if (open.isEmpty() || completed(leg, Step.HEDGE_CLOSE).isPresent() || open.get().order() == null) {
      return BigDecimal.ZERO;
    }
    return open.get().order().filledQuantity();
  }

  /** A hedge order whose outcome is not known yet (the venue's position may or may not include it). */
  public boolean hedgeInFlight() {
    return current != null && current.unresolved() && current.leg() == leg && current.step().isHedge();
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Mutable copy used by the transition function only. */
  public static final class Builder {
    UUID cycleId;
    String symbol;
    Direction direction;
    OpportunityAtStart opportunity;
    Instant startedAt;
    BigDecimal investmentKrw;
    BigDecimal investmentQuote;
    BigDecimal usdtKrw;
    CycleStatus status;
    Instant statusSince;
    Leg leg;
    RebalanceChoice rebalancePlan;
    Instant awaitingRebalanceSince;
    boolean rebalanceOverdueAlerted;
    StepAttempt current;
    List<StepRecord> steps;
    int retryCount;
    Instant lastRetryAt;
    Instant nextRetryAt;
    FailureClass failureClass;
    String failureReason;
    BigDecimal netProfitQuote;
    BigDecimal netProfitKrw;
    BigDecimal netProfitPercent;
    Instant endedAt;
    boolean capitalReleased;
    boolean deadLetterRegistered;
    boolean legHedged;
    String discardReason;
    BigDecimal hedgeMismatchSeen;

    Builder() {
      steps = new ArrayList<>();
    }

    Builder(Cycle c) {
      cycleId = c.cycleId;
      symbol = c.symbol;
      direction = c.direction;
      opportunity = c.opportunity;
      startedAt = c.startedAt;
      investmentKrw = c.investmentKrw;
      investmentQuote = c.investmentQuote;
      usdtKrw = c.usdtKrw;
      status = c.status;
      statusSince = c.statusSince;
      leg = c.leg;
      rebalancePlan = c.rebalancePlan;
      awaitingRebalanceSince = c.awaitingRebalanceSince;
      rebalanceOverdueAlerted = c.rebalanceOverdueAlerted;
      current = c.current;
      steps = new ArrayList<>(c.steps);
      retryCount = c.retryCount;
      lastRetryAt = c.lastRetryAt;
      nextRetryAt = c.nextRetryAt;
      failureClass = c.failureClass;
      failureReason = c.failureReason;
      netProfitQuote = c.netProfitQuote;
      netProfitKrw = c.netProfitKrw;
      netProfitPercent = c.netProfitPercent;
      endedAt = c.endedAt;
      capitalReleased = c.capitalReleased;
      deadLetterRegistered = c.deadLetterRegistered;
      legHedged = c.legHedged;
      discardReason = c.discardReason;
      hedgeMismatchSeen = c.hedgeMismatchSeen;
    }

    Builder status(CycleStatus s, Instant at) {
      if (s != status) {
        status = s;
        statusSince = at;
      }
      return this;
    }

    Cycle build() {
      return new Cycle(
          cycleId, symbol, direction, opportunity, startedAt, investmentKrw, investmentQuote, usdtKrw, status,
          statusSince, leg, rebalancePlan, awaitingRebalanceSince, rebalanceOverdueAlerted, current, steps,
          retryCount, lastRetryAt, nextRetryAt, failureClass, failureReason, netProfitQuote, netProfitKrw,
          netProfitPercent, endedAt, capitalReleased, deadLetterRegistered, legHedged, discardReason,
          hedgeMismatchSeen);
    }
  }
}
