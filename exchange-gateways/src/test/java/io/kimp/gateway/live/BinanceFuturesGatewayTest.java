package io.kimp.gateway.live;

import static io.kimp.gateway.live.LiveVenues.await;
import static io.kimp.gateway.live.LiveVenues.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.kimp.core.venue.FailureClass;
import io.kimp.core.venue.OrderResult;
import io.kimp.core.venue.OrderStatus;
import io.kimp.core.venue.PerpContract;
import io.kimp.core.venue.PerpOrderRequest;
import io.kimp.core.venue.PerpPosition;
import io.kimp.core.venue.PerpetualGateway.MarginTransfer;
import io.kimp.core.venue.VenueException;
import io.kimp.fixtures.venue.Fault;
import io.kimp.gateway.binance.BinanceFuturesGateway;
import io.kimp.gateway.limit.KeyLimits;
import io.kimp.gateway.preflight.KeyRejection;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The live futures gateway against {@code FakeBinanceFutures} (real HTTP on loopback, the fake checking every signature
 * with its own code): every call of the port, and every class of failure the hedge must tell apart.
 */
class BinanceFuturesGatewayTest {
  private static final BigDecimal BID = new BigDecimal("50000");
  private static final BigDecimal ASK = new BigDecimal("50010");

  private final ActorTestKit kit = ActorTestKit.create();
  private FuturesVenue venue;
  private KeyLimits limits;
  private BinanceFuturesGateway gateway;

  @BeforeEach
  void start() {
    venue = new FuturesVenue();
    venue.fake.setPrice("BTC", BID, ASK).setWallet(new BigDecimal("1000")).setTakerFee(new BigDecimal("0.0004"));
    limits = KeyLimits.standalone();
    gateway = venue.gateway(kit, limits);
  }

  @AfterEach
  void stop() {
    venue.close();
    kit.shutdownTestKit();
  }

  private static String id(String suffix) {
    return "c0ffee00-0000-4000-8000-0000000" + suffix + "H1";
  }

  @Test
  void theContractComesFromExchangeInfoWithTheAccountsTakerRate() {
    PerpContract c = await(gateway.contract("BTC")).orElseThrow();
    assertThat(c.symbol()).isEqualTo("BTCUSDT");
    assertThat(c.quantityStep()).isEqualByComparingTo("0.001");
    assertThat(c.minQuantity()).isEqualByComparingTo("0.001");
    assertThat(c.minNotional()).isEqualByComparingTo("5");
    assertThat(c.takerFee()).isEqualByComparingTo("0.0004");
    assertThat(await(gateway.contract("DOGE"))).as("no perpetual listed").isEmpty();
    await(gateway.contract("BTC"));
    assertThat(venue.fake.requests("GET /fapi/v1/exchangeInfo")).as("cached").isEqualTo(2);
  }

  @Test
  void aShortOpensAtTheBidAndClosesReduceOnlyAtTheAsk() {
    OrderResult open = await(gateway.placeOrder(PerpOrderRequest.openShort(id("001"), "BTC", new BigDecimal("0.0123"))));
    assertThat(open.status()).isEqualTo(OrderStatus.FILLED);
    assertThat(open.clientId()).isEqualTo(id("001"));
    assertThat(open.filledQuantity()).as("rounded down to the step").isEqualByComparingTo("0.012");
    assertThat(open.averagePrice()).isEqualByComparingTo(BID);
    assertThat(open.fee()).isEqualByComparingTo(new BigDecimal("0.012").multiply(BID).multiply(new BigDecimal("0.0004")));
    assertThat(open.feeAsset()).isEqualTo("USDT");

    PerpPosition pos = await(gateway.position("BTC"));
    assertThat(pos.quantity()).isEqualByComparingTo("-0.012");
    assertThat(pos.entryPrice()).isEqualByComparingTo(BID);
    assertThat(pos.liquidationPrice().signum()).isPositive();

    OrderResult close = await(gateway.placeOrder(PerpOrderRequest.closeShort(id("002"), "BTC", new BigDecimal("0.012"))));
    assertThat(close.filledQuantity()).isEqualByComparingTo("0.012");
    assertThat(close.averagePrice()).isEqualByComparingTo(ASK);
    assertThat(await(gateway.position("BTC")).isFlat()).isTrue();
    // realised: (50000 - 50010) x 0.012 = -0.12, fees 0.24 + 0.240048
    assertThat(venue.fake.wallet()).isEqualByComparingTo("999.399952");
  }

