package io.kimp.core.market;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.kimp.core.market.MarketEvent.BookEvent;
import io.kimp.core.market.MarketEvent.FxRateEvent;
import io.kimp.core.market.MarketEvent.TickerEvent;
import io.kimp.core.market.MarketEvent.TradeEvent;
import io.kimp.core.market.MarketState.Applied;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class MarketStateTest {
  private final AtomicLong clock = new AtomicLong(1_000_000);
  private final MarketState state = new MarketState(Duration.ofSeconds(5), clock::get);

  static BookEvent upbit(String coin, double bid, double ask, long at) {
    return new BookEvent(Book.top(Venue.UPBIT, coin, bid, 10, ask, 10, at), false, at, MarketEvent.NO_SEQUENCE);
  }

  static BookEvent binanceTop(String coin, double bid, double ask, long at, long seq) {
    return new BookEvent(Book.top(Venue.BINANCE, coin, bid, 5, ask, 5, at), true, at, seq);
  }

  static BookEvent binanceDepth(String coin, double[] bids, double[] asks, long at, long seq) {
    double[] sizes = {1, 2, 3};
    return new BookEvent(new Book(Venue.BINANCE, coin, bids, sizes, asks, sizes, at), false, at, seq);
  }

  @Test
  void premiumsOfBothDirectionsAgainstBothRates() {
    long t = clock.get();
    assertThat(state.apply(upbit("USDT", 1399, 1401, t))).isEqualTo(Applied.RATE);
    state.apply(new FxRateEvent("USD", "KRW", 1350, t, t));
    state.apply(upbit("XRP", 3010, 3020, t));
    assertThat(state.apply(binanceTop("XRP", 2.0, 2.01, t, 1))).isEqualTo(Applied.COIN);

    Premium p = state.premium("XRP").orElseThrow();
    assertThat(p.usdtKrw()).isEqualTo(1400.0);
    // mid: (3015 - 2.005*1400) / (2.005*1400)
    assertThat(p.midPercent()).isCloseTo((3015 - 2807.0) / 2807.0 * 100, within(1e-9));
    // kimchi: sell the Upbit bid, buy the Binance ask
    assertThat(p.kimchiPercent()).isCloseTo((3010 - 2.01 * 1400) / (2.01 * 1400) * 100, within(1e-9));
    // reverse: sell the Binance bid, buy the Upbit ask
    assertThat(p.reversePercent()).isCloseTo((2.0 * 1400 - 3020) / 3020 * 100, within(1e-9));
    assertThat(p.usdKimchiPercent()).isCloseTo((3010 - 2.01 * 1350) / (2.01 * 1350) * 100, within(1e-9));
    assertThat(p.percent(Direction.KIMCHI)).isEqualTo(p.kimchiPercent());
    assertThat(state.premiums()).containsOnlyKeys("XRP");
  }

  @Test
  void usdFiguresAreNaNWithoutUsdKrw() {
    long t = clock.get();
    state.apply(upbit("USDT", 1400, 1400.5, t));
    state.apply(upbit("BTC", 150_000_000, 150_010_000, t));
    state.apply(binanceTop("BTC", 107_000, 107_001, t, 1));
    Premium p = state.premium("BTC").orElseThrow();
    assertThat(p.usdMidPercent()).isNaN();
    assertThat(p.kimchiPercent()).isFinite();
    assertThat(state.usdKrw()).isEmpty();
  }

  @Test
  void aRateMoveRecomputesEveryCoin() {
    long t = clock.get();
    state.apply(upbit("USDT", 1399, 1401, t));
    state.apply(upbit("XRP", 3010, 3020, t));
    state.apply(binanceTop("XRP", 2.0, 2.01, t, 1));
    double before = state.premium("XRP").orElseThrow().midPercent();
    assertThat(state.apply(upbit("USDT", 1449, 1451, t + 1))).isEqualTo(Applied.RATE);
    double after = state.premium("XRP").orElseThrow().midPercent();
    assertThat(after).isLessThan(before);
    assertThat(state.usdtKrw()).hasValue(1450.0);
    // same rate again: fresher, but no premium moved
    assertThat(state.apply(upbit("USDT", 1449, 1451, t + 2))).isEqualTo(Applied.COIN);
    assertThat(state.usdtKrwUpdatedAt()).isEqualTo(t + 2);
  }

  @Test
  void bestBidOfferIsLaidOverTheOlderDepthBook() {
    long t = clock.get();
    state.apply(binanceDepth("ETH", new double[] {100, 99, 98}, new double[] {101, 102, 103}, t, 10));
    state.apply(binanceTop("ETH", 99.5, 101.5, t, 11));
    Book b = state.book(Venue.BINANCE, "ETH").orElseThrow();
    assertThat(b.bidPrices()).containsExactly(99.5, 99, 98);
    assertThat(b.askPrices()).containsExactly(101.5, 102, 103);
    assertThat(b.bidSizes()).containsExactly(5, 2, 3);
    assertThat(b.crossed()).isFalse();

    // a newer depth snapshot replaces everything
    state.apply(binanceDepth("ETH", new double[] {97, 96, 95}, new double[] {98, 99, 100}, t, 12));
    assertThat(state.book(Venue.BINANCE, "ETH").orElseThrow().bidPrices()).containsExactly(97, 96, 95);

    // a depth snapshot older than the last top keeps the newer top
    state.apply(binanceTop("ETH", 96.5, 97.5, t, 20));
    state.apply(binanceDepth("ETH", new double[] {97, 96, 95}, new double[] {98, 99, 100}, t, 15));
    Book merged = state.book(Venue.BINANCE, "ETH").orElseThrow();
    assertThat(merged.bidPrices()).containsExactly(96.5, 96, 95);
    assertThat(merged.askPrices()).containsExactly(97.5, 98, 99, 100);
  }

  @Test
  void copiesFromOverlappingConnectionsAreDroppedAndCounted() {
    long t = clock.get();
    assertThat(state.apply(binanceTop("SOL", 150, 150.1, t, 5))).isEqualTo(Applied.COIN);
    assertThat(state.apply(binanceTop("SOL", 150, 150.1, t, 5))).isEqualTo(Applied.DUPLICATE);
    assertThat(state.apply(binanceTop("SOL", 149, 150.1, t, 4))).isEqualTo(Applied.DUPLICATE);
    TradeEvent trade = new TradeEvent(Venue.BINANCE, "SOL", 150.05, 1, t, t, 77);
    assertThat(state.apply(trade)).isEqualTo(Applied.COIN);
    assertThat(state.apply(trade)).isEqualTo(Applied.DUPLICATE);
    assertThat(state.duplicates()).isEqualTo(3);
    assertThat(state.book(Venue.BINANCE, "SOL").orElseThrow().bestBid()).isEqualTo(150);
    assertThat(state.lastTrade(Venue.BINANCE, "SOL")).contains(trade);
  }

  @Test
  void tickersCarryTheTwentyFourHourVolume() {
    long t = clock.get();
    state.apply(new TickerEvent(Venue.UPBIT, "XRP", 3000, 5.0e11, t, t));
    assertThat(state.volume24hQuote(Venue.UPBIT, "XRP")).isEqualTo(5.0e11);
    assertThat(state.volume24hQuote(Venue.BINANCE, "XRP")).isNaN();
    assertThat(state.updatedAt(Venue.UPBIT, "XRP")).isEqualTo(t);
    assertThat(state.lastTicker(Venue.UPBIT, "XRP")).isPresent();
  }

  @Test
  void staleSidesAndRatesAreLeftOutOfFreshQuotes() {
    long t = clock.get();
    state.apply(upbit("USDT", 1399, 1401, t));
    state.apply(upbit("XRP", 3010, 3020, t));
    state.apply(binanceTop("XRP", 2.0, 2.01, t, 1));
    state.apply(upbit("ETH", 5_000_000, 5_001_000, t));
    state.apply(binanceTop("ETH", 3500, 3501, t - 6000, 1));
    assertThat(state.freshQuotes()).containsOnlyKeys("XRP");
    CoinQuote q = state.freshQuotes().get("XRP");
    assertThat(q.upbitBid()).isEqualByComparingTo("3010");
    assertThat(q.binanceAsk()).isEqualByComparingTo("2.01");
    assertThat(q.usdtKrw()).isEqualByComparingTo("1400");
    assertThat(state.isFresh("ETH", t)).isFalse();
    assertThat(state.staleInputs("ETH", t)).containsExactly("binance");

    clock.set(t + 5001); // the rate ages out: nothing is fresh
    assertThat(state.freshQuotes()).isEmpty();
    assertThat(state.staleInputs("XRP", clock.get())).containsExactly("upbit", "binance", "usdt-krw");
  }

  @Test
  void replayStateJudgesFreshnessAtTheNewestEvent() {
    MarketState replay = MarketState.replay(Duration.ofSeconds(5));
    long t = 1_600_000_000_000L; // years ago: a wall clock would call all of this stale
    replay.apply(upbit("USDT", 1399, 1401, t));
    replay.apply(upbit("XRP", 3010, 3020, t));
    replay.apply(binanceTop("XRP", 2.0, 2.01, t, 1));
    assertThat(replay.freshQuotes()).containsOnlyKeys("XRP");
  }

  @Test
  void readersOnOtherThreadsNeverSeeATornBook() throws Exception {
    long t = clock.get();
    state.apply(upbit("USDT", 1399, 1401, t));
    AtomicReference<String> problem = new AtomicReference<>();
    AtomicLong reads = new AtomicLong();
    Thread reader =
        new Thread(
            () -> {
              while (!Thread.currentThread().isInterrupted()) {
                state.book(Venue.BINANCE, "BTC").ifPresent(b -> {
                  if (b.crossed() || b.bidPrices().length != b.bidSizes().length) {
                    problem.set("torn book " + b);
                  }
                });
                state.premium("BTC").ifPresent(p -> {
                  if (Double.isNaN(p.kimchiPercent())) {
                    problem.set("premium without a side");
                  }
                });
                reads.incrementAndGet();
              }
            });
    reader.start();
    state.apply(upbit("BTC", 150_000_000, 150_010_000, t));
    for (int i = 1; i <= 200_000; i++) {
      double bid = 100_000 + (i % 1000);
      if (i % 7 == 0) {
        state.apply(binanceDepth("BTC", new double[] {bid, bid - 1, bid - 2}, new double[] {bid + 1, bid + 2, bid + 3}, t, i));
      } else {
        state.apply(binanceTop("BTC", bid, bid + 0.5, t, i));
      }
    }
    reader.interrupt();
    reader.join();
    assertThat(problem.get()).isNull();
    assertThat(reads.get()).isPositive();
  }
}
