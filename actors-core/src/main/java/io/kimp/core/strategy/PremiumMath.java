package io.kimp.core.strategy;

import io.kimp.core.market.CoinQuote;

/**
 * The kimchi premium: {@code (upbit_krw − binance_usdt × rate) / (binance_usdt × rate) × 100}. Pure, allocation-free on the
 * primitive overloads (the market-data hot path uses those).
 */
public final class PremiumMath {
  private PremiumMath() {}

  /** Premium of an Upbit KRW price over a Binance USDT price converted at {@code usdtKrw}, in percent. */
  public static double premiumPercent(double upbitKrw, double binanceUsdt, double usdtKrw) {
    double global = binanceUsdt * usdtKrw;
    return (upbitKrw - global) / global * 100.0;
  }

  /** The mid-price premium of a quote pair. */
  public static double premiumPercent(CoinQuote q) {
    double upbitMid = (q.upbitBid().doubleValue() + q.upbitAsk().doubleValue()) / 2.0;
    double binanceMid = (q.binanceBid().doubleValue() + q.binanceAsk().doubleValue()) / 2.0;
    return premiumPercent(upbitMid, binanceMid, q.usdtKrw().doubleValue());
  }
}
