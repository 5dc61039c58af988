package io.kimp.backtest.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.kimp.core.market.PerpQuote;
import io.kimp.core.market.PerpView;
import io.kimp.core.venue.FailureClass;
import io.kimp.core.venue.OrderResult;
import io.kimp.core.venue.OrderStatus;
import io.kimp.core.venue.PerpContract;
import io.kimp.core.venue.PerpOrderRequest;
import io.kimp.core.venue.PerpPosition;
import io.kimp.core.venue.PerpetualGateway.MarginTransfer;
import io.kimp.core.venue.VenueException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/**
 * The replay's perpetual venue: fills at the quote's bid (SELL) or ask (BUY), the taker fee in USDT, one signed position
 * per coin, reduce-only rules as Binance answers them (-2022), funding on the open position at each 8 h funding time.
 * Every figure below is worked out by hand.
 */
class SimPerpVenueTest {
  private static final Instant T0 = Instant.parse("2025-06-01T07:00:00Z");
  private static final PerpContract BTC = new PerpContract("BTC", "BTCUSDT", new BigDecimal("0.001"),
      new BigDecimal("0.001"), new BigDecimal("100"), new BigDecimal("0.0005"));

  private final SimClock clock = new SimClock(T0);
  private final Map<String, PerpQuote> quotes = new HashMap<>();
  private final Map<Instant, BigDecimal> rates = new HashMap<>();
  private final PerpView view = coin -> Optional.ofNullable(quotes.get(coin));
  private final SimPerpVenue venue = new SimPerpVenue(view, clock, Duration.ofMinutes(10),
      coin -> coin.equals("BTC") ? Optional.of(BTC) : Optional.empty(),
      (coin, at) -> rates.getOrDefault(at, BigDecimal.ZERO), 20);

  private void quote(String bid, String ask, String mark, String size) {
    quotes.put("BTC", new PerpQuote("BTC", new BigDecimal(bid), new BigDecimal(size), new BigDecimal(ask),
        new BigDecimal(size), new BigDecimal(mark), new BigDecimal(mark), BigDecimal.ZERO, null, clock.instant()));
  }

  private static <T> T done(CompletionStage<T> s) {
    return s.toCompletableFuture().join();
  }

  private static VenueException failure(CompletionStage<?> s) {
    try {
      s.toCompletableFuture().join();
    } catch (CompletionException e) {
      return (VenueException) e.getCause();
    }
    throw new AssertionError("expected a failure");
  }

  @Test
  void aShortFillsAtTheBidAndClosesAtTheAskWithTheTakerFeeInUsdt() {
    venue.fund(new BigDecimal("10000"));
    quote("100000", "100010", "100005", "5");
    // 0.12345 rounds down to the 0.001 step: 0.123 sold at the bid, fee 0.123 × 100000 × 0.0005 = 6.15 USDT
    OrderResult open = done(venue.placeOrder(PerpOrderRequest.openShort("c-open", "BTC", new BigDecimal("0.12345"))));
    assertThat(open.status()).isEqualTo(OrderStatus.FILLED);
    assertThat(open.filledQuantity()).isEqualByComparingTo("0.123");
    assertThat(open.averagePrice()).isEqualByComparingTo("100000");
    assertThat(open.quoteAmount()).isEqualByComparingTo("12300");
    assertThat(open.fee()).isEqualByComparingTo("6.15");
    assertThat(open.feeAsset()).isEqualTo("USDT");
    PerpPosition p = done(venue.position("BTC"));
    assertThat(p.quantity()).isEqualByComparingTo("-0.123");
    assertThat(p.entryPrice()).isEqualByComparingTo("100000");
    assertThat(p.markPrice()).isEqualByComparingTo("100005");

    clock.advanceTo(T0.plusSeconds(1800));
    quote("98990", "99000", "98995", "5");
    // bought back at the ask: (100000 − 99000) × 0.123 = 123 USDT realised, fee 0.123 × 99000 × 0.0005 = 6.0885
    OrderResult close = done(venue.placeOrder(PerpOrderRequest.closeShort("c-close", "BTC", new BigDecimal("0.123"))));
    assertThat(close.filledQuantity()).isEqualByComparingTo("0.123");
    assertThat(close.averagePrice()).isEqualByComparingTo("99000");
    assertThat(close.fee()).isEqualByComparingTo("6.0885");
    assertThat(done(venue.position("BTC")).isFlat()).isTrue();
    assertThat(venue.realisedUsdt()).isEqualByComparingTo("123");
    assertThat(venue.feesUsdt()).isEqualByComparingTo("12.2385");
    assertThat(venue.walletUsdt()).isEqualByComparingTo("10110.7615"); // 10000 + 123 − 12.2385
    // the orders are known by client id afterwards
    assertThat(done(venue.queryOrder("BTC", "c-open"))).contains(open);
    assertThat(done(venue.queryOrder("BTC", "nobody"))).isEmpty();
  }