  @Test
  void doomedOrdersAreRefusedBeforeSending() {
    VenueException small =
        failure(gateway.placeOrder(PerpOrderRequest.openShort(id("003"), "BTC", new BigDecimal("0.0009"))));
    assertThat(small.failureClass()).isEqualTo(FailureClass.PERMANENT);
    assertThat(small.code()).isEqualTo("below-minimum");
    VenueException unlisted =
        failure(gateway.placeOrder(PerpOrderRequest.openShort(id("004"), "DOGE", new BigDecimal("100"))));
    assertThat(unlisted.failureClass()).isEqualTo(FailureClass.PERMANENT);
    assertThat(unlisted.code()).isEqualTo("perp-not-listed");
    assertThat(venue.fake.requests("POST /fapi/v1/order")).isZero();
  }

  @Test
  void venueRefusalsArePermanent() {
    VenueException reduce =
        failure(gateway.placeOrder(PerpOrderRequest.closeShort(id("005"), "BTC", new BigDecimal("0.01"))));
    assertThat(reduce.failureClass()).isEqualTo(FailureClass.PERMANENT);
    assertThat(reduce.code()).isEqualTo("-2022");

    VenueException margin =
        failure(gateway.placeOrder(PerpOrderRequest.openShort(id("006"), "BTC", new BigDecimal("1"))));
    assertThat(margin.failureClass()).isEqualTo(FailureClass.PERMANENT);
    assertThat(margin.code()).isEqualTo("-2019");

    venue.fake.setMinNotional(new BigDecimal("100"));
    VenueException notional =
        failure(gateway.placeOrder(PerpOrderRequest.openShort(id("007"), "BTC", new BigDecimal("0.001"))));
    assertThat(notional.failureClass()).isEqualTo(FailureClass.PERMANENT);
    assertThat(notional.code()).isEqualTo("-4164");
    assertThat(venue.fake.orderCount()).isZero();
  }

  @Test
  void aClientIdSentTwiceIsLookedUpNotRepeated() {
    await(gateway.placeOrder(PerpOrderRequest.openShort(id("008"), "BTC", new BigDecimal("0.002"))));
    VenueException again =
        failure(gateway.placeOrder(PerpOrderRequest.openShort(id("008"), "BTC", new BigDecimal("0.002"))));
    assertThat(again.failureClass()).isEqualTo(FailureClass.UNKNOWN_OUTCOME);
    assertThat(again.code()).isEqualTo("-4116");
    Optional<OrderResult> found = await(gateway.queryOrder("BTC", id("008")));
    assertThat(found).isPresent();
    assertThat(found.get().filledQuantity()).isEqualByComparingTo("0.002");
    assertThat(found.get().fee()).isEqualByComparingTo(new BigDecimal("0.002").multiply(BID).multiply(new BigDecimal("0.0004")));
    assertThat(await(gateway.queryOrder("BTC", id("999")))).as("-2013: no such order").isEmpty();
    assertThat(venue.fake.ordersByClientId()).containsEntry(id("008"), 1);
  }

