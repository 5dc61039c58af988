package io.kimp.backtest.sim;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;

/**
 * The funding rate a perpetual pays at each funding time of the replay. Binance USDT-M perpetuals settle funding every
 * 8 hours at 00:00, 08:00 and 16:00 UTC; at a positive rate longs pay shorts (the hedge's short receives it).
 */
public interface FundingRates {
  /** Binance's funding period. */
  Duration PERIOD = Duration.ofHours(8);

  /** No funding at all: what the replay uses when spot stands in for the perpetual (no funding history to read). */
  FundingRates NONE = (coin, at) -> BigDecimal.ZERO;

  /** The rate (a fraction per period, 0.0001 = 0.01 %) paid for {@code coin}'s perpetual at the funding time {@code at}. */
  BigDecimal rate(String coin, Instant at);

  /** The first funding time strictly after {@code t}. */
  static Instant nextAfter(Instant t) {
    long p = PERIOD.toMillis();
    return Instant.ofEpochMilli(Math.floorDiv(t.toEpochMilli(), p) * p + p);
  }
}
