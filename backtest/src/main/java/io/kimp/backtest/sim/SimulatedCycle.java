package io.kimp.backtest.sim;

import io.kimp.core.cycle.CycleInput;
import io.kimp.core.cycle.CycleReply;
import io.kimp.core.cycle.CycleRules;
import io.kimp.core.cycle.CycleState;
import io.kimp.core.market.MarketView;
import io.kimp.core.venue.Venues;
import java.time.Instant;

/**
 * One symbol's cycle on its own simulated clock and timers, outside a replay: the backtester's {@link CycleDriver} for
 * tools and tests that script the market and the venues themselves (e.g. to compare it with the live entity).
 */
public final class SimulatedCycle {
  private final SimClock clock;
  private final SimTimers timers = new SimTimers();
  private final CycleDriver driver;

  public SimulatedCycle(
      String symbol, CycleRules rules, Venues venues, CapitalLedger ledger, MarketView market, SimClock clock,
      DecisionTap tap) {
    this.clock = clock;
    this.driver = new CycleDriver(symbol, rules, venues, ledger, market, timers, clock, new CycleTape(tap));
  }

  /** Handles an operator's input and everything it leads to now; the reply (a Start's once the ledger answered). */
  public CycleReply send(CycleInput.Operator input) {
    return driver.send(input);
  }

  /** Fires the cycle's timers in order, moving the clock to each, until none is due by {@code until}. */
  public void runUntil(Instant until) {
    for (SimTimers.Timer due = timers.pollDue(until); due != null; due = timers.pollDue(until)) {
      clock.advanceTo(due.due());
      driver.fire(due);
    }
    clock.advanceTo(until);
  }

  public CycleState state() {
    return driver.state();
  }
}
