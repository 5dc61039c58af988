package io.kimp.core.alert;

public enum AlertKind {
  CYCLE_DEAD_LETTERED,
  CYCLE_RECOVERED,
  CYCLE_DISCARDED,
  RETRY_THRESHOLD_REACHED,
  REBALANCE_OVERDUE,
  NODE_STARTED,
  NODE_STOPPING,
  FEED_DOWN,
  FEED_STALE,
  THROUGHPUT_DROP,
  TRADING_PAUSED,
  TRADING_RESUMED,
  LOSS_LIMIT_REACHED,
  /** Trading idle for a reason an operator can act on (slots or exposure held, stale feeds): the dashboard's banner. */
  TRADING_IDLE,
  DAILY_SUMMARY,
  /** A hedged leg goes on unhedged: the coin has no perpetual, or the quantity is below the contract's minimum. */
  HEDGE_SKIPPED,
  /**
   * A cycle holds a position the hedge does not cover: a long without its short (the short failed, or the venue shows a
   * smaller one), a short without its long, or a short still open in a dead-lettered cycle.
   */
  HEDGE_EXPOSED
}
