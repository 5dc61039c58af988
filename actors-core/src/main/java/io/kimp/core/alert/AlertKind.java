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
  /** The perpetual account's position differs from the shorts the cycles' journals hold open (the hedge watch). */
  HEDGE_POSITION_MISMATCH
}
