package io.kimp.core.market;

import io.kimp.core.strategy.Opportunity;

/**
 * Port: where detected opportunities go (the app wires it to the symbol's sharded {@code ArbitrageCycle}). Called on the
 * market-data stream's thread for every offered opportunity: it must not block.
 */
@FunctionalInterface
public interface OpportunitySink {
  void offer(Opportunity opportunity);
}
