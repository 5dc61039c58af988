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
    boolean deadLetterRegistered)
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

  /** The next step the current leg must run, or null when the leg has sold. */
  public Step nextStep() {
    Step next = Step.BUY;
    for (Step s : Step.values()) {
      if (completed(leg, s).isPresent()) {
        next = s.next();
      }
    }
    return next;
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
          netProfitPercent, endedAt, capitalReleased, deadLetterRegistered);
    }
  }
}
