package io.kimp.simulator.account;

/**
 * Where Binance's futures account ({@link BinanceFuturesAccount}) reads the perpetuals: each coin's futures book (with
 * the contract's tick and quantity step), null when the coin has no perpetual, and its mark price.
 */
public interface FuturesQuotes {
  Ladder book(String coin);

  double mark(String coin);
}
