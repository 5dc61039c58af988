package io.kimp.core.market;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.kimp.core.market.MarketEvent.BookEvent;
import io.kimp.core.market.MarketEvent.PerpBookTicker;
import io.kimp.core.market.MarketEvent.PerpMarkPrice;
import io.kimp.core.strategy.HedgeCosts;
import io.kimp.core.strategy.Opportunity;
import io.kimp.core.strategy.OpportunityRule;
import io.kimp.core.strategy.TradingCosts;
import io.kimp.core.market.MarketState.Applied;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The perpetuals in the market state ({@link PerpView}) and the detector offering hedged opportunities from them. */
class PerpStateTest {
  private static final long T = 1_700_000_000_000L;
  private final AtomicLong clock = new AtomicLong(T);
  private final MarketState state = new MarketState(Duration.ofSeconds(10), clock::get);

  private static PerpBookTicker book(String coin, double bid, double ask, long seq, long at) {
    return new PerpBookTicker(coin, bid, 5, ask, 7, at, at, seq);
  }

  private static PerpMarkPrice mark(String coin, double mark, double rate, long e, long at) {
    return new PerpMarkPrice(coin, mark, mark * 0.9995, rate, T + 3_600_000, e, at);
  }

  private static BookEvent spot(Venue v, String coin, double bid, double ask, long at) {
    return new BookEvent(Book.top(v, coin, bid, 1e9, ask, 1e9, at), v == Venue.BINANCE, at, MarketEvent.NO_SEQUENCE);
  }

  @Test
  void aPerpetualIsKnownOnceBothItsBookAndItsMarkPriceCameAndStaleAfterTheLimit() {
    assertThat(state.apply(book("XRP", 2.000, 2.001, 10, T))).isEqualTo(Applied.PERP);
    assertThat(state.perp("XRP")).isEmpty(); // no mark price yet
    assertThat(state.apply(mark("XRP", 2.0005, 0.0001, T, T))).isEqualTo(Applied.PERP);

    PerpQuote q = state.perp("XRP").orElseThrow();
    assertThat(q.bid()).isEqualByComparingTo("2.000");
    assertThat(q.bidQuantity()).isEqualByComparingTo("5");
    assertThat(q.ask()).isEqualByComparingTo("2.001");
    assertThat(q.askQuantity()).isEqualByComparingTo("7");
    assertThat(q.markPrice()).isEqualByComparingTo("2.0005");
    assertThat(q.fundingRate()).isEqualByComparingTo("0.0001");
    assertThat(q.nextFundingTime()).isEqualTo(Instant.ofEpochMilli(T + 3_600_000));
    assertThat(q.receivedAt()).isEqualTo(Instant.ofEpochMilli(T));
    // no spot book, no premium: the perpetual is kept apart
    assertThat(state.book(Venue.BINANCE, "XRP")).isEmpty();
    assertThat(state.premiums()).isEmpty();

    clock.set(T + 10_000);
    assertThat(state.perp("XRP")).isPresent();
    state.apply(mark("XRP", 2.0006, 0.0001, T + 10_500, T + 10_500));
    clock.set(T + 10_001);
    assertThat(state.perp("XRP")).isEmpty(); // the book ticker is 10.001 s old
    assertThat(state.latestPerp("XRP")).isPresent(); // still shown, as stale
    assertThat(state.perp("BTC")).isEmpty();
  }

  @Test
  void copiesFromAnOverlappingConnectionAreDroppedAndAbsurdPricesRefused() {
    state.apply(spot(Venue.BINANCE, "XRP", 2.000, 2.001, T));
    state.apply(book("XRP", 2.000, 2.001, 10, T));
    state.apply(mark("XRP", 2.0005, 0.0001, T, T));
    assertThat(state.apply(book("XRP", 1.5, 1.6, 10, T + 1))).isEqualTo(Applied.DUPLICATE);
    assertThat(state.apply(mark("XRP", 1.5, 0.0001, T, T + 1))).isEqualTo(Applied.DUPLICATE);
    assertThat(state.duplicates()).isEqualTo(2);
    // 20 x the spot price: refused, counted, nothing changed
    assertThat(state.apply(book("XRP", 40, 40.1, 11, T + 2))).isEqualTo(Applied.REJECTED);
    assertThat(state.rejected()).isEqualTo(1);
    assertThat(state.perp("XRP").orElseThrow().bid()).isEqualByComparingTo("2.000");
    assertThat(state.apply(book("XRP", 2.002, 2.003, 11, T + 2))).isEqualTo(Applied.PERP);
    assertThat(state.perp("XRP").orElseThrow().bid()).isEqualByComparingTo("2.002");
  }

  @Test
  void theDetectorOffersAHedgedOpportunityOnlyWhileThePerpetualIsFresh() {
    List<Opportunity> offered = new ArrayList<>();
    HedgeCosts hedge = new HedgeCosts(true, true, 0.0005, 30, Map.of());
    OpportunityDetector d =
        new OpportunityDetector(
            state,
            new OpportunityDetector.Settings(
                Duration.ZERO,
                new OpportunityRule.Settings(0.5, 1_000_000, 0.01, TradingCosts.defaults(), hedge)),
            offered::add);
    state.apply(spot(Venue.UPBIT, "USDT", 1399.5, 1400.5, T));
    state.apply(spot(Venue.BINANCE, "XRP", 2.000, 2.001, T));
    Applied a = state.apply(spot(Venue.UPBIT, "XRP", 2885, 2886, T)); // +3 %
    assertThat(d.onApplied(a, "XRP", T)).isZero(); // skip: no perpetual yet

    // a perpetual event alone asks for no evaluation
    assertThat(d.onApplied(state.apply(book("XRP", 2.000, 2.001, 1, T)), "XRP", T)).isZero();
    assertThat(d.onApplied(state.apply(mark("XRP", 2.0005, 0.0001, T, T)), "XRP", T)).isZero();

    assertThat(d.onApplied(state.apply(spot(Venue.UPBIT, "XRP", 2885, 2886, T + 1)), "XRP", T + 1)).isEqualTo(1);
    Opportunity o = offered.get(0);
    assertThat(o.hedged()).isTrue();
    // the hedge on ~1,000,000 KRW: fees 0.05 % x 2 + the perpetual's spread 0.05 % - 30 min of 0.01 %/8 h
    assertThat(o.hedgeCostPercent()).isBetween(0.14, 0.16);
    assertThat(o.fundingPercent()).isCloseTo(0.0001 * 30 / 480 * 100, within(2e-5));

    // the perpetual's book goes stale: the coin is no longer offered (skip)
    long later = T + 10_001;
    state.apply(spot(Venue.UPBIT, "USDT", 1399.5, 1400.5, later));
    state.apply(spot(Venue.BINANCE, "XRP", 2.000, 2.001, later));
    state.apply(mark("XRP", 2.0005, 0.0001, later, later));
    assertThat(d.onApplied(state.apply(spot(Venue.UPBIT, "XRP", 2885, 2886, later)), "XRP", later)).isZero();
    assertThat(offered).hasSize(1);
  }
}
