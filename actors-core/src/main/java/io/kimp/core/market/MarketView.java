package io.kimp.core.market;

import java.util.Map;

/**
 * Port: the latest view of both venues' books, kept by the market-data side (feed-streams) and read by the cycles when they
 * choose the coin that carries capital back. Implementations must be cheap and non-blocking (an in-memory map).
 */
public interface MarketView {

  /** Latest fresh quotes by coin; stale coins are left out. */
  Map<String, CoinQuote> freshQuotes();
}
