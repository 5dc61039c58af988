package io.kimp.core.market;

import static io.kimp.core.market.MarketStateTest.binanceTop;
import static io.kimp.core.market.MarketStateTest.upbit;
import static org.assertj.core.api.Assertions.assertThat;

import io.kimp.core.market.MarketEvent.FxRateEvent;
import io.kimp.core.market.MarketEvent.TickerEvent;
import io.kimp.core.market.MarketEvent.TradeEvent;
import io.kimp.core.market.MarketState.Applied;
import io.kimp.core.strategy.Opportunity;
import io.kimp.core.strategy.OpportunityRule;
import io.kimp.core.strategy.TradingCosts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Absurd prices and timestamps are refused by the market state, counted, and never reach the detector. */
class PlausibilityTest {
  private static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
  private final AtomicLong clock = new AtomicLong(T0);
  private final MarketState state = new MarketState(Duration.ofSeconds(5), clock::get);

  private void market(long t) {
    assertThat(state.apply(upbit("USDT", 1399, 1401, t))).isEqualTo(Applied.RATE);
    assertThat(state.apply(upbit("XRP", 3010, 3020, t))).isEqualTo(Applied.COIN);
    assertThat(state.apply(binanceTop("XRP", 2.0, 2.01, t, 1))).isEqualTo(Applied.COIN);
  }

  private void assertRefused(MarketEvent e, Plausibility.Verdict why) {
    long before = state.rejected();
    assertThat(state.apply(e)).as("%s", e).isEqualTo(Applied.REJECTED);
    assertThat(state.lastRejection()).isEqualTo(why);
    assertThat(state.rejected()).isEqualTo(before + 1);
  }

  @Test
  void absurdPricesAreRefusedEvenAsACoinsFirstPrice() {
    long t = T0;
    assertRefused(upbit("DOGE", 1e300, 2e300, t), Plausibility.Verdict.IMPLAUSIBLE_PRICE);
    assertRefused(binanceTop("DOGE", 1e-320, 0.2, t, 1), Plausibility.Verdict.IMPLAUSIBLE_PRICE);
    assertRefused(new TradeEvent(Venue.BINANCE, "DOGE", 1e38, 1, t, t, 2), Plausibility.Verdict.IMPLAUSIBLE_PRICE);
    assertRefused(new TickerEvent(Venue.UPBIT, "USDT", 1e38, 1e9, t, t), Plausibility.Verdict.IMPLAUSIBLE_PRICE);
    assertRefused(new FxRateEvent("USD", "KRW", 1e300, t, t), Plausibility.Verdict.IMPLAUSIBLE_PRICE);
    assertThat(state.book(Venue.UPBIT, "DOGE")).isEmpty();
    assertThat(state.book(Venue.BINANCE, "DOGE")).isEmpty();
    assertThat(state.usdtKrw()).isEmpty();
    assertThat(state.usdKrw()).isEmpty();
    assertThat(state.lastRejectionDetail()).contains("1.0E300");
  }

  @Test
  void aPriceFarFromTheVenuesLastAcceptedOneIsRefusedAndTheBookKept() {
    market(T0);
    Book before = state.book(Venue.UPBIT, "XRP").orElseThrow();
    Premium premium = state.premium("XRP").orElseThrow();
    assertRefused(upbit("XRP", 3010 * 1.25, 3020 * 1.25, T0 + 10), Plausibility.Verdict.IMPLAUSIBLE_PRICE);
    assertRefused(upbit("XRP", 3010 * 0.75, 3020 * 0.75, T0 + 10), Plausibility.Verdict.IMPLAUSIBLE_PRICE);
    assertThat(state.book(Venue.UPBIT, "XRP")).containsSame(before);
    assertThat(state.premium("XRP")).containsSame(premium);
    assertThat(state.updatedAt(Venue.UPBIT, "XRP")).isEqualTo(T0);
    // the rate market has the same band: a USDT/KRW of 14 000 is a misplaced digit
    assertRefused(upbit("USDT", 13990, 14010, T0 + 10), Plausibility.Verdict.IMPLAUSIBLE_PRICE);
    assertThat(state.usdtKrw()).hasValue(1400.0);
    // an ordinary move passes
    assertThat(state.apply(upbit("XRP", 3100, 3110, T0 + 20))).isEqualTo(Applied.COIN);
  }

