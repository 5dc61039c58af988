package io.kimp.core.cycle;

import io.kimp.core.CborSerializable;
import io.kimp.core.strategy.Opportunity;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * The state of one symbol's cycle entity: its newest cycle (open, or the last closed one), how many it has run, and the
 * capital request it is waiting on (persisted, so that recovery finishes it).
 *
 * @param capitalRequest the cycle the portfolio is asked to fund, or null
 */
public record CycleState(String symbol, Cycle cycle, long cyclesStarted, CapitalRequest capitalRequest)
    implements CborSerializable {

  /** A reservation asked of the portfolio and not answered yet. */
  public record CapitalRequest(
      UUID cycleId, io.kimp.core.cycle.journal.OpportunityAtStart opportunity, Instant at,
      java.math.BigDecimal preparedKrw) implements CborSerializable {}

  public static CycleState empty(String symbol) {
    return new CycleState(symbol, null, 0, null);
  }

  public CycleStatus status() {
    return cycle == null ? CycleStatus.IDLE : cycle.status();
  }

  /** The open cycle, if any. */
  public Optional<Cycle> open() {
    return cycle != null && cycle.status().isOpen() ? Optional.of(cycle) : Optional.empty();
  }

  CycleState with(Cycle c) {
    return new CycleState(symbol, c, cyclesStarted, capitalRequest);
  }

  CycleState withCapitalRequest(CapitalRequest r) {
    return new CycleState(symbol, cycle, cyclesStarted, r);
  }
}
