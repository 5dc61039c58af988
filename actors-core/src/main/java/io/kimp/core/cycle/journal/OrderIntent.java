package io.kimp.core.cycle.journal;

import io.kimp.core.venue.OrderRequest;
import io.kimp.core.venue.OrderSide;
import io.kimp.core.venue.OrderType;
import java.math.BigDecimal;

/** An order a step is about to place (the intent, persisted before the order goes out). */
public record OrderIntent(
    String clientId,
    String coin,
    OrderSide side,
    OrderType type,
    BigDecimal quantity,
    BigDecimal quoteAmount,
    BigDecimal limitPrice) {

  public static OrderIntent of(OrderRequest r) {
    return r == null
        ? null
        : new OrderIntent(r.clientId(), r.coin(), r.side(), r.type(), r.quantity(), r.quoteAmount(), r.limitPrice());
  }

  public OrderRequest toRequest() {
    return new OrderRequest(clientId, coin, side, type, quantity, quoteAmount, limitPrice);
  }
}
