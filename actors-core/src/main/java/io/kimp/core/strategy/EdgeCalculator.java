package io.kimp.core.strategy;

import io.kimp.core.market.Book;
import io.kimp.core.market.Direction;
import io.kimp.core.market.Venue;

/**
 * The net edge of an initial leg of a given size: walk the buy venue's asks, pay its taker fee, pay the withdrawal fee,
 * walk the sell venue's bids, pay its taker fee, and compare what comes out (in KRW) with what went in. Pure; doubles, as
 * it runs on the market-data path (money amounts of executed trades are BigDecimal elsewhere).
 *
 * <p>With a {@link PerpHedge} (the transfer hedge on, the coin's perpetual fresh) the coins bought are also shorted on the
 * perpetual until they are sold: the edge then pays the futures taker fee on the open (at the perpetual's bid) and on the
 * close (at its ask), the perpetual's spread (sold at the bid, bought back at the ask: what a round trip at unchanged
 * prices loses), and receives the expected funding over the transfer (negative: pays it). All of it in USDT on the
 * hedged quantity, converted at the USDT/KRW rate.
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
   * @param hedged the edge counts a perpetual short over the transfer
   * @param hedgeCostPercent what the hedge costs, against the size: futures fees, the perpetual's spread, minus the
   *     expected funding (already taken off {@code netEdgePercent}; 0 unhedged)
   * @param fundingPercent the expected funding the short receives over the transfer, against the size (negative: pays;
   *     part of {@code hedgeCostPercent})
   */
  public record Edge(
      Direction direction,
      double sizeKrw,
      double netEdgePercent,
      double buyAvgPrice,
      double sellAvgPrice,
      boolean depthLimited,
      boolean hedged,
      double hedgeCostPercent,
      double fundingPercent) {

    /** An unhedged edge. */
    public Edge(
        Direction direction,
        double sizeKrw,
        double netEdgePercent,
        double buyAvgPrice,
        double sellAvgPrice,
        boolean depthLimited) {
      this(direction, sizeKrw, netEdgePercent, buyAvgPrice, sellAvgPrice, depthLimited, false, 0, 0);
    }
  }

  /**
   * The perpetual short that covers the coins while they are in transfer.
   *
   * @param bid the perpetual's best bid, USDT (the short opens there)
   * @param ask its best ask (the short is bought back there)
   * @param markPrice its mark price, the notional funding is paid on (NaN: the mid stands in)
   * @param futuresTaker the futures taker fee, a fraction, paid on the open and on the close
   * @param expectedFunding the funding a short of notional 1 receives over the transfer, signed
   *     ({@link HedgeCosts#expectedFundingFraction})
   */
  public record PerpHedge(double bid, double ask, double markPrice, double futuresTaker, double expectedFunding) {}

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
    return evaluate(
        direction, upbit, binance, usdtKrw, sizeKrw, maxSizeKrw, upbitTaker, binanceTaker, withdrawalFeeCoins, null);
  }

  /**
   * {@link #evaluate} with the transfer hedge's costs when {@code hedge} is not null: the short's quantity is what the buy
   * leaves to transfer (bought, less the buy fee).
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
      double withdrawalFeeCoins,
      PerpHedge hedge) {
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
    double held = bought.base() * (1 - buyFee);
    double coins = held - withdrawalFeeCoins;
    if (!(coins > 0)) {
      return new Edge(direction, size, -100.0, bought.averagePrice(), Double.NaN, size < sizeKrw, hedge != null, 0, 0);
    }
    BookWalk.Fill sold = BookWalk.sellQuantity(sell.bidPrices(), sell.bidSizes(), coins);
    // coins the bids could not take are valued at nothing: a conservative edge
    double outKrw = sold.quote() * (1 - sellFee) * sellToKrw;
    if (hedge == null) {
      double edge = (outKrw - size) / size * 100.0;
      return new Edge(direction, size, edge, bought.averagePrice(), sold.averagePrice(), size < sizeKrw);
    }
    double notional = Double.isFinite(hedge.markPrice()) && hedge.markPrice() > 0
        ? hedge.markPrice() : (hedge.bid() + hedge.ask()) / 2;
    double feesUsdt = held * (hedge.bid() + hedge.ask()) * hedge.futuresTaker();
    double spreadUsdt = held * (hedge.ask() - hedge.bid());
    double fundingUsdt = held * notional * hedge.expectedFunding();
    double hedgeCostKrw = (feesUsdt + spreadUsdt - fundingUsdt) * usdtKrw;
    double edge = (outKrw - size - hedgeCostKrw) / size * 100.0;
    return new Edge(direction, size, edge, bought.averagePrice(), sold.averagePrice(), size < sizeKrw, true,
        hedgeCostKrw / size * 100.0, fundingUsdt * usdtKrw / size * 100.0);
  }

  /** The taker fee of a venue from the costs table, as a double. */
  public static double taker(TradingCosts costs, Venue v) {
    return costs.takerFee(v).doubleValue();
  }
}
