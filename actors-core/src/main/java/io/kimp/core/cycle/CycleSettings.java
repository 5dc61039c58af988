package io.kimp.core.cycle;

import io.kimp.core.strategy.TradingCosts;
import io.kimp.core.strategy.TransferRules;
import java.math.BigDecimal;
import java.time.Duration;

/**
 * The knobs of the cycle state machine ({@code kimp.retry.*}, {@code kimp.execution.*}, {@code kimp.transfer.*},
 * {@code kimp.strategy.*}).
 *
 * @param retryBaseDelay first retry delay; retry n waits {@code base × 2^(n−1)}
 * @param maxAttempts failures a cycle may take before it is dead-lettered
 * @param retryAlertThreshold the retry count that raises an alert
 * @param orderTimeout how long an order may stay unresolved or unfilled before it is reconciled, cancelled and failed
 * @param withdrawTimeout how long a withdrawal request may stay unanswered
 * @param depositTimeout how long a transfer may take to be credited
 * @param pollInterval how often a transfer is polled
 * @param reconcileInterval how often an unresolved action is queried again
 * @param unknownOutcomeGrace after this long since the request, "not found" at the venue means "never placed"
 * @param rebalanceCheckInterval how often a waiting cycle looks for a rebalance coin
 * @param maxRebalanceWait alert when a cycle has waited this long for a rebalance coin
 * @param finalizerMinProfitPercent the whole cycle's minimum expected net profit to start the rebalance leg
 * @param redeliveryInterval resend interval for unacknowledged capital releases and dead-letter registrations
 */
public record CycleSettings(
    Duration retryBaseDelay,
    int maxAttempts,
    int retryAlertThreshold,
    Duration orderTimeout,
    Duration withdrawTimeout,
    Duration depositTimeout,
    Duration pollInterval,
    Duration reconcileInterval,
    Duration unknownOutcomeGrace,
    Duration rebalanceCheckInterval,
    Duration maxRebalanceWait,
    BigDecimal finalizerMinProfitPercent,
    Duration redeliveryInterval,
    TradingCosts costs,
    TransferRules transfers) {

  public CycleSettings {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be >= 1");
    }
    if (retryBaseDelay.isNegative() || retryBaseDelay.isZero()) {
      throw new IllegalArgumentException("retryBaseDelay must be positive");
    }
  }

  /** Production defaults (the values {@code reference.conf} documents). */
  public static CycleSettings defaults() {
    return new CycleSettings(
        Duration.ofMinutes(10), 5, 3, Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofMinutes(10),
        Duration.ofSeconds(5), Duration.ofSeconds(2), Duration.ofSeconds(10), Duration.ofSeconds(5),
        Duration.ofMinutes(30), new BigDecimal("0.1"), Duration.ofSeconds(5), TradingCosts.defaults(),
        TransferRules.none());
  }

  /** Delay before retry {@code n} (1-based): {@code base × 2^(n−1)}. */
  public Duration retryDelay(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("retry number starts at 1");
    }
    return retryBaseDelay.multipliedBy(1L << Math.min(n - 1, 30));
  }
}
