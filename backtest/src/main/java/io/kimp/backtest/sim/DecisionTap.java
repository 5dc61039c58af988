package io.kimp.backtest.sim;

import io.kimp.core.cycle.CycleEvent;
import io.kimp.core.cycle.CycleReply;
import io.kimp.core.strategy.Opportunity;

/**
 * Sees a replay's decisions as they are made, in order: every opportunity offered to a cycle with the cycle's answer,
 * and every event the cycle rules persisted. For comparing a replay with the live path's journal, and for tools.
 */
public interface DecisionTap {
  DecisionTap NONE = new DecisionTap() {};

  /** {@code o} was offered to its coin's cycle, which answered {@code reply}. */
  default void offered(Opportunity o, CycleReply reply) {}

  /** A cycle's rules decided {@code e} (the live entity would have persisted it). */
  default void event(CycleEvent e) {}
}
