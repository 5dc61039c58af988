package io.kimp.backtest.sim;

import io.kimp.backtest.market.MarketMoment;
import io.kimp.backtest.market.ReplayMarket;
import io.kimp.core.market.Book;
import io.kimp.core.market.BookView;
import io.kimp.core.market.CoinQuote;
import io.kimp.core.market.MarketView;
import io.kimp.core.market.Venue;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One coin's latest moment as the replay's market (candles): seen through the same ports the live path reads:
 * {@link BookView} (what the paper venue fills against) and {@link MarketView} (what a cycle chooses its rebalance coin
 * from). Books older than {@code staleAfter} on the simulated clock are stale: left out of the quotes, and not filled
 * against.
 */
public final class SimMarket implements ReplayMarket {
  private final String coin;
  private final Clock clock;
  private final Duration staleAfter;
  private MarketMoment current;
  /** The quotes of {@link #current}, built once per moment: a waiting cycle asks for them every few seconds. */
  private Map<String, CoinQuote> quotes;

  public SimMarket(String coin, Clock clock, Duration staleAfter) {
    this.coin = coin;
    this.clock = clock;
    this.staleAfter = staleAfter;
  }

  @Override
  public void update(MarketMoment m) {
    current = m;
    quotes = null;
  }

  public MarketMoment current() {
    return current;
  }

  /** Both books exist and are not older than {@code staleAfter}. */
  public boolean fresh() {
    return current != null && fresh(current.timeMs());
  }

  @Override
  public boolean fresh(String c) {
    return coin.equals(c) && fresh();
  }

  private boolean fresh(long ts) {
    return clock.millis() - ts <= staleAfter.toMillis();
  }

  @Override
  public Optional<Book> book(Venue venue, String c) {
    if (current == null || !coin.equals(c)) {
      return Optional.empty();
    }
    return Optional.of(venue == Venue.UPBIT ? current.upbit() : current.binance());
  }

  @Override
  public OptionalDouble usdtKrw() {
    return current == null ? OptionalDouble.empty() : OptionalDouble.of(current.usdtKrw());
  }

  @Override
  public Map<String, CoinQuote> freshQuotes() {
    if (!fresh()) {
      return Map.of();
    }
    if (quotes != null) {
      return quotes;
    }
    Book u = current.upbit();
    Book b = current.binance();
    quotes = Map.of(
        coin,
        new CoinQuote(
            coin, BigDecimal.valueOf(u.bestBid()), BigDecimal.valueOf(u.bestAsk()), BigDecimal.valueOf(b.bestBid()),
            BigDecimal.valueOf(b.bestAsk()), BigDecimal.valueOf(current.usdtKrw()),
            Instant.ofEpochMilli(current.timeMs())));
    return quotes;
  }

  public Duration staleAfter() {
    return staleAfter;
  }
}