  @Test
  void aReplyLostAfterExecutionIsReconciledByClientId() {
    venue.fake.inject("POST /fapi/v1/order", Fault.executeThenNoReply(Duration.ofSeconds(5)));
    VenueException lost =
        failure(gateway.placeOrder(PerpOrderRequest.openShort(id("010"), "BTC", new BigDecimal("0.005"))));
    assertThat(lost.failureClass()).isEqualTo(FailureClass.UNKNOWN_OUTCOME);

    OrderResult found = await(gateway.queryOrder("BTC", id("010"))).orElseThrow();
    assertThat(found.status()).isEqualTo(OrderStatus.FILLED);
    assertThat(found.filledQuantity()).isEqualByComparingTo("0.005");
    assertThat(await(gateway.position("BTC")).quantity()).isEqualByComparingTo("-0.005");
    assertThat(venue.fake.orderCount()).isEqualTo(1);
  }

  @Test
  void aServerErrorOnAnOrderIsAnUnknownOutcomeAndOnAReadTransient() {
    venue.fake.inject("POST /fapi/v1/order", Fault.serverError());
    VenueException order =
        failure(gateway.placeOrder(PerpOrderRequest.openShort(id("011"), "BTC", new BigDecimal("0.005"))));
    assertThat(order.failureClass()).isEqualTo(FailureClass.UNKNOWN_OUTCOME);
    assertThat(await(gateway.queryOrder("BTC", id("011")))).as("the 503 came before execution").isEmpty();

    venue.fake.inject("GET /fapi/v2/positionRisk", Fault.serverError());
    assertThat(failure(gateway.position("BTC")).failureClass()).isEqualTo(FailureClass.TRANSIENT);
    venue.fake.inject("GET /fapi/v2/account", Fault.noReply(Duration.ofSeconds(5)));
    assertThat(failure(gateway.availableMargin()).failureClass()).isEqualTo(FailureClass.TRANSIENT);
  }

  @Test
  void a429PausesEveryBinanceCallForRetryAfter() {
    venue.fake.inject("GET /fapi/v2/positionRisk", Fault.rateLimited(429, Duration.ofSeconds(3)));
    VenueException limited = failure(gateway.position("BTC"));
    assertThat(limited.failureClass()).isEqualTo(FailureClass.TRANSIENT);
    assertThat(limited.retryAfter()).contains(Duration.ofSeconds(3));
    int reached = venue.fake.requests("GET /fapi/v2/account");
    VenueException held = failure(gateway.availableMargin());
    assertThat(held.code()).isEqualTo("backoff");
    assertThat(venue.fake.requests("GET /fapi/v2/account")).isEqualTo(reached);
    assertThat(venue.fake.requestsDuringBackoff()).isZero();
    assertThat(venue.fake.returned418()).isZero();
  }

  @Test
  void a418BanIsTransientWithItsRetryAfter() {
    venue.fake.inject("GET /fapi/v2/account", Fault.rateLimited(418, Duration.ofSeconds(2)));
    VenueException banned = failure(gateway.availableMargin());
    assertThat(banned.failureClass()).isEqualTo(FailureClass.TRANSIENT);
    assertThat(banned.retryAfter()).contains(Duration.ofSeconds(2));
    assertThat(gateway.backoff().remaining()).isPresent();
  }

  @Test
  void aKeyWithoutFuturesIsAKeyRejectionThatSaysToEnableFutures() {
    List<KeyRejection> heard = new ArrayList<>();
    limits.keyWatch().listen(heard::add);
    venue.fake.disableFutures(true);

    VenueException refused = failure(gateway.checkKey());
    assertThat(refused.code()).isEqualTo("-2015");
    assertThat(refused.failureClass()).as("nothing was done; trading stops meanwhile").isEqualTo(FailureClass.TRANSIENT);
    KeyRejection r = KeyRejection.of(refused).orElseThrow();
    assertThat(r.api()).isEqualTo(KeyRejection.Api.FUTURES);
    assertThat(r.message()).contains("futures").contains("Enable Futures")
        .contains("kimp.exchanges.binance.api-key").contains("kimp.hedge.enabled");
    assertThat(heard).hasSize(1);
    assertThat(heard.get(0).api()).isEqualTo(KeyRejection.Api.FUTURES);
    assertThat(r.message()).doesNotContain(LiveVenues.BINANCE_KEY).doesNotContain(LiveVenues.BINANCE_SECRET);
  }

