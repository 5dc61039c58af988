package io.kimp.core.market;

/**
 * Which way a cycle's initial leg carries capital.
 *
 * <p>{@link #KIMCHI}: the coin is dearer on Upbit (positive premium): buy on Binance, sell on Upbit, then carry KRW back.
 * {@link #REVERSE}: the coin is cheaper on Upbit (negative premium): buy on Upbit, sell on Binance, then carry USDT back.
 */
public enum Direction {
  KIMCHI(Venue.BINANCE, Venue.UPBIT),
  REVERSE(Venue.UPBIT, Venue.BINANCE);

  private final Venue buyVenue;
  private final Venue sellVenue;

  Direction(Venue buyVenue, Venue sellVenue) {
    this.buyVenue = buyVenue;
    this.sellVenue = sellVenue;
  }

  /** Where the initial leg buys (and where the cycle's capital starts and ends). */
  public Venue buyVenue() {
    return buyVenue;
  }

  /** Where the initial leg sells (and where the rebalance leg buys). */
  public Venue sellVenue() {
    return sellVenue;
  }
}
