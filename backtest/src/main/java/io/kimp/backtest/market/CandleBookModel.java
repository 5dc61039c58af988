package io.kimp.backtest.market;

import io.kimp.core.market.Book;
import io.kimp.core.market.Venue;

/**
 * The order book a candle stands for. Candles carry no book, so this is an approximation, and an honest one: one level
 * each side at {@code close × (1 ∓ halfSpread)}, each as deep as {@code depthFraction} of the candle's volume. The mid is
 * the close (so the premium is the close-to-close premium); the half-spread stands in for the spread and the slippage the
 * candle cannot show; depth beyond the candle's own volume is never assumed.
 */
public record CandleBookModel(double halfSpread, double depthFraction) {

  public CandleBookModel {
    if (!(halfSpread >= 0 && halfSpread < 0.05)) {
      throw new IllegalArgumentException("half-spread must be in [0, 0.05), not " + halfSpread);
    }
    if (!(depthFraction > 0 && depthFraction <= 1)) {
      throw new IllegalArgumentException("depth fraction must be in (0, 1], not " + depthFraction);
    }
  }

  public Book book(Venue venue, String coin, double close, double volume, long timeMs) {
    double size = volume * depthFraction;
    return Book.top(venue, coin, close * (1 - halfSpread), size, close * (1 + halfSpread), size, timeMs);
  }
}
