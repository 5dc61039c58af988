package io.kimp.core.venue;

import io.kimp.core.CborSerializable;
import java.math.BigDecimal;
import java.util.Objects;

/**
 * An order to place. A market BUY spends {@code quoteAmount} (Binance {@code quoteOrderQty}, Upbit {@code ord_type=price});
 * a market SELL sells {@code quantity}; a LIMIT order has both {@code quantity} and {@code limitPrice}.
 *
 * @param clientId the intent's deterministic id: Binance {@code newClientOrderId}, Upbit {@code identifier}
 */
public record OrderRequest(
    String clientId,
    String coin,
    OrderSide side,
    OrderType type,
    BigDecimal quantity,
    BigDecimal quoteAmount,
    BigDecimal limitPrice)
    implements CborSerializable {

  public OrderRequest {
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(coin, "coin");
    Objects.requireNonNull(side, "side");
    Objects.requireNonNull(type, "type");
    if (type == OrderType.MARKET && side == OrderSide.BUY && quoteAmount == null && quantity == null) {
      throw new IllegalArgumentException("market buy needs quoteAmount or quantity");
    }
    if (type == OrderType.MARKET && side == OrderSide.SELL && quantity == null) {
      throw new IllegalArgumentException("market sell needs quantity");
    }
    if (type == OrderType.LIMIT && (quantity == null || limitPrice == null)) {
      throw new IllegalArgumentException("limit order needs quantity and limitPrice");
    }
  }

  public static OrderRequest marketBuy(String clientId, String coin, BigDecimal quoteAmount) {
    return new OrderRequest(clientId, coin, OrderSide.BUY, OrderType.MARKET, null, quoteAmount, null);
  }

  public static OrderRequest marketSell(String clientId, String coin, BigDecimal quantity) {
    return new OrderRequest(clientId, coin, OrderSide.SELL, OrderType.MARKET, quantity, null, null);
  }
}
