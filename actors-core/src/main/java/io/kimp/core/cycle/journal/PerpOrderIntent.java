package io.kimp.core.cycle.journal;

import io.kimp.core.venue.OrderSide;
import io.kimp.core.venue.PerpOrderRequest;
import java.math.BigDecimal;

/**
 * A perpetual order a hedge step is about to place (the intent, persisted before the order goes out): SELL opens the
 * short, a reduce-only BUY closes it.
 *
 * @param quantity the requested coin quantity (the venue rounds it down to the contract's step; the fill says what ran)
 */
public record PerpOrderIntent(String clientId, String coin, OrderSide side, BigDecimal quantity, boolean reduceOnly) {

  public static PerpOrderIntent of(PerpOrderRequest r) {
    return r == null ? null : new PerpOrderIntent(r.clientId(), r.coin(), r.side(), r.quantity(), r.reduceOnly());
  }

  public PerpOrderRequest toRequest() {
    return new PerpOrderRequest(clientId, coin, side, quantity, reduceOnly);
  }
}
