package io.kimp.backtest.market;

import io.kimp.core.market.Book;
import io.kimp.core.strategy.Opportunity;

/**
 * What one coin's market looked like at one instant of the replay: both venues' books, the USDT/KRW rate, and the 24 h
 * volumes the live rule caps a cycle's size with (0 when unknown, which the rule reads as "no cap").
 *
 * @param offer what the live opportunity detector offered for the coin at this instant, or null; only sources that run
 *     the detector fill it in ({@link MarketSource#offersOpportunities()})
 */
public record MarketMoment(
    long timeMs,
    Book upbit,
    Book binance,
    double usdtKrw,
    double upbitVolume24hKrw,
    double binanceVolume24hUsdt,
    Opportunity offer) {

  /** A moment of a source that leaves detection to the replay. */
  public MarketMoment(
      long timeMs, Book upbit, Book binance, double usdtKrw, double upbitVolume24hKrw, double binanceVolume24hUsdt) {
    this(timeMs, upbit, binance, usdtKrw, upbitVolume24hKrw, binanceVolume24hUsdt, null);
  }

  public String coin() {
    return upbit.coin();
  }
}