  @Test
  void reduceOnlyNeverOpensAddsToOrFlipsAPosition() {
    venue.fund(new BigDecimal("10000"));
    quote("100000", "100010", "100005", "5");
    VenueException flat = failure(venue.placeOrder(PerpOrderRequest.closeShort("r1", "BTC", new BigDecimal("0.01"))));
    assertThat(flat.code()).isEqualTo("-2022");
    assertThat(flat.failureClass()).isEqualTo(FailureClass.PERMANENT);

    done(venue.placeOrder(PerpOrderRequest.openShort("o1", "BTC", new BigDecimal("0.010"))));
    VenueException exceeds =
        failure(venue.placeOrder(PerpOrderRequest.closeShort("r2", "BTC", new BigDecimal("0.011"))));
    assertThat(exceeds.code()).isEqualTo("-2022");
    VenueException adds = failure(venue.placeOrder(
        new PerpOrderRequest("r3", "BTC", io.kimp.core.venue.OrderSide.SELL, new BigDecimal("0.005"), true)));
    assertThat(adds.code()).isEqualTo("-2022");
    assertThat(done(venue.position("BTC")).quantity()).isEqualByComparingTo("-0.010");

    // a part close is allowed, and realises only its part: (100000 − 100010) × 0.004 = −0.04
    done(venue.placeOrder(PerpOrderRequest.closeShort("r4", "BTC", new BigDecimal("0.004"))));
    assertThat(done(venue.position("BTC")).quantity()).isEqualByComparingTo("-0.006");
    assertThat(venue.realisedUsdt()).isEqualByComparingTo("-0.04");
    // a client id is used once
    VenueException dup = failure(venue.placeOrder(PerpOrderRequest.openShort("o1", "BTC", new BigDecimal("0.01"))));
    assertThat(dup.code()).isEqualTo("-4116");
  }

  @Test
  void addingToAShortAveragesItsEntryAndAFlipOpensTheRemainderAtTheFillPrice() {
    venue.fund(new BigDecimal("10000"));
    quote("100000", "100010", "100005", "5");
    done(venue.placeOrder(PerpOrderRequest.openShort("a", "BTC", new BigDecimal("0.010"))));
    quote("101000", "101010", "101005", "5");
    done(venue.placeOrder(PerpOrderRequest.openShort("b", "BTC", new BigDecimal("0.030"))));
    // (0.010 × 100000 + 0.030 × 101000) / 0.040 = 100750
    assertThat(done(venue.position("BTC")).entryPrice()).isEqualByComparingTo("100750");
    // a plain BUY of 0.050 closes the 0.040 short at 101010 and opens 0.010 long at 101010
    done(venue.placeOrder(new PerpOrderRequest("c", "BTC", io.kimp.core.venue.OrderSide.BUY, new BigDecimal("0.050"),
        false)));
    PerpPosition p = done(venue.position("BTC"));
    assertThat(p.quantity()).isEqualByComparingTo("0.010");
    assertThat(p.entryPrice()).isEqualByComparingTo("101010");
    assertThat(venue.realisedUsdt()).isEqualByComparingTo("-10.4"); // (100750 − 101010) × 0.040
  }

  @Test
  void fundingIsSettledOnTheOpenPositionAtEachFundingTimeAtTheMarkPrice() {
    venue.fund(new BigDecimal("10000"));
    rates.put(Instant.parse("2025-06-01T08:00:00Z"), new BigDecimal("0.0001"));
    rates.put(Instant.parse("2025-06-01T16:00:00Z"), new BigDecimal("-0.0002"));
    quote("100000", "100010", "100005", "5");
    done(venue.placeOrder(PerpOrderRequest.openShort("s", "BTC", new BigDecimal("0.100"))));
    // 07:59: no funding time passed yet
    clock.advanceTo(Instant.parse("2025-06-01T07:59:00Z"));
    venue.settleFunding();
    assertThat(venue.fundingPayments()).isEmpty();
    quote("100100", "100110", "100200", "5");
    // 16:30, nothing touched the venue in between: both funding times are settled at the mark known now
    clock.advanceTo(Instant.parse("2025-06-01T16:30:00Z"));
    venue.settleFunding();
    assertThat(venue.fundingPayments()).hasSize(2);
    // 08:00: the short receives 0.100 × 100200 × 0.0001 = 1.002; 16:00: it pays 0.100 × 100200 × 0.0002 = 2.004
    assertThat(venue.fundingPayments().get(0).amountUsdt()).isEqualByComparingTo("1.002");
    assertThat(venue.fundingPayments().get(0).at()).isEqualTo(Instant.parse("2025-06-01T08:00:00Z"));
    assertThat(venue.fundingPayments().get(1).amountUsdt()).isEqualByComparingTo("-2.004");
    assertThat(venue.fundingUsdt()).isEqualByComparingTo("-1.002");
    // fee 0.100 × 100000 × 0.0005 = 5; wallet 10000 − 5 − 1.002
    assertThat(venue.walletUsdt()).isEqualByComparingTo("9993.998");
    // settled once: touching the venue again changes nothing
    venue.settleFunding();
    assertThat(venue.fundingPayments()).hasSize(2);
    // a flat position pays no funding
    quote("100100", "100110", "100200", "5");
    done(venue.placeOrder(PerpOrderRequest.closeShort("x", "BTC", new BigDecimal("0.100"))));
    clock.advanceTo(Instant.parse("2025-06-02T00:00:00Z"));
    venue.settleFunding();
    assertThat(venue.fundingPayments()).hasSize(2);
  }

