package io.kimp.core.venue;

import java.math.BigDecimal;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Port: a USDT-margined perpetual-futures venue (Binance USDT-M today; OKX and Bybit swaps later), as the transfer hedge
 * uses it. Like {@link ExchangeGateway}, every call is asynchronous and fails its stage with a {@link VenueException}
 * whose {@link FailureClass} says what is safe next; idempotency is by client id ({@code newClientOrderId}).
 *
 * <p>Orders are market orders by coin quantity: a hedge opens a short of the quantity the leg bought and closes it
 * reduce-only when the leg sold. The answer is an {@link OrderResult} so that the cycle records a hedge fill exactly like
 * a spot fill (quantity, average price, fee and its asset).
 */
public interface PerpetualGateway {

  /** Which venue's futures these are (the spot venue of the same exchange, for errors and rate limits). */
  io.kimp.core.market.Venue venue();

  /** The perpetual listed for {@code coin} (e.g. BTC → BTCUSDT), or empty when the venue lists none. */
  CompletionStage<Optional<PerpContract>> contract(String coin);

  CompletionStage<OrderResult> placeOrder(PerpOrderRequest request);

  /** The order sent with {@code clientId}, or empty when the venue has no such order. */
  CompletionStage<Optional<OrderResult>> queryOrder(String coin, String clientId);

  /** The account's position in {@code coin}'s perpetual (zero when flat). */
  CompletionStage<PerpPosition> position(String coin);

  /** Sets the leverage of {@code coin}'s perpetual (idempotent); the hedge keeps it low, the short is collateralised. */
  CompletionStage<Void> ensureLeverage(String coin, int leverage);

  /** The futures wallet's USDT available for new positions. */
  CompletionStage<BigDecimal> availableMargin();

  /** Moves {@code usdt} between the spot and the futures wallet; {@code clientId} makes a retry safe where supported. */
  CompletionStage<Void> transferMargin(MarginTransfer direction, BigDecimal usdt, String clientId);

  /** Direction of a wallet transfer. */
  enum MarginTransfer {
    SPOT_TO_FUTURES,
    FUTURES_TO_SPOT
  }
}
