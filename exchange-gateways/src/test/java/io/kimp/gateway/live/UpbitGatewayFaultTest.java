package io.kimp.gateway.live;

import io.kimp.fixtures.time.ManualClock;
import static io.kimp.gateway.live.LiveVenues.await;
import static io.kimp.gateway.live.LiveVenues.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kimp.core.venue.DepositAddress;
import io.kimp.core.venue.FailureClass;
import io.kimp.core.venue.OrderRequest;
import io.kimp.core.venue.OrderStatus;
import io.kimp.core.venue.VenueException;
import io.kimp.core.venue.WithdrawalRequest;
import io.kimp.core.venue.WithdrawalResult;
import io.kimp.fixtures.venue.Fault;
import io.kimp.fixtures.venue.FakeBinance;
import io.kimp.fixtures.venue.FakeChain;
import io.kimp.fixtures.venue.FakeUpbit;
import io.kimp.gateway.upbit.UpbitGateway;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The live Upbit gateway against the fake Upbit when things go wrong. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UpbitGatewayFaultTest {
  private static final String ORDER = "POST /v1/orders";
  private final ActorTestKit kit = ActorTestKit.create();
  private final AtomicInteger ids = new AtomicInteger();
  private LiveVenues venues;

  @BeforeAll
  void start() {
    venues = LiveVenues.start(Duration.ofMillis(200));
    venues.upbit.setPrice("XRP", new BigDecimal("720"), new BigDecimal("721")).setWithdrawFee("XRP", BigDecimal.ONE);
  }

  @BeforeEach
  void reset() {
    venues.upbit.clearFaults();
    venues.upbit.setBalance("KRW", new BigDecimal("1000000")).setBalance("XRP", new BigDecimal("500"));
  }

  @AfterAll
  void stop() {
    venues.close();
    kit.shutdownTestKit();
  }

  private String id() {
    return "ufault" + ids.incrementAndGet();
  }

  @Test
  void serverErrorAfterExecutionIsUnknownAndTheQueryFindsExactlyOneOrder() {
    UpbitGateway g = venues.upbitGateway(kit);
    String id = id();
    venues.upbit.inject(ORDER, Fault.executeThenStatus(500));
    VenueException e = failure(g.placeOrder(OrderRequest.marketBuy(id, "XRP", new BigDecimal("50000"))));
    assertThat(e.failureClass()).isEqualTo(FailureClass.UNKNOWN_OUTCOME);
    assertThat(await(g.queryOrder("XRP", id))).hasValueSatisfying(o -> assertThat(o.hasFill()).isTrue());
    assertThat(venues.upbit.ordersByIdentifier().get(id)).isEqualTo(1);
  }

  @Test
  void timeoutAfterSendingIsUnknownAndTheQueryFindsExactlyOneOrder() {
    UpbitGateway g = venues.upbitGateway(kit);
    String id = id();
    venues.upbit.inject(ORDER, Fault.executeThenNoReply(Duration.ofSeconds(5)));
    VenueException e = failure(g.placeOrder(OrderRequest.marketSell(id, "XRP", new BigDecimal("10"))));
    assertThat(e.failureClass()).isEqualTo(FailureClass.UNKNOWN_OUTCOME);
    assertThat(await(g.queryOrder("XRP", id)))
        .hasValueSatisfying(o -> assertThat(o.status()).isEqualTo(OrderStatus.FILLED));
    assertThat(venues.upbit.ordersByIdentifier().get(id)).isEqualTo(1);
  }

  @Test
  void anIdentifierIsNeverAcceptedTwiceEvenAfterARefusal() {
    UpbitGateway g = venues.upbitGateway(kit);
    String id = id();
    await(g.placeOrder(OrderRequest.marketSell(id, "XRP", new BigDecimal("10"))));
    VenueException dup = failure(g.placeOrder(OrderRequest.marketSell(id, "XRP", new BigDecimal("10"))));
    assertThat(dup.failureClass()).isEqualTo(FailureClass.UNKNOWN_OUTCOME);
    assertThat(venues.upbit.ordersByIdentifier().get(id)).isEqualTo(1);

    String refused = id();
    VenueException poor = failure(g.placeOrder(OrderRequest.marketBuy(refused, "XRP", new BigDecimal("5000000"))));
    assertThat(poor.failureClass()).isEqualTo(FailureClass.PERMANENT);
    assertThat(poor.code()).isEqualTo("insufficient_funds_bid");
    assertThat(failure(g.placeOrder(OrderRequest.marketBuy(refused, "XRP", new BigDecimal("50000")))).code())
        .isEqualTo("duplicate_identifier");
    assertThat(venues.upbit.ordersByIdentifier()).doesNotContainKey(refused);
  }

  @Test
  void retryAfterIsObeyedForTheWholeVenue() {
    UpbitGateway g = venues.upbitGateway(kit);
    venues.upbit.inject("GET /v1/accounts", Fault.rateLimited(429, Duration.ofSeconds(1)));
    VenueException limited = failure(g.balances());
    assertThat(limited.failureClass()).isEqualTo(FailureClass.TRANSIENT);
    int sent = venues.upbit.requests(ORDER);
    assertThat(failure(g.placeOrder(OrderRequest.marketSell(id(), "XRP", new BigDecimal("10")))).code())
        .isEqualTo("backoff");
    assertThat(venues.upbit.requests(ORDER)).isEqualTo(sent);
    await().atMost(Duration.ofSeconds(3)).until(() -> g.backoff().remaining().isEmpty());
    assertThat(await(g.balances())).containsKey("KRW");
    assertThat(venues.upbit.requestsDuringBackoff()).isZero();
  }

  /** Twelve orders as fast as replies come back: the gateway spreads them so that Upbit's 8/s budget is never hit. */
  @Test
  void remainingReqKeepsTheOrderBurstUnderTheBudget() {
    UpbitGateway g = venues.upbitGateway(kit);
    int before = venues.upbit.tooManyRequests();
    java.util.List<java.util.concurrent.CompletableFuture<?>> all = new java.util.ArrayList<>();
    for (int i = 0; i < 12; i++) {
      all.add(g.placeOrder(OrderRequest.marketSell(id(), "XRP", new BigDecimal("7"))).toCompletableFuture());
    }
    java.util.concurrent.CompletableFuture.allOf(all.toArray(new java.util.concurrent.CompletableFuture[0])).join();
    assertThat(venues.upbit.tooManyRequests()).isEqualTo(before);
  }

  @Test
  void aBadJwtIsAKeyRejectionRefusedBeforeAnythingWasDone() {
    UpbitGateway g = venues.upbitGateway(kit, venues.upbit.baseUrl(), LiveVenues.UPBIT_SECRET.replace('a', 'b'));
    VenueException e = failure(g.balances());
    // not executed: retried by the cycle's backoff while trading stops for the key (KeyRejectionTest)
    assertThat(e.failureClass()).isEqualTo(FailureClass.TRANSIENT);
    assertThat(e.getMessage()).contains("check your API key");
    assertThat(e.code()).isEqualTo("jwt_verification");
  }

  /** A restarted node has no uuid for its withdrawal: it is found by coin and amount, and not sent again. */
  @Test
  void aWithdrawalWhoseReplyWasLostIsFoundByAmountAfterARestart() {
    DepositAddress to = new DepositAddress("XRP", "XRP", venues.binance.depositAddress("XRP"), "482931");
    UpbitGateway before = venues.upbitGateway(kit);
    String id = id();
    WithdrawalRequest w = new WithdrawalRequest(id, "XRP", "XRP", new BigDecimal("123.4567"), to.address(), to.tag());
    int count = venues.upbit.withdrawalCount();
    venues.upbit.inject("POST /v1/withdraws/coin", Fault.executeThenNoReply(Duration.ofSeconds(5)));
    assertThat(failure(before.withdraw(w)).failureClass()).isEqualTo(FailureClass.UNKNOWN_OUTCOME);

    UpbitGateway restarted = venues.upbitGateway(kit);
    WithdrawalResult found = await(restarted.queryWithdrawal(w)).orElseThrow();
    // 123.4567 less the 1 XRP fee, its last digits the intent's tag: at most 1 bp below
    assertThat(found.fee()).isEqualByComparingTo("1");
    assertThat(found.amount()).isLessThanOrEqualTo(new BigDecimal("122.4567"))
        .isGreaterThanOrEqualTo(new BigDecimal("123.4567").multiply(new BigDecimal("0.9999")).subtract(BigDecimal.ONE));
    assertThat(venues.upbit.withdrawalCount()).isEqualTo(count + 1);
    // another amount is not this withdrawal
    WithdrawalRequest other = new WithdrawalRequest(id(), "XRP", "XRP", new BigDecimal("50"), to.address(), to.tag());
    assertThat(await(restarted.queryWithdrawal(other))).isEmpty();
    // and a known uuid is queried directly
    assertThat(await(restarted.queryWithdrawal(w)).orElseThrow().withdrawalId()).isEqualTo(found.withdrawalId());
  }
  /**
   * Two cycles withdrew the same amount of the same coin; the second one's transfer is polled on another node (after a
   * failover), whose gateway never saw either accepted. With the id the cycle recorded when its withdrawal was accepted it
   * gets its own; without it, the tag in the amount sent still tells the two apart.
   */
  @Test
  void aWithdrawalPolledOnAnotherNodeIsFoundByItsRecordedIdNotByAmount() {
    DepositAddress to = new DepositAddress("XRP", "XRP", venues.binance.depositAddress("XRP"), "482931");
    UpbitGateway sender = venues.upbitGateway(kit);
    WithdrawalRequest first = new WithdrawalRequest(id(), "XRP", "XRP", new BigDecimal("77.5"), to.address(), to.tag());
    WithdrawalRequest second = new WithdrawalRequest(id(), "XRP", "XRP", new BigDecimal("77.5"), to.address(), to.tag());
    WithdrawalResult firstAccepted = await(sender.withdraw(first));
    WithdrawalResult secondAccepted = await(sender.withdraw(second));
    assertThat(secondAccepted.withdrawalId()).isNotEqualTo(firstAccepted.withdrawalId());

    UpbitGateway otherNode = venues.upbitGateway(kit);
    assertThat(await(otherNode.queryWithdrawal(second, secondAccepted.withdrawalId(), null)).orElseThrow().withdrawalId())
        .isEqualTo(secondAccepted.withdrawalId());
    UpbitGateway byTag = venues.upbitGateway(kit);
    assertThat(await(byTag.queryWithdrawal(second)).orElseThrow().withdrawalId())
        .isEqualTo(secondAccepted.withdrawalId());
    assertThat(await(venues.upbitGateway(kit).queryWithdrawal(first)).orElseThrow().withdrawalId())
        .isEqualTo(firstAccepted.withdrawalId());
  }

  /**
   * A node died before its withdrawal request reached Upbit: other cycles' withdrawals of the same coin and amount, made
   * since, are not it (none carries its tag), so the cycle learns that nothing was sent instead of claiming one of them.
   */
  @Test
  void aWithdrawalThatNeverReachedUpbitIsNotFoundAmongEqualOnes() {
    DepositAddress to = new DepositAddress("XRP", "XRP", venues.binance.depositAddress("XRP"), "482931");
    Instant sentAt = Instant.now();
    UpbitGateway others = venues.upbitGateway(kit);
    for (int i = 0; i < 3; i++) {
      await(others.withdraw(new WithdrawalRequest(id(), "XRP", "XRP", new BigDecimal("88.8"), to.address(), to.tag())));
    }
    WithdrawalRequest lost = new WithdrawalRequest(id(), "XRP", "XRP", new BigDecimal("88.8"), to.address(), to.tag());
    assertThat(await(venues.upbitGateway(kit).queryWithdrawal(lost, null, sentAt))).isEmpty();
  }
  /**
   * A failover while an Upbit withdrawal was in flight: the new owner never got its uuid and must find it by coin and
   * amount. An equal withdrawal another cycle made a minute earlier is not it: nothing made before the request was sent
   * (recorded with the intent) counts.
   */
  @Test
  void aWithdrawalWhoseReplyWasLostIsNotConfusedWithAnEarlierEqualOne() {
    ManualClock clock = new ManualClock(Instant.now());
    FakeChain chain = new FakeChain(Duration.ofMillis(200), clock);
    try (FakeUpbit upbit = FakeUpbit.start(chain, LiveVenues.UPBIT_KEY, LiveVenues.UPBIT_SECRET);
        FakeBinance binance = FakeBinance.start(chain, LiveVenues.BINANCE_KEY, LiveVenues.BINANCE_SECRET)) {
      upbit.setBalance("XRP", new BigDecimal("500")).setWithdrawFee("XRP", BigDecimal.ONE);
      String address = binance.depositAddress("XRP");
      UpbitGateway sender = venues.upbitGateway(kit, upbit.baseUrl(), LiveVenues.UPBIT_SECRET);
      WithdrawalRequest earlier = new WithdrawalRequest(id(), "XRP", "XRP", new BigDecimal("60"), address, "482931");
      WithdrawalResult earlierAccepted = await(sender.withdraw(earlier));

      clock.advance(Duration.ofMinutes(1));
      Instant sentAt = clock.instant();
      WithdrawalRequest ours = new WithdrawalRequest(id(), "XRP", "XRP", new BigDecimal("60"), address, "482931");
      upbit.inject("POST /v1/withdraws/coin", Fault.executeThenNoReply(Duration.ofSeconds(5)));
      assertThat(failure(sender.withdraw(ours)).failureClass()).isEqualTo(FailureClass.UNKNOWN_OUTCOME);
      assertThat(upbit.withdrawalCount()).isEqualTo(2);

      UpbitGateway newOwner = venues.upbitGateway(kit, upbit.baseUrl(), LiveVenues.UPBIT_SECRET);
      WithdrawalResult found = await(newOwner.queryWithdrawal(ours, null, sentAt)).orElseThrow();
      assertThat(found.withdrawalId()).isNotEqualTo(earlierAccepted.withdrawalId());
      // without the send time, the tag in the amount still tells them apart
      UpbitGateway byTag = venues.upbitGateway(kit, upbit.baseUrl(), LiveVenues.UPBIT_SECRET);
      assertThat(await(byTag.queryWithdrawal(ours)).orElseThrow().withdrawalId()).isEqualTo(found.withdrawalId());
    }
  }

}
