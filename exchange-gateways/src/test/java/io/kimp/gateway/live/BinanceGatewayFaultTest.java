package io.kimp.gateway.live;

import static io.kimp.gateway.live.LiveVenues.await;
import static io.kimp.gateway.live.LiveVenues.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kimp.core.venue.FailureClass;
import io.kimp.core.venue.OrderRequest;
import io.kimp.core.venue.OrderResult;
import io.kimp.core.venue.OrderSide;
import io.kimp.core.venue.OrderStatus;
import io.kimp.core.venue.OrderType;
import io.kimp.core.venue.VenueException;
import io.kimp.core.venue.WithdrawalRequest;
import io.kimp.core.venue.WithdrawalResult;
import io.kimp.gateway.limit.KeyLimits;
import io.kimp.gateway.limit.RateLimitSettings;
import io.kimp.fixtures.venue.Fault;
import io.kimp.gateway.binance.BinanceGateway;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The live Binance gateway against the fake Binance when things go wrong. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BinanceGatewayFaultTest {
  private static final String ORDER = "POST /api/v3/order";
  private static final String HISTORY = "GET /sapi/v1/capital/withdraw/history";
  private final ActorTestKit kit = ActorTestKit.create();
  private final AtomicInteger ids = new AtomicInteger();
  private LiveVenues venues;

  @BeforeAll
  void start() {
    venues = LiveVenues.start(Duration.ofMillis(200));
    venues.binance.setPrice("XRP", new BigDecimal("0.499"), new BigDecimal("0.5"));
  }

  @BeforeEach
  void reset() {
    venues.binance.clearFaults();
    venues.binance.setClockOffset(Duration.ZERO);
    venues.binance.setBalance("USDT", new BigDecimal("1000")).setBalance("XRP", new BigDecimal("500"));
  }

  @AfterAll
  void stop() {
    venues.close();
    kit.shutdownTestKit();
  }

  private String id() {
    return "bfault" + ids.incrementAndGet();
  }

  /**
   * A look at the withdrawal history that may be skipped (a transfer's poll, the fee after a withdrawal) is made only
   * when the endpoint's window has room now; a reconciliation's look waits its turn. Here another node's usage (the
   * venue's header) holds the window for the rest of the interval.
   */
  @Test
  void aSkippableLookAtTheWithdrawalHistoryIsNotSentWithoutRoom() {
    KeyLimits limits = new KeyLimits(RateLimitSettings.documented());
    BinanceGateway g = venues.binanceGateway(kit, limits);
    // the node's window of the endpoint (BinanceSapi names it so), held as a usage header at the budget would hold it
    limits.window("binance:sapi:" + HISTORY, 1_250, () -> 180_000, java.time.Clock.systemUTC())
        .pauseUntil(System.currentTimeMillis() + 60_000);
    String id = id();
    WithdrawalRequest w = new WithdrawalRequest(id, "XRP", "XRP", new BigDecimal("20"),
        venues.upbit.depositAddress("XRP"), venues.upbit.depositTag("XRP"));
    int before = venues.binance.requests(HISTORY);
    // the withdrawal goes (its own window); its look for the real fee is skipped: the configured fee stands in
    WithdrawalResult sent = await(g.withdraw(w));
    assertThat(sent.clientId()).isEqualTo(id);
    assertThat(venues.binance.withdrawalsByClientId().get(id)).isEqualTo(1);
    // a poll's look: empty at once, nothing sent
    assertThat(await(g.peekWithdrawal(w, sent.withdrawalId()))).isEmpty();
    assertThat(venues.binance.requests(HISTORY)).isEqualTo(before);
    // a reconciliation's look is not skipped: it waits for the window
    var reconcile = g.queryWithdrawal(w).toCompletableFuture();
    assertThat(reconcile.completeOnTimeout(null, 1, java.util.concurrent.TimeUnit.SECONDS).join()).isNull();
    assertThat(venues.binance.requests(HISTORY)).isEqualTo(before);
  }

  @Test
  void serverErrorAfterExecutionIsUnknownAndTheQueryFindsExactlyOneOrder() {
    BinanceGateway g = venues.binanceGateway(kit);
    String id = id();
    venues.binance.inject(ORDER, Fault.executeThenStatus(503));
    VenueException e = failure(g.placeOrder(OrderRequest.marketBuy(id, "XRP", new BigDecimal("20"))));
    assertThat(e.failureClass()).isEqualTo(FailureClass.UNKNOWN_OUTCOME);

    OrderResult found = await(g.queryOrder("XRP", id)).orElseThrow();
    assertThat(found.status()).isEqualTo(OrderStatus.FILLED);
    assertThat(found.filledQuantity()).isEqualByComparingTo("40");
    assertThat(found.fee()).isEqualByComparingTo("0.04"); // from myTrades
    assertThat(venues.binance.ordersByClientId().get(id)).isEqualTo(1);
  }

  @Test
  void timeoutAfterSendingIsUnknownAndTheQueryFindsExactlyOneOrder() {
    BinanceGateway g = venues.binanceGateway(kit);
    String id = id();
    venues.binance.inject(ORDER, Fault.executeThenNoReply(Duration.ofSeconds(5)));
    VenueException e = failure(g.placeOrder(OrderRequest.marketSell(id, "XRP", new BigDecimal("30"))));
    assertThat(e.failureClass()).isEqualTo(FailureClass.UNKNOWN_OUTCOME);
    assertThat(e.code()).isEqualTo("timeout");

    assertThat(await(g.queryOrder("XRP", id))).hasValueSatisfying(o -> assertThat(o.hasFill()).isTrue());
    assertThat(venues.binance.ordersByClientId().get(id)).isEqualTo(1);
  }

  @Test
  void aRequestThatNeverExecutedIsNotFound() {
    BinanceGateway g = venues.binanceGateway(kit);
    String id = id();
    venues.binance.inject(ORDER, Fault.noReply(Duration.ofSeconds(5)));
    assertThat(failure(g.placeOrder(OrderRequest.marketBuy(id, "XRP", new BigDecimal("20")))).failureClass())
        .isEqualTo(FailureClass.UNKNOWN_OUTCOME);
    assertThat(await(g.queryOrder("XRP", id))).isEmpty();
    assertThat(venues.binance.ordersByClientId()).doesNotContainKey(id);
  }

  @Test
  void retryAfterIsObeyedForTheWholeVenue() {
    BinanceGateway g = venues.binanceGateway(kit);
    venues.binance.inject(ORDER, Fault.rateLimited(429, Duration.ofSeconds(2)));
    VenueException limited = failure(g.placeOrder(OrderRequest.marketBuy(id(), "XRP", new BigDecimal("20"))));
    assertThat(limited.failureClass()).isEqualTo(FailureClass.TRANSIENT);
    assertThat(limited.retryAfter()).contains(Duration.ofSeconds(2));
    int ordersSent = venues.binance.requests(ORDER);
    int accountSent = venues.binance.requests("GET /api/v3/account");

    // during the pause nothing reaches the venue, whatever the endpoint
    VenueException fastOrder = failure(g.placeOrder(OrderRequest.marketBuy(id(), "XRP", new BigDecimal("20"))));
    VenueException fastBalance = failure(g.balances());
    assertThat(fastOrder.failureClass()).isEqualTo(FailureClass.TRANSIENT);
    assertThat(fastOrder.code()).isEqualTo("backoff");
    assertThat(fastBalance.code()).isEqualTo("backoff");
    assertThat(venues.binance.requests(ORDER)).isEqualTo(ordersSent);
    assertThat(venues.binance.requests("GET /api/v3/account")).isEqualTo(accountSent);

    await().atMost(Duration.ofSeconds(4)).until(() -> g.backoff().remaining().isEmpty());
    assertThat(await(g.placeOrder(OrderRequest.marketBuy(id(), "XRP", new BigDecimal("20")))).status())
        .isEqualTo(OrderStatus.FILLED);
    assertThat(venues.binance.requestsDuringBackoff()).isZero();
  }

  @Test
  void insufficientBalanceIsPermanent() {
    BinanceGateway g = venues.binanceGateway(kit);
    String id = id();
    VenueException e = failure(g.placeOrder(OrderRequest.marketBuy(id, "XRP", new BigDecimal("5000"))));
    assertThat(e.failureClass()).isEqualTo(FailureClass.PERMANENT);
    assertThat(e.code()).isEqualTo("-2010");
    assertThat(venues.binance.ordersByClientId()).doesNotContainKey(id);
  }

  @Test
  void aClientIdInUseByAnOpenOrderIsRefusedAndReconciled() {
    BinanceGateway g = venues.binanceGateway(kit);
    String id = id();
    OrderRequest limit =
        new OrderRequest(id, "XRP", OrderSide.BUY, OrderType.LIMIT, new BigDecimal("100"), null, new BigDecimal("0.1"));
    assertThat(await(g.placeOrder(limit)).status()).isEqualTo(OrderStatus.NEW);
    VenueException dup = failure(g.placeOrder(limit));
    assertThat(dup.failureClass()).isEqualTo(FailureClass.UNKNOWN_OUTCOME);
    assertThat(dup.code()).isEqualTo("-2010");
    assertThat(venues.binance.ordersByClientId().get(id)).isEqualTo(1);
    assertThat(await(g.cancelOrder("XRP", id)).status()).isEqualTo(OrderStatus.CANCELED);
  }

  @Test
  void aClockOutsideRecvWindowIsResynchronisedAndTheRequestSentOnce() {
    BinanceGateway g = venues.binanceGateway(kit);
    venues.binance.setClockOffset(Duration.ofSeconds(30));
    int timeCalls = venues.binance.requests("GET /api/v3/time");
    String id = id();
    assertThat(await(g.placeOrder(OrderRequest.marketBuy(id, "XRP", new BigDecimal("20")))).status())
        .isEqualTo(OrderStatus.FILLED);
    assertThat(venues.binance.requests("GET /api/v3/time")).isEqualTo(timeCalls + 1);
    assertThat(venues.binance.ordersByClientId().get(id)).isEqualTo(1);
  }

  @Test
  void aBadSignatureIsAKeyRejectionRefusedBeforeAnythingWasDone() {
    BinanceGateway g = venues.binanceGateway(kit, venues.binance.baseUrl(), "not-the-secret");
    VenueException e = failure(g.balances());
    // not executed: retried by the cycle's backoff while trading stops for the key (KeyRejectionTest)
    assertThat(e.failureClass()).isEqualTo(FailureClass.TRANSIENT);
    assertThat(e.getMessage()).contains("check your API key");
    assertThat(e.code()).isEqualTo("-1022");
  }

  @Test
  void lotSizeIsAppliedBeforeSending() {
    venues.binance.setStepSize("XRP", new BigDecimal("0.1"));
    try {
      BinanceGateway g = venues.binanceGateway(kit);
      OrderResult sold = await(g.placeOrder(OrderRequest.marketSell(id(), "XRP", new BigDecimal("10.57"))));
      assertThat(sold.filledQuantity()).isEqualByComparingTo("10.5");
      int sent = venues.binance.requests(ORDER);
      VenueException tooSmall = failure(g.placeOrder(OrderRequest.marketSell(id(), "XRP", new BigDecimal("0.05"))));
      assertThat(tooSmall.failureClass()).isEqualTo(FailureClass.PERMANENT);
      assertThat(tooSmall.code()).isEqualTo("filter");
      VenueException belowNotional = failure(g.placeOrder(OrderRequest.marketBuy(id(), "XRP", new BigDecimal("4"))));
      assertThat(belowNotional.code()).isEqualTo("filter");
      assertThat(venues.binance.requests(ORDER)).isEqualTo(sent);
    } finally {
      venues.binance.setStepSize("XRP", new BigDecimal("0.000001"));
    }
  }

  @Test
  void aVenueThatCannotBeReachedIsTransient() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    BinanceGateway g = venues.binanceGateway(kit, "http://127.0.0.1:" + port, LiveVenues.BINANCE_SECRET);
    VenueException e = failure(g.placeOrder(OrderRequest.marketBuy(id(), "XRP", new BigDecimal("20"))));
    assertThat(e.failureClass()).isEqualTo(FailureClass.TRANSIENT);
  }

  @Test
  void usedWeightIsTracked() {
    BinanceGateway g = venues.binanceGateway(kit);
    await(g.balances());
    assertThat(g.usedWeight()).containsKey("x-mbx-used-weight-1m");
    assertThat(g.usedWeight().get("x-mbx-used-weight-1m")).isPositive();
  }
}
