package io.kimp.core.venue;

import io.kimp.core.CborSerializable;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * What the venue says about an order.
 *
 * @param filledQuantity coin quantity executed (gross, before any fee charged in the coin)
 * @param quoteAmount quote currency exchanged (gross, before any fee charged in the quote)
 * @param fee fee charged, in {@code feeAsset}
 */
public record OrderResult(
    String clientId,
    String venueOrderId,
    OrderStatus status,
    BigDecimal filledQuantity,
    BigDecimal averagePrice,
    BigDecimal quoteAmount,
    BigDecimal fee,
    String feeAsset,
    Instant updatedAt)
    implements CborSerializable {

  public boolean hasFill() {
    return filledQuantity != null && filledQuantity.signum() > 0;
  }
}