  @Test
  void aFirstPriceFarFromTheOtherVenuesPriceTimesTheRateIsRefused() {
    long t = T0;
    state.apply(upbit("USDT", 1399, 1401, t));
    state.apply(upbit("XRP", 3010, 3020, t)); // fair Binance price: 3015 / 1400 = 2.15
    // a tenfold Binance price would be a 90 % reverse premium: no reference of its own yet, the cross-venue one refuses
    assertRefused(binanceTop("XRP", 21.0, 21.1, t, 1), Plausibility.Verdict.IMPLAUSIBLE_PRICE);
    assertRefused(binanceTop("XRP", 1.4, 1.41, t, 2), Plausibility.Verdict.IMPLAUSIBLE_PRICE);
    assertThat(state.premium("XRP")).isEmpty();
    // a 7 % premium is a market, not an error
    assertThat(state.apply(binanceTop("XRP", 2.0, 2.01, t, 3))).isEqualTo(Applied.COIN);
    assertThat(state.premium("XRP")).isPresent();
  }

  @Test
  void aRealMoveAtBothVenuesIsAcceptedOnceTheOldReferencesHaveAged() {
    market(T0);
    long later = T0 + Plausibility.Settings.defaults().referenceMaxAge().toMillis() + 1;
    // meanwhile both venues fell 30 %: refused at first (the coin goes stale and offers nothing) ...
    assertRefused(upbit("XRP", 2107, 2114, T0 + 1000), Plausibility.Verdict.IMPLAUSIBLE_PRICE);
    // ... then, the references too old to speak for the market, the new prices are taken as first prices
    assertThat(state.apply(upbit("XRP", 2107, 2114, later))).isEqualTo(Applied.COIN);
    assertThat(state.apply(upbit("USDT", 1399, 1401, later))).isEqualTo(Applied.RATE); // back from stale
    assertThat(state.apply(binanceTop("XRP", 1.4, 1.41, later, 5))).isEqualTo(Applied.COIN);
  }

  @Test
  void anExchangeTimestampThatIsNoPlausibleEpochIsRefused() {
    market(T0);
    long t = T0 + 100;
    for (long ts : new long[] {-1, 0, -T0, 1_000, T0 * 1000, t + Duration.ofDays(365).toMillis(), t - 7_200_000}) {
      assertRefused(new TickerEvent(Venue.UPBIT, "XRP", 3015, 1e9, ts, t), Plausibility.Verdict.IMPLAUSIBLE_TIMESTAMP);
    }
    assertThat(state.lastTicker(Venue.UPBIT, "XRP")).isEmpty();
    // a venue clock a few seconds off is fine
    assertThat(state.apply(new TickerEvent(Venue.UPBIT, "XRP", 3015, 1e9, t - 3_000, t))).isEqualTo(Applied.COIN);
  }

  @Test
  void anAbsurdPriceNeverBecomesAnOpportunity() {
    List<Opportunity> offered = new ArrayList<>();
    OpportunityDetector detector = new OpportunityDetector(state,
        new OpportunityDetector.Settings(Duration.ZERO, new OpportunityRule.Settings(3, 1_000_000, 0.01,
            TradingCosts.defaults())), offered::add);
    market(T0);
    // an Upbit ask a hundred times too low: a 99 % reverse premium if it were believed
    MarketEvent e = upbit("XRP", 30.10, 30.20, T0 + 1);
    Applied a = state.apply(e);
    assertThat(a).isEqualTo(Applied.REJECTED);
    assertThat(detector.onApplied(a, e.coin(), e.receivedAt())).isZero();
    assertThat(offered).isEmpty();
  }

  @Test
  void theBandsAreSettings() {
    MarketState wide = new MarketState(Duration.ofSeconds(5), clock::get,
        new Plausibility.Settings(0.5, 0.9, Duration.ofSeconds(60), 1e-10, 1e10, Duration.ofHours(1)));
    wide.apply(upbit("XRP", 3010, 3020, T0));
    assertThat(wide.apply(upbit("XRP", 3010 * 1.4, 3020 * 1.4, T0 + 1))).isEqualTo(Applied.COIN);
  }
}
