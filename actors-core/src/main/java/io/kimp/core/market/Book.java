package io.kimp.core.market;

import java.util.Arrays;

/**
 * An order book snapshot (best levels first) in the venue's quote currency. Parallel primitive arrays: this type sits on the
 * market-data hot path. Treat the arrays as read-only.
 *
 * @param bidPrices descending
 * @param askPrices ascending
 * @param exchangeTs the venue's timestamp, epoch ms
 */
public record Book(
    Venue venue,
    String coin,
    double[] bidPrices,
    double[] bidSizes,
    double[] askPrices,
    double[] askSizes,
    long exchangeTs) {

  public Book {
    if (bidPrices.length != bidSizes.length || askPrices.length != askSizes.length) {
      throw new IllegalArgumentException("price and size arrays differ in length");
    }
  }

  /** A one-level book from a best bid/offer. */
  public static Book top(Venue venue, String coin, double bid, double bidSize, double ask, double askSize, long ts) {
    return new Book(venue, coin, new double[] {bid}, new double[] {bidSize}, new double[] {ask}, new double[] {askSize}, ts);
  }

  public boolean hasBothSides() {
    return bidPrices.length > 0 && askPrices.length > 0;
  }

  public double bestBid() {
    return bidPrices.length == 0 ? Double.NaN : bidPrices[0];
  }

  public double bestAsk() {
    return askPrices.length == 0 ? Double.NaN : askPrices[0];
  }

  public double mid() {
    return (bestBid() + bestAsk()) / 2.0;
  }

  /** Best bid at or above best ask: a book no real venue shows; data from it must not be traded on. */
  public boolean crossed() {
    return hasBothSides() && bestBid() >= bestAsk();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Book b
        && venue == b.venue
        && coin.equals(b.coin)
        && exchangeTs == b.exchangeTs
        && Arrays.equals(bidPrices, b.bidPrices)
        && Arrays.equals(bidSizes, b.bidSizes)
        && Arrays.equals(askPrices, b.askPrices)
        && Arrays.equals(askSizes, b.askSizes);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * venue.hashCode() + coin.hashCode()) + Long.hashCode(exchangeTs);
  }

  @Override
  public String toString() {
    return "Book[" + venue + " " + coin + " bid " + bestBid() + " ask " + bestAsk() + " levels " + bidPrices.length
        + "/" + askPrices.length + " ts " + exchangeTs + "]";
  }
}
