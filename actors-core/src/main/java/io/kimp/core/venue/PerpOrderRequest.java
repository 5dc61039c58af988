package io.kimp.core.venue;

import io.kimp.core.CborSerializable;
import java.math.BigDecimal;
import java.util.Objects;

/**
 * A market order on a perpetual, by coin quantity: SELL opens (or adds to) a short, BUY with {@code reduceOnly} closes
 * it and can never open a long.
 *
 * @param clientId the intent's deterministic id, sent as {@code newClientOrderId}
 * @param coin the base coin (BTC); the gateway maps it to the venue's symbol
 * @param quantity in coin units, already on the contract's step
 */
public record PerpOrderRequest(String clientId, String coin, OrderSide side, BigDecimal quantity, boolean reduceOnly)
    implements CborSerializable {

  public PerpOrderRequest {
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(coin, "coin");
    Objects.requireNonNull(side, "side");
    if (quantity == null || quantity.signum() <= 0) {
      throw new IllegalArgumentException("a perpetual order needs a positive quantity, not " + quantity);
    }
  }

  /** Open (or add to) a short. */
  public static PerpOrderRequest openShort(String clientId, String coin, BigDecimal quantity) {
    return new PerpOrderRequest(clientId, coin, OrderSide.SELL, quantity, false);
  }

  /** Close a short (reduce-only buy). */
  public static PerpOrderRequest closeShort(String clientId, String coin, BigDecimal quantity) {
    return new PerpOrderRequest(clientId, coin, OrderSide.BUY, quantity, true);
  }
}