  @Test
  void itRefusesWhatBinanceRefuses() {
    venue.fund(new BigDecimal("100"));
    // no quote yet: transient, the cycle retries
    VenueException none = failure(venue.placeOrder(PerpOrderRequest.openShort("n", "BTC", new BigDecimal("0.01"))));
    assertThat(none.failureClass()).isEqualTo(FailureClass.TRANSIENT);
    quote("100000", "100010", "100005", "5");
    // a stale quote: transient as well
    clock.advanceTo(T0.plus(Duration.ofMinutes(11)));
    assertThat(failure(venue.placeOrder(PerpOrderRequest.openShort("st", "BTC", new BigDecimal("0.01"))))
        .failureClass()).isEqualTo(FailureClass.TRANSIENT);
    quote("100000", "100010", "100005", "5");
    // no perpetual for the coin
    assertThat(failure(venue.placeOrder(PerpOrderRequest.openShort("u", "XYZ", BigDecimal.ONE))).code())
        .isEqualTo("-1121");
    // 0.0009 rounds down to nothing; 0.001 × 100000 = 100 USDT is the minimum notional
    assertThat(failure(venue.placeOrder(PerpOrderRequest.openShort("m", "BTC", new BigDecimal("0.0009")))).code())
        .isEqualTo("-4164");
    // margin: 0.05 × 100000 / 20 = 250 USDT initial margin (+ 2.5 fee) is more than the 100 USDT wallet
    VenueException margin =
        failure(venue.placeOrder(PerpOrderRequest.openShort("big", "BTC", new BigDecimal("0.05"))));
    assertThat(margin.code()).isEqualTo("-2019");
    assertThat(margin.failureClass()).isEqualTo(FailureClass.PERMANENT);
    // at leverage 100 it fits: 50 + 2.5
    done(venue.ensureLeverage("BTC", 100));
    assertThat(done(venue.placeOrder(PerpOrderRequest.openShort("big2", "BTC", new BigDecimal("0.05"))))
        .filledQuantity()).isEqualByComparingTo("0.05");
    assertThat(failure(venue.ensureLeverage("BTC", 0)).code()).isEqualTo("-4028");
  }

  @Test
  void aQuoteThinnerThanTheOrderFillsWhatItHoldsAndTheRestExpires() {
    venue.fund(new BigDecimal("10000"));
    quote("100000", "100010", "100005", "0.0305");
    OrderResult r = done(venue.placeOrder(PerpOrderRequest.openShort("t", "BTC", new BigDecimal("0.05"))));
    assertThat(r.status()).isEqualTo(OrderStatus.EXPIRED);
    assertThat(r.filledQuantity()).isEqualByComparingTo("0.030");
  }

  @Test
  void marginMovesBetweenTheSpotAndTheFuturesWallet() {
    venue.fund(new BigDecimal("50"));
    assertThat(done(venue.availableMargin())).isEqualByComparingTo("50");
    done(venue.transferMargin(MarginTransfer.FUTURES_TO_SPOT, new BigDecimal("20"), "t1"));
    assertThat(done(venue.availableMargin())).isEqualByComparingTo("30");
    assertThat(failure(venue.transferMargin(MarginTransfer.FUTURES_TO_SPOT, new BigDecimal("31"), "t2")).code())
        .isEqualTo("-5013");
    done(venue.transferMargin(MarginTransfer.SPOT_TO_FUTURES, new BigDecimal("70"), "t3"));
    assertThat(done(venue.availableMargin())).isEqualByComparingTo("100");
  }
}
