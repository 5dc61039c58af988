package io.kimp.core.cycle;

/**
 * The states of a symbol's cycle entity. {@link #IDLE} is between cycles; the others are the states of one cycle.
 *
 * <ul>
 *   <li>{@link #STARTED}: capital reserved, the initial leg is running (buy → withdraw → deposit → sell).
 *   <li>{@link #INITIAL_TRADE_COMPLETED}: the initial leg sold; the rebalance coin is being chosen.
 *   <li>{@link #AWAITING_REBALANCE}: no coin carries the capital home profitably enough yet; re-checked periodically.
 *   <li>{@link #REBALANCING_IN_PROGRESS}: the rebalance leg is running.
 *   <li>{@link #REBALANCE_TRADE_COMPLETED}: the rebalance leg sold; the cycle's result is being settled.
 *   <li>{@link #COMPLETED}: settled, net profit known.
 *   <li>{@link #AWAITING_RETRY}: a step failed transiently; it resumes at {@code nextRetryAt}.
 *   <li>{@link #DEAD_LETTER}: a step failed permanently or too often; an operator must recover or discard it.
 *   <li>{@link #FAILED}: closed without completing (discarded by an operator); nothing more will happen.
 * </ul>
 */
public enum CycleStatus {
  IDLE,
  STARTED,
  INITIAL_TRADE_COMPLETED,
  AWAITING_REBALANCE,
  REBALANCING_IN_PROGRESS,
  REBALANCE_TRADE_COMPLETED,
  COMPLETED,
  FAILED,
  AWAITING_RETRY,
  DEAD_LETTER;

  /** A cycle in this state still holds capital and blocks a new cycle for its symbol. */
  public boolean isOpen() {
    return this != IDLE && this != COMPLETED && this != FAILED;
  }

  /** The state a leg runs in. */
  public static CycleStatus running(Leg leg) {
    return leg == Leg.INITIAL ? STARTED : REBALANCING_IN_PROGRESS;
  }
}
