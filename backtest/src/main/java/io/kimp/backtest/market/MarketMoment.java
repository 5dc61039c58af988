package io.kimp.backtest.market;

import io.kimp.core.market.Book;

/**
 * What the market looked like at one instant of the replay: both venues' books of the traded coin, the USDT/KRW rate,
 * and the 24 h volumes the live rule caps a cycle's size with (0 when unknown, which the rule reads as "no cap").
 */
public record MarketMoment(
    long timeMs, Book upbit, Book binance, double usdtKrw, double upbitVolume24hKrw, double binanceVolume24hUsdt) {}
