package io.kimp.core.cycle;

import io.kimp.core.CborSerializable;
import java.util.Optional;

/**
 * The state of one symbol's cycle entity: its newest cycle (open, or the last closed one) and how many it has run.
 */
public record CycleState(String symbol, Cycle cycle, long cyclesStarted) implements CborSerializable {

  public static CycleState empty(String symbol) {
    return new CycleState(symbol, null, 0);
  }

  public CycleStatus status() {
    return cycle == null ? CycleStatus.IDLE : cycle.status();
  }

  /** The open cycle, if any. */
  public Optional<Cycle> open() {
    return cycle != null && cycle.status().isOpen() ? Optional.of(cycle) : Optional.empty();
  }

  CycleState with(Cycle c) {
    return new CycleState(symbol, c, cyclesStarted);
  }
}
