package io.kimp.gateway.live;

import static io.kimp.gateway.live.LiveVenues.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kimp.core.venue.Deposit;
import io.kimp.core.venue.DepositAddress;
import io.kimp.core.venue.DepositStatus;
import io.kimp.core.venue.OrderRequest;
import io.kimp.core.venue.OrderResult;
import io.kimp.core.venue.OrderStatus;
import io.kimp.core.venue.WithdrawalRequest;
import io.kimp.core.venue.WithdrawalResult;
import io.kimp.core.venue.WithdrawalStatus;
import io.kimp.gateway.binance.BinanceGateway;
import io.kimp.gateway.upbit.UpbitGateway;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Both legs of a kimchi cycle through the live gateways against the fake venues: buy XRP on Binance, withdraw it to
 * Upbit, wait for the deposit, sell it for KRW; then buy on Upbit, withdraw to Binance, wait, sell for USDT.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LiveRoundTripTest {
  private final ActorTestKit kit = ActorTestKit.create();
  private LiveVenues venues;
  private BinanceGateway binance;
  private UpbitGateway upbit;

  @BeforeAll
  void start() {
    venues = LiveVenues.start(Duration.ofMillis(400));
    venues.binance.setBalance("USDT", new BigDecimal("1000"))
        .setPrice("XRP", new BigDecimal("0.499"), new BigDecimal("0.5"))
        .setWithdrawFee("XRP", new BigDecimal("0.2"));
    venues.upbit.setBalance("KRW", new BigDecimal("1000000"))
        .setPrice("XRP", new BigDecimal("720"), new BigDecimal("721"))
        .setWithdrawFee("XRP", BigDecimal.ONE);
    binance = venues.binanceGateway(kit);
    upbit = venues.upbitGateway(kit);
  }

  @AfterAll
  void stop() {
    venues.close();
    kit.shutdownTestKit();
  }

  @Test
  void bothLegsTradeTransferAndSettle() {
    Instant start = Instant.now().minusSeconds(1);

    // initial leg: Binance buy
    OrderResult buy = await(binance.placeOrder(OrderRequest.marketBuy("c1IB01", "XRP", new BigDecimal("100"))));
    assertThat(buy.status()).isEqualTo(OrderStatus.FILLED);
    assertThat(buy.filledQuantity()).isEqualByComparingTo("200");
    assertThat(buy.quoteAmount()).isEqualByComparingTo("100");
    assertThat(buy.fee()).isEqualByComparingTo("0.2");
    assertThat(buy.feeAsset()).isEqualTo("XRP");
    assertThat(await(binance.queryOrder("XRP", "c1IB01"))).contains(buy);

    // withdraw to Upbit's deposit address, tag included
    DepositAddress to = await(upbit.depositAddress("XRP", "XRP"));
    assertThat(to.address()).isEqualTo(venues.upbit.depositAddress("XRP"));
    assertThat(to.tag()).isEqualTo("771204");
    WithdrawalRequest w1 = new WithdrawalRequest("c1IW01", "XRP", "XRP", new BigDecimal("199.8"), to.address(), to.tag());
    WithdrawalResult sent = await(binance.withdraw(w1));
    assertThat(sent.amount()).isEqualByComparingTo("199.6");
    assertThat(sent.fee()).isEqualByComparingTo("0.2");
    assertThat(sent.status().failed()).isFalse();

    // the deposit arrives at Upbit and carries the withdrawal's txid
    Deposit arrived = awaitCredited(upbit, start);
    assertThat(arrived.amount()).isEqualByComparingTo("199.6");
    WithdrawalResult done = await(binance.queryWithdrawal(w1)).orElseThrow();
    assertThat(done.status()).isEqualTo(WithdrawalStatus.COMPLETED);
    assertThat(arrived.txId()).isEqualTo(done.txId());

    // sell on Upbit: the creation reply is not final; the query with trades is
    OrderResult sellPlaced = await(upbit.placeOrder(OrderRequest.marketSell("c1IS01", "XRP", arrived.amount())));
    assertThat(sellPlaced.status().terminal()).isFalse();
    OrderResult sell = await(upbit.queryOrder("XRP", "c1IS01")).orElseThrow();
    assertThat(sell.status()).isEqualTo(OrderStatus.FILLED);
    assertThat(sell.quoteAmount()).isEqualByComparingTo("143712"); // 199.6 × 720
    assertThat(sell.fee()).isEqualByComparingTo("71.856");
    assertThat(sell.feeAsset()).isEqualTo("KRW");

    // rebalance leg: buy on Upbit for at most 100 000 KRW in total, fee included
    BigDecimal krwBefore = await(upbit.balances()).get("KRW").free();
    await(upbit.placeOrder(OrderRequest.marketBuy("c1RB01", "XRP", new BigDecimal("100000"))));
    OrderResult rbuy = await(upbit.queryOrder("XRP", "c1RB01")).orElseThrow();
    assertThat(rbuy.status().terminal()).isTrue();
    assertThat(rbuy.hasFill()).isTrue();
    BigDecimal krwSpent = krwBefore.subtract(await(upbit.balances()).get("KRW").free());
    assertThat(krwSpent).isLessThanOrEqualTo(new BigDecimal("100000"));
    assertThat(krwSpent).isEqualByComparingTo(rbuy.quoteAmount().add(rbuy.fee()));

    DepositAddress home = await(binance.depositAddress("XRP", "XRP"));
    BigDecimal coins = rbuy.filledQuantity().setScale(6, java.math.RoundingMode.DOWN);
    WithdrawalRequest w2 = new WithdrawalRequest("c1RW01", "XRP", "XRP", coins, home.address(), home.tag());
    BigDecimal xrpBefore = venues.upbit.balance("XRP");
    WithdrawalResult back = await(upbit.withdraw(w2));
    // Upbit's fee comes on top of what it sends: the balance loses what was sent and the fee, never more than the
    // requested amount, and at most 1 bp less (the withdrawal tag in the amount's last digits)
    BigDecimal spent = xrpBefore.subtract(venues.upbit.balance("XRP"));
    assertThat(spent).isEqualByComparingTo(back.amount().add(back.fee()));
    assertThat(spent).isLessThanOrEqualTo(coins).isGreaterThanOrEqualTo(coins.multiply(new BigDecimal("0.9999")));

    Deposit home1 = awaitCredited(binance, start);
    assertThat(home1.amount()).isEqualByComparingTo(back.amount());
    OrderResult rsell = await(binance.placeOrder(OrderRequest.marketSell("c1RS01", "XRP", home1.amount())));
    assertThat(rsell.status()).isEqualTo(OrderStatus.FILLED);
    assertThat(rsell.feeAsset()).isEqualTo("USDT");

    // one order / withdrawal per intent at the venues
    assertThat(venues.binance.ordersByClientId()).isEqualTo(Map.of("c1IB01", 1, "c1RS01", 1));
    assertThat(venues.upbit.ordersByIdentifier()).isEqualTo(Map.of("c1IS01", 1, "c1RB01", 1));
    assertThat(venues.binance.withdrawalsByClientId()).isEqualTo(Map.of("c1IW01", 1));
    assertThat(venues.upbit.withdrawalCount()).isEqualTo(1);
    assertThat(await(binance.balances()).get("USDT").free()).isGreaterThan(new BigDecimal("900"));
  }

  private static Deposit awaitCredited(io.kimp.core.venue.ExchangeGateway gateway, Instant since) {
    return await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              List<Deposit> ds = LiveVenues.await(gateway.deposits("XRP", since));
              return ds.stream().filter(d -> d.status() == DepositStatus.CREDITED).findFirst().orElse(null);
            },
            d -> d != null);
  }
}
