package io.kimp.core.market;

import static org.assertj.core.api.Assertions.assertThat;

import io.kimp.core.market.MarketEvent.BookEvent;
import io.kimp.core.strategy.Opportunity;
import io.kimp.core.strategy.OpportunityRule;
import io.kimp.core.strategy.TradingCosts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpportunityDetectorTest {
  private final MarketState state = MarketState.live(Duration.ofSeconds(5));
  private final List<Opportunity> offered = new ArrayList<>();
  private final OpportunityDetector detector =
      new OpportunityDetector(
          state,
          new OpportunityDetector.Settings(
              Duration.ofSeconds(10), new OpportunityRule.Settings(0.5, 1_000_000, 0.01, TradingCosts.defaults())),
          offered::add);

  private int feed(MarketEvent e) {
    return detector.onApplied(state.apply(e), e.coin(), e.receivedAt());
  }

  private static BookEvent book(Venue v, String coin, double bid, double ask, long at) {
    // deep enough for a 1,000,000 KRW cycle on both sides
    return new BookEvent(Book.top(v, coin, bid, 1e6, ask, 1e6, at), v == Venue.BINANCE, at, MarketEvent.NO_SEQUENCE);
  }

  @Test
  void aThreePercentKimchiPremiumIsOfferedOnceThenCoolsDown() {
    long t = 1_000_000;
    feed(book(Venue.UPBIT, "USDT", 1399.5, 1400.5, t));
    feed(book(Venue.BINANCE, "XRP", 2.000, 2.001, t));
    assertThat(feed(book(Venue.UPBIT, "XRP", 2885, 2886, t))).isEqualTo(1); // +3 %

    assertThat(offered).hasSize(1);
    Opportunity o = offered.get(0);
    assertThat(o.symbol()).isEqualTo("XRP");
    assertThat(o.direction()).isEqualTo(Direction.KIMCHI);
    assertThat(o.premiumPercent()).isBetween(2.9, 3.1);
    assertThat(o.netEdgePercent()).isBetween(2.5, 3.0); // fees cost 0.15 %
    assertThat(o.usdtKrw()).isEqualByComparingTo("1400");

    // the edge persists: no flood while cooling down
    for (int i = 1; i <= 50; i++) {
      feed(book(Venue.UPBIT, "XRP", 2885, 2886 + i * 0.01, t + i));
    }
    assertThat(offered).hasSize(1);
    assertThat(detector.stats().suppressedCooldown()).isEqualTo(50);

    // after the cooldown (all sides refreshed), the next tick is offered again
    long later = t + 10_001;
    feed(book(Venue.UPBIT, "USDT", 1399.5, 1400.5, later));
    feed(book(Venue.BINANCE, "XRP", 2.000, 2.001, later));
    assertThat(offered).hasSize(1); // Upbit XRP has not ticked for 10 s: stale
    feed(book(Venue.UPBIT, "XRP", 2885, 2886, later));
    assertThat(offered).hasSize(2);
  }

  @Test
  void nothingIsOfferedWhileThePortfolioHasNoRoomAndTheCoinDoesNotCoolDownMeanwhile() {
    java.util.concurrent.atomic.AtomicBoolean room = new java.util.concurrent.atomic.AtomicBoolean(false);
    List<Opportunity> gated = new ArrayList<>();
    OpportunityDetector d =
        new OpportunityDetector(
            state,
            new OpportunityDetector.Settings(
                    Duration.ofSeconds(10), new OpportunityRule.Settings(0.5, 1_000_000, 0.01, TradingCosts.defaults()))
                .withStartGate(now -> room.get()),
            gated::add);
    long t = 1_000_000;
    d.onApplied(state.apply(book(Venue.UPBIT, "USDT", 1399.5, 1400.5, t)), "USDT", t);
    d.onApplied(state.apply(book(Venue.BINANCE, "XRP", 2.000, 2.001, t)), "XRP", t);
    for (int i = 0; i < 20; i++) { // a +3 % premium on every tick while every slot is held
      BookEvent e = book(Venue.UPBIT, "XRP", 2885, 2886 + i * 0.01, t + i);
      assertThat(d.onApplied(state.apply(e), "XRP", e.receivedAt())).isZero();
    }
    assertThat(gated).isEmpty();
    assertThat(d.stats().suppressedNoCapacity()).isEqualTo(20);
    assertThat(d.stats().offered()).isZero();

    room.set(true); // a slot frees: the very next tick is offered (no cooldown was started while full)
    BookEvent next = book(Venue.UPBIT, "XRP", 2885, 2886, t + 21);
    assertThat(d.onApplied(state.apply(next), "XRP", next.receivedAt())).isEqualTo(1);
    assertThat(gated).singleElement().satisfies(o -> assertThat(o.symbol()).isEqualTo("XRP"));
    assertThat(d.stats().suppressedNoCapacity()).isEqualTo(20);
  }

  @Test
  void aReversePremiumIsOfferedInTheReverseDirection() {
    long t = 1_000_000;
    feed(book(Venue.UPBIT, "USDT", 1399.5, 1400.5, t));
    feed(book(Venue.UPBIT, "SOL", 190_000, 190_050, t));
    feed(book(Venue.BINANCE, "SOL", 140.0, 140.01, t)); // Upbit 3 % cheaper
    assertThat(offered).singleElement().satisfies(o -> assertThat(o.direction()).isEqualTo(Direction.REVERSE));
  }

  @Test
  void nothingIsOfferedWhileASideOrTheRateIsStale() {
    long t = 1_000_000;
    feed(book(Venue.UPBIT, "USDT", 1399.5, 1400.5, t));
    feed(book(Venue.BINANCE, "XRP", 2.000, 2.001, t));
    // Binance goes silent; 6 s later Upbit shows a 3 % premium
    assertThat(feed(book(Venue.UPBIT, "XRP", 2885, 2886, t + 6_000))).isZero();
    assertThat(offered).isEmpty();
    assertThat(detector.stats().suppressedStale()).isEqualTo(1);

    // Binance is back but the rate is now stale
    feed(book(Venue.BINANCE, "XRP", 2.000, 2.001, t + 6_001));
    assertThat(offered).isEmpty();
    assertThat(detector.stats().suppressedStale()).isEqualTo(2);

    // the rate is back: the premium is offered
    feed(book(Venue.UPBIT, "USDT", 1399, 1401, t + 6_002));
    assertThat(offered).hasSize(1);
  }

  @Test
  void aSmallPremiumIsNotAnOpportunity() {
    long t = 1_000_000;
    feed(book(Venue.UPBIT, "USDT", 1399.5, 1400.5, t));
    feed(book(Venue.BINANCE, "ETH", 3500, 3500.5, t));
    feed(book(Venue.UPBIT, "ETH", 4_914_000, 4_915_000, t)); // +0.3 %
    assertThat(offered).isEmpty();
    assertThat(detector.stats().evaluated()).isEqualTo(1);
  }

  @Test
  void aRateMoveReevaluatesEveryCoin() {
    long t = 1_000_000;
    feed(book(Venue.UPBIT, "USDT", 1449.5, 1450.5, t));
    feed(book(Venue.BINANCE, "XRP", 2.000, 2.001, t));
    feed(book(Venue.UPBIT, "XRP", 2885, 2886, t)); // −0.5 %: nothing
    feed(book(Venue.BINANCE, "ADA", 1.000, 1.0005, t));
    feed(book(Venue.UPBIT, "ADA", 1442, 1443, t));
    assertThat(offered).isEmpty();
    // USDT/KRW falls to 1400: both coins now show about +3 %
    assertThat(feed(book(Venue.UPBIT, "USDT", 1399.5, 1400.5, t + 1))).isEqualTo(2);
    assertThat(offered).extracting(Opportunity::symbol).containsExactlyInAnyOrder("XRP", "ADA");
  }
}
