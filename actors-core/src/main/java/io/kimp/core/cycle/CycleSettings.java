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
 * @param hedge the transfer hedge ({@code kimp.hedge.*}): off by default
 */
public record CycleSettings(
    RetryPolicy retry,
    Execution execution,
    TransferPolling transfer,
    RebalancePolicy rebalance,
    TradingCosts costs,
    TransferRules transfers,
    HedgePolicy hedge) {

  public CycleSettings {
    requireAll(retry, execution, transfer, rebalance, costs, transfers, hedge);
  }

  /** Settings without the transfer hedge (what every cycle ran with before it existed). */
  public CycleSettings(
      RetryPolicy retry,
      Execution execution,
      TransferPolling transfer,
      RebalancePolicy rebalance,
      TradingCosts costs,
      TransferRules transfers) {
    this(retry, execution, transfer, rebalance, costs, transfers, HedgePolicy.defaults());
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

  /**
   * The transfer hedge: a leg that buys a coin shorts its perpetual while the coin is in transit, so that the premium
   * earned is not lost to the coin's price moving during a transfer of minutes.
   *
   * @param enabled {@code kimp.hedge.enabled}: off, every leg runs unhedged as before
   * @param unlisted {@code kimp.hedge.unlisted}: what happens to a coin without a perpetual
   * @param leverage {@code kimp.hedge.leverage}: set on the perpetual before a short opens (1-125)
   * @param positionCheckInterval {@code kimp.hedge.position-check-interval}: how often an open short is compared with the
   *     venue's position
   * @param futuresTakerFee {@code kimp.fees.binance-futures.taker}: a fraction (0.0005 = 0.05 %)
   */
  public record HedgePolicy(
      boolean enabled, Unlisted unlisted, int leverage, Duration positionCheckInterval, BigDecimal futuresTakerFee) {
    public HedgePolicy {
      if (unlisted == null) {
        throw new IllegalArgumentException("kimp.hedge.unlisted must be trade-unhedged or skip");
      }
      if (leverage < 1 || leverage > 125) {
        throw new IllegalArgumentException("kimp.hedge.leverage must be between 1 and 125, not " + leverage);
      }
      if (positionCheckInterval == null || positionCheckInterval.isNegative() || positionCheckInterval.isZero()) {
        throw new IllegalArgumentException(
            "kimp.hedge.position-check-interval must be a positive duration, not " + positionCheckInterval);
      }
      if (futuresTakerFee == null || futuresTakerFee.signum() < 0
          || futuresTakerFee.compareTo(new BigDecimal("0.05")) > 0) {
        throw new IllegalArgumentException(
            "kimp.fees.binance-futures.taker is a fraction between 0 and 0.05 (0.0005 = 0.05 %), not " + futuresTakerFee);
      }
    }

    /** {@code kimp.hedge.*} as {@code reference.conf} documents them: off. */
    public static HedgePolicy defaults() {
      return new HedgePolicy(false, Unlisted.TRADE_UNHEDGED, 2, Duration.ofMinutes(1), new BigDecimal("0.0005"));
    }

    /** The same policy, switched on or off. */
    public HedgePolicy withEnabled(boolean on) {
      return new HedgePolicy(on, unlisted, leverage, positionCheckInterval, futuresTakerFee);
    }
  }

  /** {@code kimp.hedge.unlisted}: a coin without a perpetual trades unhedged, or is not offered at all. */
  public enum Unlisted {
    /** {@code trade-unhedged}: the leg runs unhedged (a {@code HedgeSkipped} event says so). */
    TRADE_UNHEDGED,
    /** {@code skip}: the opportunity detector does not offer the coin. */
    SKIP;

    /** The configuration's spelling ({@code trade-unhedged}, {@code skip}). */
    public static Unlisted parse(String raw) {
      String v = raw == null ? "" : raw.trim().toLowerCase(java.util.Locale.ROOT);
      switch (v) {
        case "trade-unhedged":
          return TRADE_UNHEDGED;
        case "skip":
          return SKIP;
        default:
          throw new IllegalArgumentException("kimp.hedge.unlisted must be trade-unhedged or skip, not '" + raw + "'");
      }
    }
  }

  /** Production defaults (the values {@code reference.conf} documents), with no coin's transfer rules. */
  public static CycleSettings defaults() {
    return new CycleSettings(RetryPolicy.defaults(), Execution.defaults(), TransferPolling.defaults(),
        RebalancePolicy.defaults(), TradingCosts.defaults(), TransferRules.none(), HedgePolicy.defaults());
  }

  public CycleSettings withRetry(RetryPolicy r) {
    return new CycleSettings(r, execution, transfer, rebalance, costs, transfers, hedge);
  }

  public CycleSettings withExecution(Execution e) {
    return new CycleSettings(retry, e, transfer, rebalance, costs, transfers, hedge);
  }

  public CycleSettings withTransfer(TransferPolling t) {
    return new CycleSettings(retry, execution, t, rebalance, costs, transfers, hedge);
  }

  public CycleSettings withRebalance(RebalancePolicy r) {
    return new CycleSettings(retry, execution, transfer, r, costs, transfers, hedge);
  }

  public CycleSettings withCosts(TradingCosts c) {
    return new CycleSettings(retry, execution, transfer, rebalance, c, transfers, hedge);
  }

  public CycleSettings withTransfers(TransferRules t) {
    return new CycleSettings(retry, execution, transfer, rebalance, costs, t, hedge);
  }

  public CycleSettings withHedge(HedgePolicy h) {
    return new CycleSettings(retry, execution, transfer, rebalance, costs, transfers, h);
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
