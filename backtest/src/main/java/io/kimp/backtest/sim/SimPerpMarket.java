package io.kimp.backtest.sim;

import io.kimp.backtest.data.CandleSeries;
import io.kimp.backtest.market.CandleBookModel;
import io.kimp.core.market.Book;
import io.kimp.core.market.BookView;
import io.kimp.core.market.PerpQuote;
import io.kimp.core.market.PerpView;
import io.kimp.core.market.Venue;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * The replay's perpetual quotes, through the live {@link PerpView} port the paper futures venue reads: either a perpetual
 * candle file (the candle opened at or before now, priced at its close through the same {@link CandleBookModel} as
 * spot, as the spot moments are) or, without one, the Binance spot book standing in for the perpetual (its bid and ask,
 * its mid as the mark price). The funding rate shown is the one of the next funding time.
 */
public final class SimPerpMarket {
  private SimPerpMarket() {}

  /** Spot as the perpetual's proxy: the replay's Binance book of the coin, as it is now. */
  public static PerpView spotProxy(BookView books, Clock clock, FundingRates funding) {
    return coin -> books.book(Venue.BINANCE, coin).filter(Book::hasBothSides).map(b -> quote(coin, b, b.mid(),
        funding, clock));
  }

  /** A perpetual candle file of {@code coin}: the candle opened at or before now. */
  public static PerpView candles(
      String coin, CandleSeries perp, CandleBookModel model, Clock clock, FundingRates funding) {
    return c -> {
      if (!coin.equals(c)) {
        return Optional.empty();
      }
      long now = clock.millis();
      int i = perp.ceilingIndex(now + 1) - 1; // the last candle opened at or before now
      if (i < 0) {
        return Optional.empty();
      }
      Book b = model.book(Venue.BINANCE, coin, perp.close(i), perp.volume(i), perp.time(i));
      return Optional.of(quote(coin, b, perp.close(i), funding, clock));
    };
  }

  private static PerpQuote quote(String coin, Book b, double mark, FundingRates funding, Clock clock) {
    Instant next = FundingRates.nextAfter(clock.instant());
    BigDecimal m = BigDecimal.valueOf(mark);
    return new PerpQuote(coin, BigDecimal.valueOf(b.bestBid()), BigDecimal.valueOf(b.bidSizes()[0]),
        BigDecimal.valueOf(b.bestAsk()), BigDecimal.valueOf(b.askSizes()[0]), m, m, funding.rate(coin, next), next,
        Instant.ofEpochMilli(b.exchangeTs()));
  }
}
