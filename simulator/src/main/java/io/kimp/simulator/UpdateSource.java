package io.kimp.simulator;

/** Produces the simulator's market updates, one at a time, on the simulator's pump thread. */
interface UpdateSource {
  MarketUpdate next(long nowMillis, long nowNanos);

  /** About where {@code coin} trades on {@code venue} (USDT on Binance, KRW on Upbit): it sets the market's tick size. */
  double referencePrice(SimVenue venue, String coin);
}
