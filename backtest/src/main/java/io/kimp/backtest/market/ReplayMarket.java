package io.kimp.backtest.market;

import io.kimp.core.market.BookView;
import io.kimp.core.market.MarketView;

/**
 * The replay's latest market, seen through the ports the live path reads: {@link BookView} (what the paper venues fill
 * against) and {@link MarketView} (the quotes a cycle chooses its rebalance coin from), judged on the simulated clock.
 */
public interface ReplayMarket extends BookView, MarketView {

  /** The replay moved to {@code m}. */
  void update(MarketMoment m);

  /** Both venues' books of {@code coin} and the rate are fresh enough to trade on now. */
  boolean fresh(String coin);
}
