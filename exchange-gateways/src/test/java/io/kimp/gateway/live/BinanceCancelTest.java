package io.kimp.gateway.live;

import static io.kimp.gateway.live.LiveVenues.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.kimp.core.venue.OrderRequest;
import io.kimp.core.venue.OrderResult;
import io.kimp.core.venue.OrderSide;
import io.kimp.core.venue.OrderStatus;
import io.kimp.core.venue.OrderType;
import io.kimp.gateway.binance.BinanceGateway;
import java.math.BigDecimal;
import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A cancel's reply names the cancel request by its own client id and the cancelled order by {@code origClientOrderId}:
 * the gateway must report the order's id, or the cycle cannot match the result to its intent.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BinanceCancelTest {
  private final ActorTestKit kit = ActorTestKit.create();
  private LiveVenues venues;

  @BeforeAll
  void start() {
    venues = LiveVenues.start(Duration.ofMillis(200));
    venues.binance.setPrice("XRP", new BigDecimal("0.499"), new BigDecimal("0.5"));
    venues.binance.setBalance("USDT", new BigDecimal("1000"));
  }

  @AfterAll
  void stop() {
    venues.close();
    kit.shutdownTestKit();
  }

  @Test
  void aCancelledOrderKeepsItsOwnClientId() {
    BinanceGateway g = venues.binanceGateway(kit);
    OrderRequest limit = new OrderRequest(
        "bcancel1", "XRP", OrderSide.BUY, OrderType.LIMIT, new BigDecimal("100"), null, new BigDecimal("0.1"));
    OrderResult placed = await(g.placeOrder(limit));
    assertThat(placed.status()).isEqualTo(OrderStatus.NEW);

    OrderResult cancelled = await(g.cancelOrder("XRP", "bcancel1"));
    assertThat(cancelled.status()).isEqualTo(OrderStatus.CANCELED);
    assertThat(cancelled.clientId()).isEqualTo("bcancel1");
    assertThat(cancelled.venueOrderId()).isEqualTo(placed.venueOrderId());
  }
}