  @Test
  void aWrongSecretFailsTheFakesOwnSignatureCheck() {
    BinanceFuturesGateway wrong = venue.gateway(kit, KeyLimits.standalone(), LiveVenues.BINANCE_SECRET + "x");
    VenueException refused = failure(wrong.availableMargin());
    assertThat(refused.code()).isEqualTo("-1022");
    assertThat(KeyRejection.of(refused)).isPresent();
    assertThat(await(gateway.availableMargin())).as("the right secret passes").isEqualByComparingTo("1000");
  }

  @Test
  void aClockBehindTheVenueIsResyncedOnce() {
    venue.fake.setClockOffset(Duration.ofSeconds(20));
    assertThat(await(gateway.availableMargin())).isEqualByComparingTo("1000");
    assertThat(venue.fake.requests("GET /fapi/v1/time")).isEqualTo(1);
  }

  @Test
  void hedgeModeIsAClearError() {
    venue.fake.setHedgeMode(true);
    VenueException pos = failure(gateway.position("BTC"));
    assertThat(pos.failureClass()).isEqualTo(FailureClass.PERMANENT);
    assertThat(pos.code()).isEqualTo("hedge-mode");
    assertThat(pos.getMessage()).contains("One-way");
    VenueException order =
        failure(gateway.placeOrder(PerpOrderRequest.openShort(id("012"), "BTC", new BigDecimal("0.002"))));
    assertThat(order.code()).isEqualTo("hedge-mode");
    assertThat(order.failureClass()).isEqualTo(FailureClass.PERMANENT);
  }

  @Test
  void leverageMarginAndWalletTransfers() {
    await(gateway.ensureLeverage("BTC", 2));
    assertThat(venue.fake.leverage("BTC")).isEqualTo(2);
    assertThat(await(gateway.position("BTC")).leverage()).isEqualTo(2);
    assertThat(failure(gateway.ensureLeverage("BTC", 0)).failureClass()).isEqualTo(FailureClass.PERMANENT);

    venue.fake.setSpotUsdt(new BigDecimal("300"));
    await(gateway.transferMargin(MarginTransfer.SPOT_TO_FUTURES, new BigDecimal("250"), id("013")));
    assertThat(venue.fake.spotUsdt()).isEqualByComparingTo("50");
    assertThat(await(gateway.availableMargin())).isEqualByComparingTo("1250");
    await(gateway.transferMargin(MarginTransfer.FUTURES_TO_SPOT, new BigDecimal("1200"), id("014")));
    assertThat(venue.fake.spotUsdt()).isEqualByComparingTo("1250");
    assertThat(await(gateway.availableMargin())).isEqualByComparingTo("50");
    VenueException tooMuch =
        failure(gateway.transferMargin(MarginTransfer.FUTURES_TO_SPOT, new BigDecimal("51"), id("015")));
    assertThat(tooMuch.failureClass()).isEqualTo(FailureClass.PERMANENT);

    // a 2x short of 0.001 BTC ties up 25 USDT of margin
    await(gateway.placeOrder(PerpOrderRequest.openShort(id("016"), "BTC", new BigDecimal("0.001"))));
    assertThat(await(gateway.availableMargin())).isLessThan(new BigDecimal("26"));
  }

  @Test
  void aLostTransferReplyIsAnUnknownOutcome() {
    venue.fake.setSpotUsdt(new BigDecimal("100"));
    venue.fake.inject("POST /sapi/v1/asset/transfer", Fault.executeThenStatus(502));
    VenueException lost =
        failure(gateway.transferMargin(MarginTransfer.SPOT_TO_FUTURES, new BigDecimal("100"), id("017")));
    assertThat(lost.failureClass()).isEqualTo(FailureClass.UNKNOWN_OUTCOME);
    assertThat(venue.fake.transfers()).containsExactly(new BigDecimal("100"));
  }
}
