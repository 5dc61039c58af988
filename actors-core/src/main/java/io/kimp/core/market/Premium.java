package io.kimp.core.market;

import io.kimp.core.strategy.PremiumMath;

/**
 * A coin's premiums at one moment, in percent, for both directions and against both rates. Each directional figure is what
 * that direction captures before fees at the executable side of the books: {@code kimchi} buys the Binance ask and sells the
 * Upbit bid, {@code reverse} buys the Upbit ask and sells the Binance bid. Positive means the direction gains. {@code mid} is
 * the plain {@code (upbit − binance × rate) / (binance × rate)} of mid prices. The {@code usd*} figures use the USD/KRW rate
 * and are NaN when no USD/KRW source is configured (or it has not answered yet); any figure is NaN when a side is missing.
 *
 * @param updatedAt receive time (epoch ms) of the newest input the figures were computed from
 */
public record Premium(
    String coin,
    double midPercent,
    double kimchiPercent,
    double reversePercent,
    double usdMidPercent,
    double usdKimchiPercent,
    double usdReversePercent,
    double usdtKrw,
    long updatedAt) {

  /** What {@code direction} captures against USDT/KRW. */
  public double percent(Direction direction) {
    return direction == Direction.KIMCHI ? kimchiPercent : reversePercent;
  }

  /** What {@code direction} captures against USD/KRW (NaN without it). */
  public double usdPercent(Direction direction) {
    return direction == Direction.KIMCHI ? usdKimchiPercent : usdReversePercent;
  }

  /**
   * Computes the figures. Prices are Upbit KRW and Binance USDT; {@code upbitMid}/{@code binanceMid} fall back to the last
   * traded price when a venue has no book. NaN inputs give NaN outputs.
   */
  public static Premium of(
      String coin,
      double upbitBid,
      double upbitAsk,
      double upbitMid,
      double binanceBid,
      double binanceAsk,
      double binanceMid,
      double usdtKrw,
      double usdKrw,
      long updatedAt) {
    return new Premium(
        coin,
        PremiumMath.premiumPercent(upbitMid, binanceMid, usdtKrw),
        PremiumMath.premiumPercent(upbitBid, binanceAsk, usdtKrw),
        gain(binanceBid * usdtKrw, upbitAsk),
        PremiumMath.premiumPercent(upbitMid, binanceMid, usdKrw),
        PremiumMath.premiumPercent(upbitBid, binanceAsk, usdKrw),
        gain(binanceBid * usdKrw, upbitAsk),
        usdtKrw,
        updatedAt);
  }

  /** Percent gained selling at {@code sellKrw} what was bought at {@code buyKrw}. */
  private static double gain(double sellKrw, double buyKrw) {
    return buyKrw > 0 ? (sellKrw - buyKrw) / buyKrw * 100.0 : Double.NaN;
  }
}
