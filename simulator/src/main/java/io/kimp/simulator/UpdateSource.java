package io.kimp.simulator;

/** Produces the simulator's market updates, one at a time, on the simulator's pump thread. */
interface UpdateSource {
  MarketUpdate next(long nowMillis, long nowNanos);
}
