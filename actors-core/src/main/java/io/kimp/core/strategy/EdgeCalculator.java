package io.kimp.core.strategy;

import io.kimp.core.market.Book;
import io.kimp.core.market.Direction;
import io.kimp.core.market.Venue;

/**
 * The net edge of an initial leg of a given size: walk the buy venue's asks, pay its taker fee, pay the withdrawal fee,
 * walk the sell venue's bids, pay its taker fee, and compare what comes out (in KRW) with what went in. Pure; doubles, as
 * it runs on the market-data path (money amounts of executed trades are BigDecimal elsewhere).
 */
public final class EdgeCalculator {
  private EdgeCalculator() {}

  /**
   * One direction evaluated at one size.
   *
   * @param sizeKrw the size evaluated (after depth and volume caps)
   * @param netEdgePercent (KRW out − KRW in) / KRW in × 100, after all costs
   * @param buyAvgPrice executable average on the buy venue, its quote currency
   * @param sellAvgPrice executable average on the sell venue, its quote currency
   * @param depthLimited the requested size did not fit the books and was reduced
   */
  public record Edge(
      Direction direction,
      double sizeKrw,
      double netEdgePercent,
      double buyAvgPrice,
      double sellAvgPrice,
      boolean depthLimited) {}

  /**
   * Evaluates {@code direction} for {@code sizeKrw}, reduced to what both books can absorb and to {@code maxSizeKrw}.
   * Returns null when the books cannot execute anything (empty side, no rate).
   */
  public static Edge evaluate(
      Direction direction,
      Book upbit,
      Book binance,
      double usdtKrw,
      double sizeKrw,
      double maxSizeKrw,
      double upbitTaker,
      double binanceTaker,
      double withdrawalFeeCoins) {
    if (!(usdtKrw > 0) || !(sizeKrw > 0) || !upbit.hasBothSides() || !binance.hasBothSides()) {
      return null;
    }
    boolean kimchi = direction == Direction.KIMCHI;
    Book buy = kimchi ? binance : upbit;
    Book sell = kimchi ? upbit : binance;
    double buyToKrw = kimchi ? usdtKrw : 1.0;
    double sellToKrw = kimchi ? 1.0 : usdtKrw;
    double buyFee = kimchi ? binanceTaker : upbitTaker;
    double sellFee = kimchi ? upbitTaker : binanceTaker;

    // what the books can absorb, in KRW: the buy side's ask depth, and the sell side's bid depth
    double askDepthKrw = BookWalk.depthQuote(buy.askPrices(), buy.askSizes()) * buyToKrw;
    double bidDepthKrw = BookWalk.depthQuote(sell.bidPrices(), sell.bidSizes()) * sellToKrw;
    double size = Math.min(sizeKrw, Math.min(askDepthKrw, bidDepthKrw));
    if (maxSizeKrw > 0) {
      size = Math.min(size, maxSizeKrw);
    }
    if (!(size > 0)) {
      return null;
    }
    BookWalk.Fill bought = BookWalk.buyWithQuote(buy.askPrices(), buy.askSizes(), size / buyToKrw);
    double coins = bought.base() * (1 - buyFee) - withdrawalFeeCoins;
    if (!(coins > 0)) {
      return new Edge(direction, size, -100.0, bought.averagePrice(), Double.NaN, size < sizeKrw);
    }
    BookWalk.Fill sold = BookWalk.sellQuantity(sell.bidPrices(), sell.bidSizes(), coins);
    // coins the bids could not take are valued at nothing: a conservative edge
    double outKrw = sold.quote() * (1 - sellFee) * sellToKrw;
    double edge = (outKrw - size) / size * 100.0;
    return new Edge(direction, size, edge, bought.averagePrice(), sold.averagePrice(), size < sizeKrw);
  }

  /** The taker fee of a venue from the costs table, as a double. */
  public static double taker(TradingCosts costs, Venue v) {
    return costs.takerFee(v).doubleValue();
  }
}
