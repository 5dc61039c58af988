package io.kimp.core.cycle;

import io.kimp.core.strategy.TradingCosts;
import io.kimp.core.strategy.TransferRules;
import java.math.BigDecimal;
import java.time.Duration;

/**
 * The knobs of the cycle state machine, grouped by what they govern: the retry policy ({@code kimp.retry.*},
 * {@code kimp.alerts.retry-threshold}), the execution of one step ({@code kimp.execution.*}), the polling of a transfer
 * ({@code kimp.transfer.*}), the rebalance leg ({@code kimp.strategy.*}), and the venues' costs and transfer rules.
 * Build one from {@link #defaults()} and the {@code with…} methods; {@code CoreSettings.cycle(Config)} reads it from the
 * configuration.
 *
 * @param retry how often and how late a failed step is tried again
 * @param execution how long one order or withdrawal may take, and how an unresolved one is reconciled
 * @param transfer how a transfer is watched until it is credited
 * @param rebalance when the rebalance leg starts and how long a cycle may wait for a coin
 * @param costs taker and withdrawal fees of each venue
 * @param transfers the coins' networks, precisions and minimums
 */
public record CycleSettings(
    RetryPolicy retry,
    Execution execution,
    TransferPolling transfer,
    RebalancePolicy rebalance,
    TradingCosts costs,
    TransferRules transfers) {

  public CycleSettings {
    requireAll(retry, execution, transfer, rebalance, costs, transfers);
  }

  /**
   * @param baseDelay first retry delay; retry n waits {@code base × 2^(n−1)}
   * @param maxAttempts failures a cycle may take before it is dead-lettered
   * @param alertThreshold the retry count that raises an alert
   */
  public record RetryPolicy(Duration baseDelay, int maxAttempts, int alertThreshold) {
    public RetryPolicy {
      if (maxAttempts < 1) {
        throw new IllegalArgumentException("maxAttempts must be >= 1");
      }
      if (baseDelay.isNegative() || baseDelay.isZero()) {
        throw new IllegalArgumentException("retry baseDelay must be positive");
      }
    }

    /** {@code kimp.retry.*} and {@code kimp.alerts.retry-threshold} as {@code reference.conf} documents them. */
    public static RetryPolicy defaults() {
      return new RetryPolicy(Duration.ofMinutes(10), 5, 3);
    }

    /** Delay before retry {@code n} (1-based): {@code base × 2^(n−1)}. */
    public Duration delay(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("retry number starts at 1");
      }
      return baseDelay.multipliedBy(1L << Math.min(n - 1, 30));
    }
  }

  /**
   * @param orderTimeout how long an order may stay unresolved or unfilled before it is reconciled, cancelled and failed
   * @param withdrawTimeout how long a withdrawal request may stay unanswered
   * @param reconcileInterval how often an unresolved action is queried again
   * @param unknownOutcomeGrace after this long since the request, "not found" at the venue means "never placed"
   * @param redeliveryInterval resend interval for unacknowledged capital releases and dead-letter registrations
   */
  public record Execution(
      Duration orderTimeout,
      Duration withdrawTimeout,
      Duration reconcileInterval,
      Duration unknownOutcomeGrace,
      Duration redeliveryInterval) {
    public Execution {
      positive("orderTimeout", orderTimeout);
      positive("withdrawTimeout", withdrawTimeout);
      positive("reconcileInterval", reconcileInterval);
      positive("unknownOutcomeGrace", unknownOutcomeGrace);
      positive("redeliveryInterval", redeliveryInterval);
    }

    /** {@code kimp.execution.*} as {@code reference.conf} documents them. */
    public static Execution defaults() {
      return new Execution(Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(2),
          Duration.ofSeconds(10), Duration.ofSeconds(5));
    }
  }

  /**
   * @param depositTimeout how long a transfer may take to be credited
   * @param pollInterval how often a transfer is polled
   */
  public record TransferPolling(Duration depositTimeout, Duration pollInterval) {
    public TransferPolling {
      positive("depositTimeout", depositTimeout);
      positive("pollInterval", pollInterval);
    }

    /** {@code kimp.transfer.deposit-timeout} and {@code poll-interval} as {@code reference.conf} documents them. */
    public static TransferPolling defaults() {
      return new TransferPolling(Duration.ofMinutes(10), Duration.ofSeconds(5));
    }

    public TransferPolling withDepositTimeout(Duration timeout) {
      return new TransferPolling(timeout, pollInterval);
    }
  }

  /**
   * @param checkInterval how often a waiting cycle looks for a rebalance coin
   * @param maxWait alert when a cycle has waited this long for a rebalance coin
   * @param finalizerMinProfitPercent the whole cycle's minimum expected net profit to start the rebalance leg
   */
  public record RebalancePolicy(Duration checkInterval, Duration maxWait, BigDecimal finalizerMinProfitPercent) {
    public RebalancePolicy {
      positive("rebalance checkInterval", checkInterval);
      positive("rebalance maxWait", maxWait);
      if (finalizerMinProfitPercent == null) {
        throw new IllegalArgumentException("finalizerMinProfitPercent is required");
      }
    }

    /** {@code kimp.strategy.rebalance-*} and {@code finalizer-min-profit-percent} as {@code reference.conf} has them. */
    public static RebalancePolicy defaults() {
      return new RebalancePolicy(Duration.ofSeconds(5), Duration.ofMinutes(30), new BigDecimal("0.1"));
    }
  }

  /** Production defaults (the values {@code reference.conf} documents), with no coin's transfer rules. */
  public static CycleSettings defaults() {
    return new CycleSettings(RetryPolicy.defaults(), Execution.defaults(), TransferPolling.defaults(),
        RebalancePolicy.defaults(), TradingCosts.defaults(), TransferRules.none());
  }

  public CycleSettings withRetry(RetryPolicy r) {
    return new CycleSettings(r, execution, transfer, rebalance, costs, transfers);
  }

  public CycleSettings withExecution(Execution e) {
    return new CycleSettings(retry, e, transfer, rebalance, costs, transfers);
  }

  public CycleSettings withTransfer(TransferPolling t) {
    return new CycleSettings(retry, execution, t, rebalance, costs, transfers);
  }

  public CycleSettings withRebalance(RebalancePolicy r) {
    return new CycleSettings(retry, execution, transfer, r, costs, transfers);
  }

  public CycleSettings withCosts(TradingCosts c) {
    return new CycleSettings(retry, execution, transfer, rebalance, c, transfers);
  }

  public CycleSettings withTransfers(TransferRules t) {
    return new CycleSettings(retry, execution, transfer, rebalance, costs, t);
  }

  private static void positive(String what, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(what + " must be a positive duration, not " + d);
    }
  }

  private static void requireAll(Object... parts) {
    for (Object p : parts) {
      if (p == null) {
        throw new IllegalArgumentException("every part of the cycle settings is required");
      }
    }
  }
}
